"""Value types shared by the planner, the ledger and the mailboxes.

Everything here is frozen and timezone-aware; nothing here does I/O.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from datetime import date as Day
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

THANK_YOU = "thank_you"
REJECTION = "rejection"
STAY_IN_TOUCH = "stay_in_touch"  # an optional draft weeks after a rejection or a silent cadence
REMINDER = "reminder"  # a note to the user's own address; its record belongs to no interview
FOLLOWUP_PREFIX = "followup-"

KEY_HEADER = "X-Followup-Mailer-Key"

# Addresses at these domains belong to people, not to a company.
PERSONAL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "fastmail.com",
    ]
)


def followup_step(number: int) -> str:
    """Name the n-th nudge step: followup-1, followup-2, ..."""
    return f"{FOLLOWUP_PREFIX}{number}"


@functools.cache
def followup_number(step: str) -> int:
    """Return n for 'followup-n', 0 for any other step."""
    if step.startswith(FOLLOWUP_PREFIX):
        return int(step.removeprefix(FOLLOWUP_PREFIX))
    return 0


def step_key(interview_id: str, step: str, recipient: str) -> str:
    """Build the idempotency key carried in the X-Followup-Mailer-Key header."""
    return f"{interview_id}/{step}/{recipient.lower()}"


def recipient_of(key: str) -> str:
    """Return the recipient address a step key names."""
    return key.rpartition("/")[2]


class Outcome(enum.StrEnum):
    PENDING = "pending"
    NEXT_ROUND = "next-round"
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Format(enum.StrEnum):
    ONE_ON_ONE = "one-on-one"
    PANEL = "panel"
    GROUP = "group"


class State(enum.StrEnum):
    """What `status` shows for a step (SPEC section 4)."""

    PLANNED = "planned"
    AWAITING_WINDOW = "awaiting-window"
    AWAITING_APPROVAL = "awaiting-approval"
    SENT = "sent"
    REPLIED = "replied"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    BOUNCED = "bounced"
    IN_DOUBT = "in-doubt"
    FAILED = "failed"


class Phase(enum.StrEnum):
    """Where a step stands in its mailbox lifecycle; recorded by apply, never by plan."""

    INTENT = "intent"  # recorded, mailbox call not known to have finished
    IN_DOUBT = "in-doubt"  # the call failed in a way that may have taken effect
    DRAFTED = "drafted"  # a draft waits for the user
    SENT = "sent"  # the message left (sent by us, or the user sent our draft)
    DECLINED = "declined"  # the user deleted our draft without sending it
    FAILED = "failed"  # the call was refused for good (bad address, ...)


class Kind(enum.StrEnum):
    """What an observed message is, for the stop rules."""

    HUMAN = "human"  # a reply from the company: stops nudges
    AUTO = "auto"  # an auto-reply: the cadence continues
    BOUNCE = "bounce"  # a delivery failure: stops that recipient
    OWN = "own"  # written by the user by hand: stops nudges to its recipients
    INVITE = "invite"  # a calendar invitation from the company: a next round, stops nudges


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """An interviewer or a contact, as the schedule names them."""

    name: str
    email: str
    title: str = ""
    notes: str = ""  # a personal point for this note, as the user jotted it
    lead: bool = False
    addendum: str = ""  # a concern this person raised, or what was left out with them
    greeting: str = ""  # how to address them ("Dr. Núñez"); "" builds it from the name
    linkedin_connected: bool = False

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Interview:
    id: str
    company: str
    role: str
    start: datetime
    end: datetime
    timezone: ZoneInfo | None = None
    format: Format = Format.ONE_ON_ONE
    highlights: tuple[str, ...] = ()
    addendum: str = ""
    expect_response_by: datetime | None = None
    thread: str = ""
    outcome: Outcome = Outcome.PENDING
    uid: str = ""  # the calendar event's UID when it came from import-ics
    interviewers: tuple[Person, ...] = ()
    contacts: tuple[Person, ...] = ()

    @property
    def lead(self) -> Person:
        """The interviewer with lead = true, else the first listed."""
        return next((p for p in self.interviewers if p.lead), self.interviewers[0])

    @property
    def people(self) -> tuple[Person, ...]:
        return self.interviewers + self.contacts

    @property
    def domains(self) -> frozenset[str]:
        """The company's mail domains, taken from the addresses of its people."""
        domains = {p.email.rpartition("@")[2].lower() for p in self.people}
        return frozenset(domains - PERSONAL_DOMAINS)


@dataclass(frozen=True, slots=True, kw_only=True)
class Seen:
    """A message observed in the mailbox that matters to the stop rules."""

    mailbox_id: str  # stable id in that mailbox (Gmail message id, maildir file name)
    kind: Kind
    sender: str  # lower-case address
    recipients: tuple[str, ...]  # lower-case addresses (To and Cc)
    date: datetime
    thread_id: str = ""
    message_id: str = ""  # RFC 5322 Message-ID
    subject: str = ""
    bounced: tuple[str, ...] = ()  # for a bounce: the addresses that failed
    # for a bounce: the key header values and Message-IDs of our message it returned
    returned: tuple[str, ...] = ()
    # for an auto-reply: the day it says they are back (or away until), as written: a calendar
    # date, not an instant, so that no timezone can move it
    return_date: Day | None = None
    organizer: str = ""  # for an invite: the organizer's lower-case address


@dataclass(frozen=True, slots=True, kw_only=True)
class Placed:
    """Where a message we created now lives in the mailbox."""

    thread_id: str
    message_id: str = ""  # RFC 5322 Message-ID, as the mailbox holds it
    draft_id: str = ""  # set while it is a draft
    sent_at: datetime | None = None  # set once it has been sent
    mailbox_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """The ledger's row for one step: what did happen."""

    key: str
    interview: str
    step: str
    recipient: str
    phase: Phase | None = None  # None: never created
    state: State = State.PLANNED
    due: datetime | None = None
    intent_at: datetime | None = None
    sent_at: datetime | None = None
    thread_id: str = ""
    draft_id: str = ""
    message_id: str = ""
    subject: str = ""
    reason: str = ""
    warnings: tuple[str, ...] = ()
    cursor: str = ""  # the mailbox cursor (Gmail history id) when the intent was recorded
    mode: str = ""  # "draft" or "send", as created
    reminded_at: datetime | None = None  # when the user was last reminded of this draft

    @property
    def created(self) -> bool:
        return self.phase is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """Everything plan() needs to know, gathered by observe()."""

    interviews: tuple[Interview, ...]
    records: dict[str, Record] = field(default_factory=dict)
    seen: tuple[Seen, ...] = ()
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # recorded by `outcome`
    holds: dict[str, Hold] = field(default_factory=dict)  # recorded by `hold`, by interview


@dataclass(frozen=True, slots=True, kw_only=True)
class Hold:
    """An interview the user put on hold: nothing is created for it until then."""

    until: datetime | None = None  # None: until `resume`


@dataclass(frozen=True, slots=True, kw_only=True)
class Create:
    """Create the message for a step now: a draft, or (send mode) a sent message."""

    key: str
    mode: str  # "draft" or "send"
    thread_id: str  # "" starts a new thread
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StepPlan:
    """One step as the planner sees it: who, what state, when, and what to do now."""

    key: str
    interview: str
    step: str
    to: str
    name: str
    state: State
    due: datetime | None = None
    reason: str = ""
    action: Create | None = None


_UNSET: Any = object()


def updated(
    plan: StepPlan,
    *,
    state: State = _UNSET,
    due: datetime | None = _UNSET,
    reason: str = _UNSET,
    action: Create | None = _UNSET,
) -> StepPlan:
    """Return a step plan with some fields changed (dataclasses.replace, made for the hot path)."""
    return StepPlan(
        key=plan.key,
        interview=plan.interview,
        step=plan.step,
        to=plan.to,
        name=plan.name,
        state=plan.state if state is _UNSET else state,
        due=plan.due if due is _UNSET else due,
        reason=plan.reason if reason is _UNSET else reason,
        action=plan.action if action is _UNSET else action,
    )
