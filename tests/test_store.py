"""The ledger: schema versions, the one-row-per-step rule, and what it remembers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup_mailer.errors import UserError
from followup_mailer.model import Kind, Outcome, Phase, Placed, Record, Seen, State
from followup_mailer.store import DB_NAME, SCHEMA_VERSION, Store

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
STEP = Record("acme/thank_you/dana@acme.com", "acme", "thank_you", "dana@acme.com", due=NOW)


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
    with pytest.raises(UserError, match="newer followup-mailer"):
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
        store.record_placed(STEP.key, Phase.DRAFTED, Placed("t-1", "<m@x>", draft_id="d-1"))
        store.record_placed(STEP.key, Phase.SENT, Placed("t-1", "<m2@x>", sent_at=NOW))
        store.set_outcome("acme", Outcome.OFFER, NOW)
    with Store.open(tmp_path) as store:
        record = store.records()[STEP.key]
        assert (record.phase, record.draft_id, record.message_id, record.sent_at) == (
            Phase.SENT, "d-1", "<m2@x>", NOW,
        )  # fmt: skip
        assert store.outcomes() == {"acme": Outcome.OFFER}


def test_seen_messages_are_kept_once(tmp_path: Path) -> None:
    seen = Seen("m1", Kind.HUMAN, "dana@acme.com", ("alex@example.com",), NOW, thread_id="t-1")
    with Store.open(tmp_path) as store:
        assert store.add_seen([seen, seen]) == 1
        assert store.add_seen([seen]) == 0
        assert store.seen() == (seen,)


def test_planned_rows_the_plan_dropped_are_forgotten_but_created_ones_stay(tmp_path: Path) -> None:
    nudge = Record("acme/followup-2/dana@acme.com", "acme", "followup-2", "dana@acme.com")
    with Store.open(tmp_path) as store:
        store.save_states([(STEP, State.PLANNED, NOW, ""), (nudge, State.PLANNED, None, "")])
        store.record_intent(STEP)
        store.forget_uncreated(set())
        assert list(store.records()) == [STEP.key]
