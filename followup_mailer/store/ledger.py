"""The SQLite ledger: what did happen. Transactions and queries; no rules.

Every write is its own short `BEGIN IMMEDIATE` transaction, so an intent is on disk
before the mailbox call it announces, and an outcome right after. A write that would
change nothing starts no transaction, so an idle pass writes nothing at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from followup_mailer.model import Hold, Outcome, Phase, Placed, Record, Seen, State
from followup_mailer.store.reads import Reads
from followup_mailer.store.rows import (
    SEEN_COLUMNS,
    STEP_COLUMNS,
    Snapshot,
    StateRow,
    StateView,
    changed_view,
    iso,
    record_of,
    seen_of,
    seen_values,
    state_view_of,
    time_of,
)
from followup_mailer.store.schema import BUMP_GENERATION, connect, storage_faults

_STEPS = f"SELECT {STEP_COLUMNS} FROM steps"
DECLINED = "you deleted the draft without sending it"


class Store:
    """The ledger of one state directory."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._reads = Reads(connection, path)

    @classmethod
    def open(cls, state_dir: Path) -> Store:
        """Open (creating and migrating as needed) the ledger in state_dir."""
        return cls(*connect(state_dir))

    def close(self) -> None:
        self._db.close()

    def release(self) -> None:
        """Let go of what the reads built (read again when next asked)."""
        self._reads.forget()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one immediate transaction (a writer lock from the start)."""
        with storage_faults(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:  # SQLite may have rolled back already
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute(BUMP_GENERATION)
            self._db.execute("COMMIT")
            self._reads.committed()

    def _rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with storage_faults(self.path):
            return self._db.execute(sql, parameters).fetchall()

    # --- steps ------------------------------------------------------------------------

    def records(self) -> dict[str, Record]:
        """Return every step the ledger knows, by key."""
        rows = self._reads.rows
        return self._reads.cached("records", lambda: {r[0]: record_of(r) for r in rows(_STEPS)})

    def snapshot(self, scheduled: Collection[str]) -> Snapshot:
        """Read the steps once: full records where the planner needs them, views of the rest."""
        scheduled = frozenset(scheduled)
        return self._reads.cached(("snapshot", scheduled), lambda: self._snapshot(scheduled))

    def _snapshot(self, scheduled: frozenset[str]) -> Snapshot:
        rows = self._reads.rows(_STEPS)
        records = {r[0]: record_of(r) for r in rows if r[4] is not None or r[1] not in scheduled}
        states = dict(map(state_view_of, rows))
        return Snapshot(records=records, states=states)

    def record(self, key: str) -> Record | None:
        rows = self._rows(f"SELECT {STEP_COLUMNS} FROM steps WHERE key = ?", (key,))
        return record_of(tuple(rows[0])) if rows else None

    def record_intent(self, record: Record) -> bool:
        """Record that a step is about to be created; False if it already was."""
        with self.transaction() as db:
            row = db.execute("SELECT phase FROM steps WHERE key = ?", (record.key,)).fetchone()
            if row is not None and row["phase"] is not None:
                return False
            db.execute(
                "INSERT INTO steps (key, interview, step, recipient) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (record.key, record.interview, record.step, record.recipient),
            )
            db.execute(
                "UPDATE steps SET phase = ?, state = ?, due = ?, intent_at = ?, cursor = ?,"
                " mode = ?, subject = ?, reason = ?, warnings = ? WHERE key = ?",
                (
                    Phase.INTENT,
                    State.IN_DOUBT,
                    iso(record.due),
                    iso(record.intent_at),
                    record.cursor,
                    record.mode,
                    record.subject,
                    record.reason,
                    json.dumps(record.warnings),
                    record.key,
                ),
            )
        return True

    def record_placed(self, key: str, phase: Phase, placed: Placed, reason: str = "") -> None:
        """Record where a created message now is (drafted or sent)."""
        state = State.SENT if phase is Phase.SENT else State.AWAITING_APPROVAL
        with self.transaction() as db:
            db.execute(
                "UPDATE steps SET phase = ?, state = ?, sent_at = COALESCE(?, sent_at),"
                " thread_id = COALESCE(NULLIF(?, ''), thread_id),"
                " message_id = COALESCE(NULLIF(?, ''), message_id),"
                " draft_id = COALESCE(NULLIF(?, ''), draft_id),"
                " reason = CASE WHEN ? = '' THEN reason ELSE ? END WHERE key = ?",
                (phase, state, iso(placed.sent_at), placed.thread_id, placed.message_id,
                 placed.draft_id, reason, reason, key),
            )  # fmt: skip

    def record_phase(self, key: str, phase: Phase | None, reason: str) -> None:
        """Record a mailbox outcome with no message to show (in doubt, declined, failed, absent)."""
        with self.transaction() as db:
            db.execute("UPDATE steps SET phase = ?, reason = ? WHERE key = ?", (phase, reason, key))

    def record_reminded(self, keys: Iterable[str], at: datetime) -> None:
        """Record that the user was reminded of these drafts."""
        keys = list(keys)
        if keys:
            with self.transaction() as db:
                db.executemany(
                    "UPDATE steps SET reminded_at = ? WHERE key = ?", [(iso(at), k) for k in keys]
                )

    def save_states(self, rows: Iterable[StateRow], known: Mapping[str, StateView]) -> int:
        """Store the planner's view of the steps whose view changed; return how many changed.

        `known` is what the ledger held when the pass read it, so an idle pass compares in
        memory and writes nothing.
        """
        changed = [row for row in rows if changed_view(row, known.get(row[0].key))]
        if changed:
            with self.transaction() as db:
                db.executemany(
                    "INSERT INTO steps (key, interview, step, recipient, state, due, reason)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                    " state = excluded.state, due = excluded.due, reason = excluded.reason",
                    [
                        (r.key, r.interview, r.step, r.recipient, state, iso(due), reason)
                        for r, state, due, reason in changed
                    ],
                )
        return len(changed)

    def forget_uncreated(self, keep: set[str], known: Mapping[str, StateView]) -> None:
        """Drop planned-only rows that the plan no longer has (e.g. fewer nudges configured)."""
        gone = [key for key, view in known.items() if not view[3] and key not in keep]
        if gone:
            with self.transaction() as db:
                db.executemany(
                    "DELETE FROM steps WHERE key = ? AND phase IS NULL", [(k,) for k in gone]
                )

    # --- what the mailbox showed ---------------------------------------------------------

    def record_poll(
        self,
        approved: Mapping[str, Placed],
        declined: Collection[str],
        seen: Collection[Seen],
        restored: Mapping[str, Placed] | None = None,
    ) -> None:
        """Record a poll's findings in one transaction: approvals, declines, new messages."""
        restored = restored or {}
        if not (approved or declined or seen or restored):
            return
        with self.transaction() as db:
            db.executemany(
                "UPDATE steps SET phase = ?, state = ?, reason = '', draft_id = ? WHERE key = ?"
                " AND phase = ?",
                [
                    (Phase.DRAFTED, State.AWAITING_APPROVAL, p.draft_id, key, Phase.DECLINED)
                    for key, p in restored.items()
                ],
            )
            for key, placed in approved.items():
                db.execute(
                    "UPDATE steps SET phase = ?, state = ?, sent_at = ?, reason = '',"
                    " thread_id = COALESCE(NULLIF(?, ''), thread_id),"
                    " message_id = COALESCE(NULLIF(?, ''), message_id) WHERE key = ?",
                    (Phase.SENT, State.SENT, iso(placed.sent_at), placed.thread_id,
                     placed.message_id, key),
                )  # fmt: skip
            db.executemany(
                "UPDATE steps SET phase = ?, reason = ? WHERE key = ? AND phase = ?",
                [(Phase.DECLINED, DECLINED, key, Phase.DRAFTED) for key in declined],
            )
            db.executemany(
                f"INSERT INTO seen ({SEEN_COLUMNS}) VALUES ({', '.join('?' * 12)})"
                " ON CONFLICT (mailbox_id) DO NOTHING",
                [seen_values(each) for each in seen],
            )

    def add_seen(self, seen: Iterable[Seen]) -> int:
        """Remember observed messages (once each); return how many were new."""
        seen = list(seen)
        if not seen:
            return 0
        added = 0
        with self.transaction() as db:
            for each in seen:
                cursor = db.execute(
                    f"INSERT INTO seen ({SEEN_COLUMNS}) VALUES ({', '.join('?' * 12)})"
                    " ON CONFLICT (mailbox_id) DO NOTHING",
                    seen_values(each),
                )
                added += cursor.rowcount
        return added

    def seen(self) -> tuple[Seen, ...]:
        sql = f"SELECT {SEEN_COLUMNS} FROM seen ORDER BY date"
        return self._reads.cached("seen", lambda: tuple(map(seen_of, self._reads.rows(sql))))

    # --- outcomes, holds and settings --------------------------------------------------------

    def set_outcome(self, interview: str, outcome: Outcome, at: datetime) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO outcomes VALUES (?, ?, ?) ON CONFLICT (interview) DO UPDATE SET"
                " outcome = excluded.outcome, recorded_at = excluded.recorded_at",
                (interview, outcome, iso(at)),
            )

    def outcomes(self) -> dict[str, Outcome]:
        rows = self._rows("SELECT interview, outcome FROM outcomes")
        return {row["interview"]: Outcome(row["outcome"]) for row in rows}

    def set_hold(self, interview: str, hold: Hold | None, at: datetime) -> None:
        """Put an interview on hold, or (None) resume it."""
        with self.transaction() as db:
            if hold is None:
                db.execute("DELETE FROM holds WHERE interview = ?", (interview,))
                return
            db.execute(
                "INSERT INTO holds VALUES (?, ?, ?) ON CONFLICT (interview) DO UPDATE SET"
                " until = excluded.until, recorded_at = excluded.recorded_at",
                (interview, iso(hold.until), iso(at)),
            )

    def holds(self) -> dict[str, Hold]:
        rows = self._rows("SELECT interview, until FROM holds")
        return {row["interview"]: Hold(until=time_of(row["until"])) for row in rows}

    def get(self, name: str, default: str = "") -> str:
        rows = self._rows("SELECT value FROM settings WHERE name = ?", (name,))
        return str(rows[0]["value"]) if rows else default

    def put(self, name: str, value: str) -> None:
        if self.get(name, "\0") == value:
            return  # unchanged: nothing to write
        with self.transaction() as db:
            db.execute(
                "INSERT INTO settings VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET"
                " value = excluded.value",
                (name, value),
            )
