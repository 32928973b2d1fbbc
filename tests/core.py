"""An in-process rig for the exactly-once core: a real maildir, a real ledger, an explicit now.

`Rig` runs passes as `run --once` does (same functions, no subprocess), with
a clock the test moves. `Crashing` wraps the real mailbox: it makes the real
call, then raises `Crash` (a BaseException, as a SIGKILL would end the
process) before the outcome can be recorded; the test then opens the ledger
again, as the next process would, and runs the next pass.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from followup_mailer.cli.context import writer_for
from followup_mailer.intake.config import load_settings
from followup_mailer.intake.schedule import parse_schedule
from followup_mailer.mailbox.maildir import MaildirMailbox
from followup_mailer.mailbox.maildir_files import RACY
from followup_mailer.mailbox.protocol import Mailbox, Poll, ThreadTail, Watch
from followup_mailer.model import Interview, Placed, Record
from followup_mailer.plan_memory import PlanMemory
from followup_mailer.reconcile import PassReport, run_pass
from followup_mailer.settings import Settings
from followup_mailer.store import Store
from tests import mailtools
from tests.conftest import config_text

NY = "America/New_York"
# Thursday 19 Nov 2026, 14:00-15:00 in New York
END = datetime(2026, 11, 19, 20, 0, tzinfo=UTC)


class Crash(BaseException):
    """The process died here (what SIGKILL does, in process)."""


class Crashing:
    """The real mailbox, dying right after (or right before) one kind of call."""

    def __init__(self, inner: Mailbox, *, at: str, before: bool = False) -> None:
        self.inner, self.at, self.before = inner, at, before

    def _maybe(self, name: str) -> None:
        if name == self.at:
            raise Crash(name)

    def cursor(self) -> str:
        return self.inner.cursor()

    def create_draft(self, message: EmailMessage, *, thread_id: str) -> Placed:
        if self.before:
            self._maybe("create_draft")
        placed = self.inner.create_draft(message, thread_id=thread_id)
        self._maybe("create_draft")
        return placed

    def send(self, message: EmailMessage, *, thread_id: str) -> Placed:
        if self.before:
            self._maybe("send")
        placed = self.inner.send(message, thread_id=thread_id)
        self._maybe("send")
        return placed

    def note_to_self(self, message: EmailMessage) -> Placed:
        return self.inner.note_to_self(message)

    def find(self, key: str, *, since: str) -> Placed | None:
        return self.inner.find(key, since=since)

    def thread_tail(self, thread_id: str) -> ThreadTail | None:
        return self.inner.thread_tail(thread_id)

    def poll(self, watch: Watch) -> Poll:
        return self.inner.poll(watch)

    def acknowledge(self, cursor: str) -> None:
        self.inner.acknowledge(cursor)

    def release(self) -> None:
        self.inner.release()


def schedule_text(*interviews: str) -> str:
    return "\n".join(interviews)


def interview_text(
    interview_id: str = "acme",
    *,
    end: datetime = END,
    people: tuple[tuple[str, str], ...] = (("Dana Smith", "dana@acme.com"),),
    extra: str = "",
) -> str:
    """One [[interview]] table of a schedule."""
    start = end - timedelta(hours=1)
    lines = [
        "[[interview]]",
        f'id = "{interview_id}"',
        'company = "Acme Corp"',
        'role = "Backend Engineer"',
        f"start = {start.isoformat()}",
        f"end = {end.isoformat()}",
        f'format = "{"panel" if len(people) > 1 else "one-on-one"}"',
        'highlights = ["the move to event sourcing"]',
        extra,
    ]
    for name, email in people:
        lines += ["[[interview.interviewer]]", f'name = "{name}"', f'email = "{email}"']
    return "\n".join(lines) + "\n"


@dataclass
class Rig:
    """A config, a maildir and a ledger in one folder, and a clock the test moves."""

    root: Path
    now: datetime = END + timedelta(hours=3)
    overrides: dict[str, dict[str, object]] = field(default_factory=dict)
    schedule: str = field(default_factory=interview_text)

    def __post_init__(self) -> None:
        sections: dict[str, dict[str, object]] = {"delivery": {"send_window": "always"}}
        for name, keys in self.overrides.items():
            sections.setdefault(name, {}).update(keys)
        (self.root / "config.toml").write_text(config_text(sections), encoding="utf-8")
        self.settings: Settings = load_settings(self.root / "config.toml")

    @property
    def maildir(self) -> Path:
        return self.settings.delivery.maildir

    @property
    def state(self) -> Path:
        return self.settings.state_dir

    def interviews(self) -> tuple[Interview, ...]:
        return parse_schedule(
            self.schedule, file="interviews.toml", default_tz=self.settings.account.timezone
        )

    def mailbox(self) -> MaildirMailbox:
        delivery = self.settings.delivery
        return MaildirMailbox(
            delivery.maildir, sendmail=delivery.sendmail, clock=lambda: self.now, state=self.state
        )

    def run(self, mailbox: Mailbox | None = None, memory: PlanMemory | None = None) -> PassReport:
        """Run one pass at `now`, as a new process would (a fresh connection to the ledger),
        or as the daemon would, given the plans it keeps between passes (`memory`)."""
        with Store.open(self.state) as store:
            return run_pass(
                settings=self.settings,
                interviews=self.interviews(),
                store=store,
                mailbox=mailbox or self.mailbox(),
                writer=writer_for(self.settings),
                now=self.now,
                show=lambda title, body: True,
                memory=memory,
            )

    def crash(self, at: str, *, before: bool = False) -> None:
        """Run a pass that dies at a mailbox call; the Crash is what the test expects."""
        try:
            self.run(Crashing(self.mailbox(), at=at, before=before))
        except Crash:
            return
        raise AssertionError(f"the pass never reached {at}")

    def records(self) -> dict[str, Record]:
        with Store.open(self.state) as store:
            return store.records()

    def state_of(self, key: str) -> str:
        with Store.open(self.state) as store:
            record = store.records()[key]
            return str(record.state)

    def copies(self, key: str) -> dict[str, int]:
        """Count the messages carrying a key, per folder."""
        return {
            folder: sum(1 for p in mailtools.files(self.maildir, folder) if _key(p) == key)
            for folder in ("Drafts", "Sent", "INBOX")
        }

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def minutes_passed_for_the_folders(self) -> None:
        """Date a folder changed just now a few seconds back, as the minutes between polls
        would (a stamp within RACY seconds of a change is not taken)."""
        for folder in self.maildir.glob("*/*"):
            if time.time() - folder.stat().st_mtime < RACY:
                os.utime(folder, (time.time() - 5, time.time() - 5))


def _key(path: Path) -> str:
    try:
        return mailtools.key_of(path.read_bytes())
    except (OSError, ValueError):
        return ""


def all_keys(root: Path) -> Iterator[tuple[str, str]]:
    """Yield (folder, key) for every message of ours in the maildir."""
    for folder in ("Drafts", "Sent", "INBOX"):
        for path in mailtools.files(root, folder):
            if key := _key(path):
                yield folder, key


def file_stamps(root: Path, *, but: str = "") -> dict[Path, tuple[int, int]]:
    """Every file's size and modification time under root (but any file named `but`)."""
    found = {}
    for path in root.rglob("*"):
        if path.is_file() and path.name != but:
            info = path.stat()
            found[path] = (info.st_size, info.st_mtime_ns)
    return found
