"""Rows of the ledger as value types and back (times as ISO 8601 text, lists as JSON)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from followup_mailer.model import Kind, Phase, Record, Seen, State

SEEN_COLUMNS = (
    "mailbox_id, kind, sender, recipients, date, thread_id, message_id, subject, bounced,"
    " return_date, returned, organizer"
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def time_of(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def record_of(row: sqlite3.Row) -> Record:
    """Build a Record from a row of `steps`."""
    return Record(
        key=row["key"],
        interview=row["interview"],
        step=row["step"],
        recipient=row["recipient"],
        phase=Phase(row["phase"]) if row["phase"] else None,
        state=State(row["state"]),
        due=time_of(row["due"]),
        intent_at=time_of(row["intent_at"]),
        sent_at=time_of(row["sent_at"]),
        thread_id=row["thread_id"],
        draft_id=row["draft_id"],
        message_id=row["message_id"],
        subject=row["subject"],
        reason=row["reason"],
        warnings=tuple(json.loads(row["warnings"])),
        cursor=row["cursor"],
        mode=row["mode"],
        reminded_at=time_of(row["reminded_at"]),
    )


def seen_of(row: sqlite3.Row) -> Seen:
    """Build a Seen from a row of `seen`."""
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
        return_date=time_of(values["return_date"]),
        returned=tuple(json.loads(values["returned"])),
        organizer=values["organizer"],
    )


def seen_values(seen: Seen) -> tuple[object, ...]:
    """Return the values of a row of `seen`, in SEEN_COLUMNS order."""
    return (
        seen.mailbox_id,
        seen.kind,
        seen.sender,
        json.dumps(seen.recipients),
        iso(seen.date),
        seen.thread_id,
        seen.message_id,
        seen.subject,
        json.dumps(seen.bounced),
        iso(seen.return_date),
        json.dumps(seen.returned),
        seen.organizer,
    )
