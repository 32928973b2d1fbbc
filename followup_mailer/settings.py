"""The settings as values: what config.toml says, once loaded and checked (pure; no I/O).

intake/config.py reads and validates the file; everything else takes these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from followup_mailer.timing import Calendar, Duration
from followup_mailer.windows import SendWindow


@dataclass(frozen=True, slots=True)
class LintLimits:
    """The limits the lint applies (the [lint] section of the config)."""

    subject_chars: int = 78
    thank_you_words: int = 200
    nudge_words: int = 120
    exclamations: int = 1
    panel_similarity: float = 0.8


@dataclass(frozen=True, slots=True)
class Account:
    email: str
    name: str
    timezone: ZoneInfo
    aliases: tuple[str, ...] = ()

    @property
    def own(self) -> frozenset[str]:
        """Every address of the user, lower-case: messages from these are never replies."""
        return frozenset(address.lower() for address in (self.email, *self.aliases))


@dataclass(frozen=True, slots=True)
class Signature:
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    mode: str  # "draft" | "send"
    backend: str  # "gmail" | "maildir"
    maildir: Path
    send_window: SendWindow
    holidays: str
    max_lateness: timedelta
    sendmail: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cadence:
    thank_you_after: Duration
    thank_you_by: timedelta  # a thank-you never waits for the send window past this mark
    followup_after: Duration
    followup_every: Duration
    max_followups: int
    rejection_note: bool
    stay_in_touch_after: Duration | None  # None: no "stay in touch" draft


@dataclass(frozen=True, slots=True)
class Reminders:
    desktop: bool  # a desktop notification when drafts are ready or a thank-you is due soon
    email: bool  # also a short note to your own address
    before_deadline: timedelta  # remind again this long before a thank-you's thank_you_by mark


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    path: Path
    watch: bool


@dataclass(frozen=True, slots=True)
class GmailSettings:
    client_secret: Path
    token_store: str  # "keyring" | "file"
    api_endpoint: str
    token_uri: str
    poll_interval: timedelta


@dataclass(frozen=True, slots=True)
class Settings:
    path: Path  # the config file
    account: Account
    signature: Signature
    delivery: Delivery
    cadence: Cadence
    reminders: Reminders
    schedule: ScheduleSettings
    templates_dir: Path | None
    state_dir: Path
    gmail: GmailSettings
    lint: LintLimits = LintLimits()

    def calendar(self, tz: ZoneInfo | None = None) -> Calendar:
        """Return the business-day calendar of `tz` (else the account's zone) with our holidays."""
        return Calendar(tz or self.account.timezone, self.delivery.holidays)
