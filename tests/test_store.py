"""The ledger: schema versions, the one-row-per-step rule, and what it remembers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup_mailer.errors import UserError
from followup_mailer.model import Hold, Kind, Outcome, Phase, Placed, Record, Seen, State
from followup_mailer.store import DB_NAME, StorageError, Store
from followup_mailer.store.schema import SCHEMA_VERSION, storage_error

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
STEP = Record(
    key="acme/thank_you/dana@acme.com",
    interview="acme",
    step="thank_you",
    recipient="dana@acme.com",
    due=NOW,
)


def test_a_new_ledger_is_at_the_current_schema_version(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_ledger_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = (tmp_path / DB_NAME).read_bytes()
    with pytest.raises(StorageError, match="newer followup-mailer"):
        Store.open(tmp_path)
    assert (tmp_path / DB_NAME).read_bytes() == before


def test_an_intent_is_recorded_once_per_step(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        assert store.record_intent(STEP) is True
        assert store.record_intent(STEP) is False
        assert store.records()[STEP.key].phase is Phase.INTENT


def test_a_forgotten_intent_may_be_recorded_again(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.record_intent(STEP)
        store.record_phase(STEP.key, None, "")  # looked in the mailbox: not there
        assert store.record_intent(STEP) is True


def test_outcomes_survive_reopening(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.record_intent(STEP)
        store.record_placed(
            STEP.key, Phase.DRAFTED, Placed(thread_id="t-1", message_id="<m@x>", draft_id="d-1")
        )
        store.record_placed(
            STEP.key, Phase.SENT, Placed(thread_id="t-1", message_id="<m2@x>", sent_at=NOW)
        )
        store.set_outcome("acme", Outcome.OFFER, NOW)
    with Store.open(tmp_path) as store:
        record = store.records()[STEP.key]
        assert (record.phase, record.draft_id, record.message_id, record.sent_at) == (
            Phase.SENT, "d-1", "<m2@x>", NOW,
        )  # fmt: skip
        assert store.outcomes() == {"acme": Outcome.OFFER}


def test_seen_messages_are_kept_once(tmp_path: Path) -> None:
    seen = Seen(
        mailbox_id="m1",
        kind=Kind.HUMAN,
        sender="dana@acme.com",
        recipients=("alex@example.com",),
        date=NOW,
        thread_id="t-1",
    )
    with Store.open(tmp_path) as store:
        assert store.add_seen([seen, seen]) == 1
        assert store.add_seen([seen]) == 0
        assert store.seen() == (seen,)


def test_planned_rows_the_plan_dropped_are_forgotten_but_created_ones_stay(tmp_path: Path) -> None:
    nudge = Record(
        key="acme/followup-2/dana@acme.com",
        interview="acme",
        step="followup-2",
        recipient="dana@acme.com",
    )
    with Store.open(tmp_path) as store:
        rows = [(STEP, State.PLANNED, NOW, ""), (nudge, State.PLANNED, None, "")]
        assert store.save_states(rows, {}) == 2
        store.record_intent(STEP)
        store.forget_uncreated(set(), store.snapshot(set()).states)
        assert list(store.records()) == [STEP.key]


def test_saving_an_unchanged_plan_writes_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.save_states([(STEP, State.PLANNED, NOW, "")], {})
        known = store.snapshot({"acme"}).states
        wal = tmp_path / f"{DB_NAME}-wal"
        before = wal.stat().st_size, wal.stat().st_mtime_ns
        assert store.save_states([(STEP, State.PLANNED, NOW, "")], known) == 0
        store.forget_uncreated({STEP.key}, known)
        store.record_poll({}, (), ())
        assert (wal.stat().st_size, wal.stat().st_mtime_ns) == before


def test_the_ledger_and_its_folder_are_private(tmp_path: Path) -> None:
    state = tmp_path / "state"
    Store.open(state).close()
    assert state.stat().st_mode & 0o777 == 0o700
    assert (state / DB_NAME).stat().st_mode & 0o777 == 0o600


def test_a_file_where_the_state_folder_should_be_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("not a folder")
    with pytest.raises(UserError, match="is a file"):
        Store.open(tmp_path / "state")


def test_a_damaged_ledger_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="damaged"):
        Store.open(tmp_path)


def test_a_read_only_ledger_is_one_clear_error(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    (tmp_path / DB_NAME).chmod(0o400)
    if os.access(tmp_path / DB_NAME, os.W_OK):
        pytest.skip("running as root: a read-only file is still writable")
    with Store.open(tmp_path) as store, pytest.raises(StorageError, match=r"read-only|readonly"):
        store.record_intent(STEP)


@pytest.mark.slow  # a second process
def test_migrations_are_safe_when_two_processes_start_at_once(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from followup_mailer.store import Store;"
        "Store.open(Path(sys.argv[1])).close()"
    )
    for round_ in range(10):
        folder = tmp_path / f"round-{round_}"
        starts = [
            subprocess.Popen([sys.executable, "-c", code, str(folder)], stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        errors = [p.communicate()[1].decode() for p in starts]
        assert [p.returncode for p in starts] == [0, 0, 0], errors


def test_a_transaction_that_raises_leaves_nothing_behind(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        with pytest.raises(ValueError, match="midway"), store.transaction() as db:
            db.execute("INSERT INTO settings VALUES ('half', 'done')")
            raise ValueError("midway")
        assert store.get("half") == ""


def test_one_step_is_read_back_by_its_key(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.record_intent(STEP)
        found = store.record(STEP.key)
        assert found is not None and (found.key, found.phase) == (STEP.key, Phase.INTENT)
        assert store.record("acme/thank_you/nobody@acme.com") is None


def test_holds_are_kept_until_resumed(tmp_path: Path) -> None:
    until = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with Store.open(tmp_path) as store:
        store.set_hold("acme", Hold(until=until), NOW)
        store.set_hold("acme", Hold(until=until.replace(day=2)), NOW)  # a new date replaces it
    with Store.open(tmp_path) as store:
        assert store.holds() == {"acme": Hold(until=until.replace(day=2))}
        store.set_hold("acme", None, NOW)
        assert store.holds() == {}


def test_a_setting_written_unchanged_is_not_written_again(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.put("position", "42")
        wal = tmp_path / f"{DB_NAME}-wal"
        before = wal.stat().st_size if wal.exists() else 0
        store.put("position", "42")
        assert (wal.stat().st_size if wal.exists() else 0) == before
        assert store.get("position") == "42" and store.add_seen([]) == 0


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        ("database is locked", "another program holds it locked"),
        ("database or disk is full", "the disk is full"),
        ("attempt to write a readonly database", "fix its permissions"),
        ("file is not a database", "move it away"),
        ("database disk image is malformed", "restore a backup"),
        ("unable to open database file", "a folder you can write to"),
        ("something nobody expected", "check the disk and the file"),
    ],
)
def test_each_storage_fault_is_told_with_what_to_do(
    tmp_path: Path, error: str, advice: str
) -> None:
    told = storage_error(tmp_path / DB_NAME, sqlite3.OperationalError(error))
    assert str(told).startswith(f"the ledger {tmp_path / DB_NAME}: {error}: ")
    assert advice in str(told)


def test_reading_an_unchanged_ledger_again_builds_nothing_new(tmp_path: Path) -> None:
    # the records of the last read come back as the same objects (the plan's memory compares
    # them at once) until a commit, ours or another process's
    other = replace(STEP, key="acme/thank_you/lee@acme.com", recipient="lee@acme.com")
    with Store.open(tmp_path) as store:
        store.record_intent(STEP)
        first = store.records()
        assert store.records() is first and store.snapshot({"acme"}) is store.snapshot({"acme"})
        store.record_intent(other)
        ours = store.records()
        assert ours.keys() == {STEP.key, other.key}
        with Store.open(tmp_path) as elsewhere:
            elsewhere.record_phase(STEP.key, None, "")
        theirs = store.records()
        assert theirs[STEP.key].phase is None and theirs[other.key] == ours[other.key]
        assert store.snapshot({"acme"}).records == {other.key: ours[other.key]}
        assert store.seen() == () and store.seen() is store.seen()
