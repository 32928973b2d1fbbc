"""The inputs of a message besides the interview: who writes it, what it follows up on, and
the drafts a reminder lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Sender:
    """The account holder as a message shows them: name, address, signature lines."""

    name: str
    email: str
    signature: tuple[str, ...]  # contact lines, e.g. phone, LinkedIn


@dataclass(frozen=True, slots=True)
class Previous:
    """The message a nudge follows up on."""

    subject: str
    message_id: str
    references: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Reminder:
    """One draft waiting for the user, as the reminder note to oneself lists it."""

    interview: str
    company: str
    role: str
    step: str
    to_name: str
    to_email: str
    send_by: datetime | None  # None: no deadline, send when ready
    overdue: bool
