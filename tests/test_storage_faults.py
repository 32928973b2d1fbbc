"""Storage faults end in one message naming the path and what to do, exit 1, nothing lost.

A full disk (a small tmpfs), a read-only state folder (a read-only bind mount), a damaged or
foreign ledger, a ledger locked by another process, a ledger from a newer version, and a file
where a folder should be. Each command says so once and exits 1; once the fault is gone, the
state recorded before it is all there and nothing is created twice. The mount tests need root
on Linux and skip, saying why, elsewhere.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup_mailer.store import schema
from tests import mailtools
from tests.e2e import ended_recently, interview_toml
from tests.hostile import can_mount, run_clean
from tests.hostile_toml import CONFIG, table_text

KEY = "acme/thank_you/dana@acme.example"
WRITERS = (("run", "--once"), ("outcome", "acme", "rejected"), ("hold", "acme"))
READERS = (("status",), ("status", "--json"), ("plan",), ("check",), ("export",))


class Folder:
    """A config, a schedule and a maildir; the state folder where the test wants it."""

    def __init__(self, root: Path, state: Path | None = None) -> None:
        self.root = root
        self.state = state or root / "state"
        sections = {name: dict(keys) for name, keys in CONFIG.items()}
        sections["state"] = {"dir": str(self.state)}
        self.config = root / "config.toml"
        self.config.write_text("".join(table_text(f"[{n}]", k) for n, k in sections.items()))
        people = [("Dana Smith", "dana@acme.example")]
        (root / "interviews.toml").write_text(
            interview_toml("acme", end=ended_recently(), people=people)
        )

    def run(self, *args: str) -> tuple[int, str]:
        result = run_clean(["--config", str(self.config), *args])
        return result.exit_code, result.stderr

    def refuses(self, *args: str, naming: Path, saying: str = "") -> str:
        """Assert the command exits 1 with one message naming `naming` (and `saying`)."""
        code, stderr = self.run(*args)
        assert code == 1 and str(naming) in stderr and saying in stderr, stderr
        return stderr

    def drafts(self) -> list[Path]:
        return mailtools.files(self.root / "mail", "Drafts")

    def state_of(self, key: str = KEY) -> str:
        import json

        status = run_clean(["--config", str(self.config), "status", "--json"]).stdout
        rows: list[dict[str, str]] = json.loads(status)
        return next(
            row["state"] for row in rows if row["to"] in key and key.startswith(row["interview"])
        )

    def drafted_once(self) -> None:
        """Assert the thank-you is one draft, awaiting approval, and stays so after a pass."""
        assert self.run("run", "--once")[0] == 0
        assert len(self.drafts()) == 1 and self.state_of() == "awaiting-approval"


@contextmanager
def mounted(target: Path, *options: str) -> Iterator[Path]:
    """Mount something on target (mount(8) arguments), unmounting it after; skip if we cannot."""
    if not can_mount():
        pytest.skip("mounting needs root on Linux")
    target.mkdir(exist_ok=True)
    done = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def fill(disk: Path) -> Path:
    """Fill a file system to the last byte; return the file that fills it."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    os.write(descriptor, b"x" * size)
                except OSError:
                    break
    finally:
        os.close(descriptor)
    return filler


def test_a_full_disk_stops_every_command_with_one_message_and_loses_nothing(
    tmp_path: Path,
) -> None:
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=256k", "tmpfs") as disk:
        folder = Folder(tmp_path, disk / "state")
        folder.drafted_once()
        filler = fill(disk)
        for command in (*WRITERS, *READERS):
            folder.refuses(*command, naming=disk / "state")
        filler.unlink()
        folder.drafted_once()
        assert folder.run("outcome", "acme", "rejected")[0] == 0


def test_a_full_disk_on_a_fresh_state_folder_says_the_disk_is_full(tmp_path: Path) -> None:
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=256k", "tmpfs") as disk:
        folder = Folder(tmp_path, disk / "state")
        (disk / "state").mkdir(mode=0o700)
        filler = fill(disk)
        folder.refuses("run", "--once", naming=disk / "state", saying="the disk is full")
        assert folder.drafts() == []  # no message without its intent on disk
        filler.unlink()
        folder.drafted_once()


def test_a_full_disk_under_an_existing_ledger_is_named_as_full(tmp_path: Path) -> None:
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=256k", "tmpfs") as disk:
        folder = Folder(tmp_path, disk / "state")
        folder.drafted_once()
        fill(disk)
        for command in (*WRITERS, *READERS):
            folder.refuses(*command, naming=disk / "state", saying="the disk is full")


def test_a_read_only_state_folder_is_one_message_and_the_ledger_stays(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    folder.drafted_once()
    state = tmp_path / "state"
    with mounted(state, "--bind", str(state)):
        done = subprocess.run(["mount", "-o", "remount,bind,ro", str(state)], capture_output=True)
        if done.returncode:
            pytest.skip(f"cannot make a read-only bind mount: {done.stderr.decode().strip()}")
        for command in (*WRITERS, ("status",)):
            folder.refuses(*command, naming=state)
    folder.drafted_once()


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "half",
        "another program's database",
    ],
)
def test_a_damaged_or_foreign_ledger_is_refused_and_left_untouched(
    tmp_path: Path, damage: str
) -> None:
    folder = Folder(tmp_path)
    folder.drafted_once()
    ledger = tmp_path / "state" / "state.db"
    for extra in ledger.parent.glob("state.db-*"):
        extra.unlink()
    data = ledger.read_bytes()
    if damage == "garbage":
        ledger.write_bytes(b"not a database at all " * 200)
    elif damage == "half":
        ledger.write_bytes(data[: len(data) // 2] + b"\xff" * 512)
    else:
        ledger.unlink()
        with sqlite3.connect(ledger) as other:
            other.execute("CREATE TABLE steps (something_else TEXT)")
        ledger.chmod(0o600)
    before = ledger.read_bytes()
    for command in (*WRITERS, *READERS):
        folder.refuses(*command, naming=tmp_path / "state")
    assert ledger.read_bytes() == before


def test_a_ledger_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    folder.drafted_once()
    ledger = tmp_path / "state" / "state.db"
    with sqlite3.connect(ledger) as db:
        db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    before = ledger.read_bytes()
    for command in (*WRITERS, *READERS):
        folder.refuses(*command, naming=ledger, saying="newer followup-mailer")
    assert ledger.read_bytes() == before


@pytest.mark.slow  # a second process
def test_a_ledger_locked_by_another_process_is_one_message_then_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 300)  # the real wait is ten seconds
    folder = Folder(tmp_path)
    folder.drafted_once()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(tmp_path / "state" / "state.db")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        for command in WRITERS[1:]:  # an idle `run --once` writes nothing, so it is not held up
            folder.refuses(*command, naming=tmp_path / "state", saying="locked")
    finally:
        holder.kill()
        holder.wait()
    folder.drafted_once()


_HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize(
    "where",
    [
        "state",
        "mail",
        "mail/Drafts",
        "mail/Sent",
        "mail/INBOX/new",
    ],
)
def test_a_file_where_a_folder_should_be_is_one_message_saying_what_to_do(
    tmp_path: Path, where: str
) -> None:
    folder = Folder(tmp_path)
    (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / where).write_text("a file, not a folder\n")
    stderr = folder.refuses("run", "--once", naming=tmp_path / where)
    (tmp_path / where).unlink()
    folder.drafted_once()
    assert "folder" in stderr and ("write the path" in stderr or "move" in stderr), stderr


def test_a_full_disk_while_the_daemon_holds_the_ledger_open_is_one_message(
    tmp_path: Path,
) -> None:
    """With the ledger and the mail index already open elsewhere (their journals exist), a
    pass can open them on a full disk and fail only when the index records new mail."""
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=256k", "tmpfs") as disk:
        folder = Folder(tmp_path, disk / "state")
        folder.drafted_once()
        held = [sqlite3.connect(path) for path in sorted((disk / "state").glob("*.db"))]
        try:
            for db in held:
                db.execute("SELECT count(*) FROM sqlite_master").fetchall()
            mailtools.deliver_reply(
                tmp_path / "mail", frm="dana@acme.example", to="alex@example.com",
                subject="Hello", date=datetime.now(UTC),
            )  # fmt: skip
            fill(disk)
            folder.refuses("run", "--once", naming=disk / "state", saying="full")
        finally:
            for db in held:
                db.close()
