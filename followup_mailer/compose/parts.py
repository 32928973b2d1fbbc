"""The inputs of a message besides the interview (who writes it, what it follows up on, the
drafts a reminder lists) and what rendering gives back. Plain records: importing them costs
no template engine, so the commands that never render never load Jinja2."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from followup_mailer.compose.findings import Finding
from followup_mailer.settings import LintLimits

UTC = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sender:
    """The account holder as a message shows them: name, address, signature lines."""

    name: str
    email: str
    signature: tuple[str, ...]  # contact lines, e.g. phone, LinkedIn


@dataclass(frozen=True, slots=True, kw_only=True)
class Previous:
    """The message a nudge follows up on."""

    subject: str
    message_id: str
    references: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Writer:
    """What rendering a message needs besides the step: who writes, templates, limits, zone."""

    sender: Sender
    templates_dir: Path | None
    limits: LintLimits = LintLimits()  # noqa: RUF009 (frozen, so sharing it is safe)
    timezone: ZoneInfo = UTC  # the account's zone: dates show in it when the interview has none


@dataclass(frozen=True, slots=True, kw_only=True)
class Composed:
    """A message ready for the mailbox, and its lint warnings."""

    message: EmailMessage
    findings: tuple[Finding, ...]  # lint warnings
