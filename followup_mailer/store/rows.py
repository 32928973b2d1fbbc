"""Rows of the ledger as value types and back (times as ISO 8601 text, lists as JSON)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from followup_mailer.model import Kind, Phase, Record, Seen, State

SEEN_COLUMNS = (
    "mailbox_id, kind, sender, recipients, date, thread_id, message_id, subject, bounced,"
    " return_date, returned, organizer"
)


STEP_COLUMNS = (
    "key, interview, step, recipient, phase, state, due, intent_at, sent_at, thread_id, draft_id,"
    " message_id, subject, reason, warnings, cursor, mode, reminded_at"
)
_PHASES = {phase.value: phase for phase in Phase}
_STATES = {state.value: state for state in State}
# One copy of each text that recurs: step names, modes and reasons in every row, and the
# keys, addresses and Message-IDs the plans and the mailbox's index hold too. An idle
# daemon keeps every row in memory; without this, each row would hold its own copies.
shared = sys.intern


def iso(value: datetime | None) -> str | None:
    """Write a time as ISO 8601 in UTC, so equal instants are equal text."""
    return value.astimezone(UTC).isoformat() if value else None


def time_of(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def day_of(value: str | None) -> date | None:
    """Read a stored day (older ledgers kept it as midnight with an offset: its date is the day)."""
    if not value:
        return None
    return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)


def record_of(row: tuple[Any, ...]) -> Record:
    """Build a Record from a row of `steps` read as STEP_COLUMNS (the hot path of a pass)."""
    (key, interview, step, recipient, phase, state, due, intent_at, sent_at, thread_id,
     draft_id, message_id, subject, reason, warnings, cursor, mode, reminded_at) = row  # fmt: skip
    return Record(
        key=shared(key), interview=shared(interview), step=shared(step),
        recipient=shared(recipient), phase=_PHASES[phase] if phase else None,
        state=_STATES[state],
        due=datetime.fromisoformat(due) if due else None,
        intent_at=datetime.fromisoformat(intent_at) if intent_at else None,
        sent_at=datetime.fromisoformat(sent_at) if sent_at else None,
        thread_id=shared(thread_id), draft_id=draft_id, message_id=shared(message_id),
        subject=shared(subject), reason=shared(reason),
        warnings=tuple(json.loads(warnings)) if warnings != "[]" else (),
        cursor=cursor, mode=shared(mode),
        reminded_at=datetime.fromisoformat(reminded_at) if reminded_at else None,
    )  # fmt: skip


def state_view_of(row: tuple[Any, ...]) -> tuple[str, StateView]:
    """Return a row of `steps` read as STEP_COLUMNS as its key and what save_plan compares."""
    return shared(row[0]), (shared(row[5]), row[6], shared(row[13]), row[4] is not None)


def seen_of(row: tuple[Any, ...]) -> Seen:
    """Build a Seen from a row of `seen` read as SEEN_COLUMNS."""
    (mailbox_id, kind, sender, recipients, when, thread_id, message_id, subject, bounced,
     return_date, returned, organizer) = row  # fmt: skip
    return Seen(
        mailbox_id=mailbox_id,
        kind=Kind(kind),
        sender=sender,
        recipients=tuple(json.loads(recipients)),
        date=datetime.fromisoformat(when),
        thread_id=thread_id,
        message_id=message_id,
        subject=subject,
        bounced=tuple(json.loads(bounced)),
        return_date=day_of(return_date),
        returned=tuple(json.loads(returned)),
        organizer=organizer,
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
        seen.return_date.isoformat() if seen.return_date else None,
        json.dumps(seen.returned),
        seen.organizer,
    )


# what the planner's view of a step is, as `save_states` stores it
StateRow = tuple[Record, State, datetime | None, str]
# a step's stored view, as text: state, due (UTC ISO 8601), reason, and whether it was created
StateView = tuple[str, str | None, str, bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """The ledger as a pass needs it, read in one query."""

    records: dict[str, Record]  # created steps, and every step of unscheduled interviews
    states: dict[str, StateView]  # every step's stored view, to write only what changed


def changed_view(row: StateRow, known: StateView | None) -> bool:
    """Tell whether the planner's view of a step differs from the one stored."""
    _, state, due, reason = row
    return known is None or known[:3] != (state.value, iso(due), reason)
