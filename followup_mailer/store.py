"""The SQLite ledger: what did happen. Schema, migrations and transactions; no rules.

Every write is its own short `BEGIN IMMEDIATE` transaction, so an intent is
on disk before the mailbox call it announces, and an outcome right after.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from followup_mailer.errors import UserError
from followup_mailer.model import Kind, Outcome, Phase, Placed, Record, Seen, State

DB_NAME = "state.db"

# Each migration takes the schema from version i to i + 1; never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE steps (
        key        TEXT PRIMARY KEY,          -- interview/step/recipient: at most one message each
        interview  TEXT NOT NULL,
        step       TEXT NOT NULL,
        recipient  TEXT NOT NULL,
        phase      TEXT,                      -- NULL: never created
        state      TEXT NOT NULL DEFAULT 'planned',
        due        TEXT,
        intent_at  TEXT,
        sent_at    TEXT,
        thread_id  TEXT NOT NULL DEFAULT '',
        draft_id   TEXT NOT NULL DEFAULT '',
        message_id TEXT NOT NULL DEFAULT '',
        subject    TEXT NOT NULL DEFAULT '',
        reason     TEXT NOT NULL DEFAULT '',
        warnings   TEXT NOT NULL DEFAULT '[]',
        cursor     TEXT NOT NULL DEFAULT '',
        mode       TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE seen (
        mailbox_id  TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        sender      TEXT NOT NULL,
        recipients  TEXT NOT NULL,
        date        TEXT NOT NULL,
        thread_id   TEXT NOT NULL,
        message_id  TEXT NOT NULL,
        subject     TEXT NOT NULL,
        bounced     TEXT NOT NULL,
        return_date TEXT
    );
    CREATE TABLE outcomes (
        interview   TEXT PRIMARY KEY,
        outcome     TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
    CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: what a bounce returned (our key or Message-ID) and who organised an invitation
    """
    ALTER TABLE seen ADD COLUMN returned TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE seen ADD COLUMN organizer TEXT NOT NULL DEFAULT '';
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Store:
    """The ledger of one state directory."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def open(cls, state_dir: Path) -> Store:
        """Open (creating and migrating as needed) the ledger in state_dir."""
        state_dir.mkdir(parents=True, exist_ok=True)
        path = state_dir / DB_NAME
        db = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # an intent must survive a power loss
        db.execute("PRAGMA busy_timeout=10000")
        store = cls(db)
        store._migrate(path)
        return store

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one immediate transaction (a writer lock from the start)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self, path: Path) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise UserError(
                f"{path} was written by a newer followup-mailer (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade followup-mailer — the file is left untouched"
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as db:
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    # --- steps ------------------------------------------------------------------------

    def records(self) -> dict[str, Record]:
        """Return every step the ledger knows, by key."""
        rows = self._db.execute("SELECT * FROM steps ORDER BY interview, key").fetchall()
        return {row["key"]: _record(row) for row in rows}

    def record(self, key: str) -> Record | None:
        row = self._db.execute("SELECT * FROM steps WHERE key = ?", (key,)).fetchone()
        return _record(row) if row else None

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
                    _iso(record.due),
                    _iso(record.intent_at),
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
                (
                    phase,
                    state,
                    _iso(placed.sent_at),
                    placed.thread_id,
                    placed.message_id,
                    placed.draft_id,
                    reason,
                    reason,
                    key,
                ),
            )

    def record_phase(self, key: str, phase: Phase | None, reason: str) -> None:
        """Record a mailbox outcome with no message to show (in doubt, declined, failed, absent)."""
        with self.transaction() as db:
            db.execute("UPDATE steps SET phase = ?, reason = ? WHERE key = ?", (phase, reason, key))

    def save_states(self, rows: Iterable[tuple[Record, State, datetime | None, str]]) -> None:
        """Store the planner's view of every step, so `status` works without the schedule."""
        with self.transaction() as db:
            for record, state, due, reason in rows:
                db.execute(
                    "INSERT INTO steps (key, interview, step, recipient, state, due, reason)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                    " state = excluded.state, due = excluded.due, reason = excluded.reason",
                    (
                        record.key,
                        record.interview,
                        record.step,
                        record.recipient,
                        state,
                        _iso(due),
                        reason,
                    ),
                )

    def forget_uncreated(self, keep: set[str]) -> None:
        """Drop planned-only rows that the plan no longer has (e.g. fewer nudges configured)."""
        with self.transaction() as db:
            for row in db.execute("SELECT key FROM steps WHERE phase IS NULL").fetchall():
                if row["key"] not in keep:
                    db.execute("DELETE FROM steps WHERE key = ?", (row["key"],))

    # --- what the mailbox showed ---------------------------------------------------------

    def add_seen(self, seen: Iterable[Seen]) -> int:
        """Remember observed messages (once each); return how many were new."""
        added = 0
        with self.transaction() as db:
            for s in seen:
                cursor = db.execute(
                    "INSERT INTO seen (mailbox_id, kind, sender, recipients, date, thread_id,"
                    " message_id, subject, bounced, return_date, returned, organizer)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (mailbox_id) DO NOTHING",
                    (
                        s.mailbox_id,
                        s.kind,
                        s.sender,
                        json.dumps(s.recipients),
                        _iso(s.date),
                        s.thread_id,
                        s.message_id,
                        s.subject,
                        json.dumps(s.bounced),
                        _iso(s.return_date),
                        json.dumps(s.returned),
                        s.organizer,
                    ),
                )
                added += cursor.rowcount
        return added

    def seen(self) -> tuple[Seen, ...]:
        rows = self._db.execute("SELECT * FROM seen ORDER BY date").fetchall()
        return tuple(_seen(row) for row in rows)

    # --- outcomes and settings -------------------------------------------------------------

    def set_outcome(self, interview: str, outcome: Outcome, at: datetime) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO outcomes VALUES (?, ?, ?) ON CONFLICT (interview) DO UPDATE SET"
                " outcome = excluded.outcome, recorded_at = excluded.recorded_at",
                (interview, outcome, _iso(at)),
            )

    def outcomes(self) -> dict[str, Outcome]:
        rows = self._db.execute("SELECT interview, outcome FROM outcomes").fetchall()
        return {row["interview"]: Outcome(row["outcome"]) for row in rows}

    def get(self, name: str, default: str = "") -> str:
        row = self._db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return str(row["value"]) if row else default

    def put(self, name: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO settings VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET"
                " value = excluded.value",
                (name, value),
            )


def _record(row: sqlite3.Row) -> Record:
    return Record(
        key=row["key"],
        interview=row["interview"],
        step=row["step"],
        recipient=row["recipient"],
        phase=Phase(row["phase"]) if row["phase"] else None,
        state=State(row["state"]),
        due=_time(row["due"]),
        intent_at=_time(row["intent_at"]),
        sent_at=_time(row["sent_at"]),
        thread_id=row["thread_id"],
        draft_id=row["draft_id"],
        message_id=row["message_id"],
        subject=row["subject"],
        reason=row["reason"],
        warnings=tuple(json.loads(row["warnings"])),
        cursor=row["cursor"],
        mode=row["mode"],
    )


def _seen(row: sqlite3.Row) -> Seen:
    values: dict[str, Any] = dict(row)
    return Seen(
        mailbox_id=values["mailbox_id"],
        kind=Kind(values["kind"]),
        sender=values["sender"],
        recipients=tuple(json.loads(values["recipients"])),
        date=datetime.fromisoformat(values["date"]),
        thread_id=values["thread_id"],
        message_id=values["message_id"],
        subject=values["subject"],
        bounced=tuple(json.loads(values["bounced"])),
        return_date=_time(values["return_date"]),
        returned=tuple(json.loads(values["returned"])),
        organizer=values["organizer"],
    )
