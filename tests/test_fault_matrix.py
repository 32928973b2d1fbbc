"""The crash matrix: each named fault point, in draft and send mode, on both backends.

The real command runs as a subprocess with FOLLOWUP_MAILER_FAULTPOINT set, so it SIGKILLs
itself at that point (followup_mailer/faults.py): after the intent is recorded, after the
mailbox call and before its outcome is recorded, half-way through writing the refreshed Gmail
token, and inside a schema migration of a ledger from the previous version that holds an
unsettled intent. Then two normal passes run. Every step ends exactly once (one message with
its key in the mailbox, in the state its mode gives) or visibly in doubt with a reason.
"""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from followup_mailer.model import KEY_HEADER
from followup_mailer.store import schema
from tests import mailtools
from tests.e2e import Workspace, ended_recently, interview_toml
from tests.fakegmail import FakeGmail
from tests.test_gmail_e2e import ALEX, gmail_workspace, start

pytestmark = pytest.mark.slow

KEYS = ("acme/thank_you/dana@acme.com", "acme/thank_you/lee@acme.com")
PEOPLE = [("Dana Smith", "dana@acme.com"), ("Lee Park", "lee@acme.com")]
POINTS = (
    "after_intent",
    "before_maildir_delivery",
    "after_mailbox_call",
    "during_token_write",
    "during_migration",
)
SETTLED = {"draft": "awaiting-approval", "send": "sent"}


@pytest.fixture
def fake() -> Iterator[FakeGmail]:
    with FakeGmail(account=ALEX, seed=11) as server:
        yield server


class Backend:
    """One backend of a workspace: how to set it up and how to count messages by key."""

    def __init__(self, name: str, root: Path, fake: FakeGmail, mode: str) -> None:
        self.name, self.fake = name, fake
        if name == "gmail":
            self.ws = gmail_workspace(root, fake, mode=mode)
        else:
            self.ws = Workspace(root)
            sendmail = root / "sendmail"  # a sendmail that keeps what it is handed
            sendmail.write_text(f"#!/bin/sh\ncat >> {root / 'outbox'}\n")
            sendmail.chmod(0o755)
            delivery = {"mode": mode, "sendmail": str(sendmail), "max_lateness": "2d"}
            self.ws.write_config(delivery=delivery, reminders={"desktop": False})
        self.ws.write_schedule(interview_toml("acme", end=ended_recently(), people=PEOPLE))

    def copies(self, key: str) -> int:
        """Count the messages that carry `key`: drafts and sent mail (and what sendmail got)."""
        if self.name == "gmail":
            return len(self.fake.find_by_header(KEY_HEADER, key))
        root = self.ws.maildir
        filed = sum(
            1
            for folder in ("Drafts", "Sent")
            for path in mailtools.files(root, folder)
            if mailtools.read(path).get(KEY_HEADER) == key
        )
        outbox = self.ws.root / "outbox"
        handed = outbox.read_text().count(f"{KEY_HEADER}: {key}") if outbox.exists() else 0
        return max(filed, handed)  # a message sent is handed over once and filed in Sent once


def previous_version(ledger: Path) -> None:
    """Turn a ledger into one of the previous schema version, keeping its steps' rows."""
    older = ledger.with_name("older.db")
    with sqlite3.connect(older) as db:
        for migration in schema.MIGRATIONS[:-1]:
            db.executescript(migration)
        db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1}")
        db.execute("ATTACH DATABASE ? AS current", (str(ledger),))
        wanted = {row[1] for row in db.execute("PRAGMA main.table_info(steps)")}
        have = {row[1] for row in db.execute("PRAGMA current.table_info(steps)")}
        columns = ", ".join(sorted(wanted & have))
        db.execute(f"INSERT INTO main.steps ({columns}) SELECT {columns} FROM current.steps")
        db.commit()
        db.execute("DETACH DATABASE current")
    for extra in ledger.parent.glob(ledger.name + "-*"):
        extra.unlink()
    older.replace(ledger)
    ledger.chmod(0o600)


def crash(backend: Backend, point: str) -> None:
    """Run one pass that kills itself at `point` (preparing what the point needs)."""
    ws = backend.ws
    if point == "during_migration":
        killed = ws.run("run", "--once", check=False, FOLLOWUP_MAILER_FAULTPOINT="after_intent")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        previous_version(ws.root / "state" / schema.DB_NAME)
    killed = ws.run("run", "--once", check=False, FOLLOWUP_MAILER_FAULTPOINT=point)
    assert killed.returncode == -signal.SIGKILL, f"{point} was not reached:\n{killed.stderr}"


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("mode", ["draft", "send"])
@pytest.mark.parametrize("backend_name", ["maildir", "gmail"])
def test_a_crash_at_any_point_ends_exactly_once_or_visibly_in_doubt(
    tmp_path: Path, fake: FakeGmail, backend_name: str, mode: str, point: str
) -> None:
    if point == "during_token_write" and backend_name == "maildir":
        pytest.skip("the maildir backend has no token to write")
    if point == "before_maildir_delivery" and backend_name == "gmail":
        pytest.skip("Gmail has no maildir to deliver into")
    backend = Backend(backend_name, tmp_path, fake, mode)
    crash(backend, point)
    backend.ws.run("run", "--once")
    backend.ws.run("run", "--once")
    for key in KEYS:
        step = backend.ws.step(key)
        copies = backend.copies(key)
        assert copies <= 1, f"{key}: {copies} messages after a crash at {point}"
        if copies == 0:  # not created, and it says why
            assert step["state"] == "in-doubt" and step["reason"], step
        elif (point, mode, step["state"]) == ("before_maildir_delivery", "send", "in-doubt"):
            # the one sendmail took and that was not filed in Sent: the user settles it, as told
            assert "did not finish" in step["reason"], step
        else:
            assert step["state"] == SETTLED[mode], step


def test_commands_started_together_on_a_fresh_state_folder_all_work(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    ws.write_config(reminders={"desktop": False})
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=PEOPLE))
    started = [start(ws, *args) for args in [("status", "--json"), ("plan",), ("check",)] * 3]
    for process in started:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0 and "Traceback" not in stderr, stderr
    assert len(ws.status()) == 4  # two thank-yous, two nudges to the first interviewer
