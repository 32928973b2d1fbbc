"""The one interface both backends (Gmail, Maildir) implement.

A mailbox knows nothing about cadence: it creates what it is told to create,
and reports what it sees. Every message we create carries the
X-Followup-Mailer-Key header, which is how a mailbox finds it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from followup_mailer.errors import FollowupError
from followup_mailer.model import Placed, Seen


class MailboxError(FollowupError):
    """A mailbox call failed, and it certainly had no effect (safe to try again later)."""


class OutcomeUnknown(MailboxError):
    """A create or send call failed in a way that may have taken effect: look before retrying."""


class Rejected(MailboxError):
    """The mailbox refused the message for good (bad address, bad request)."""


class Unconfigured(MailboxError):
    """The mailbox cannot be used as configured (nothing was sent); the next pass tries again."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pace:
    """How a long piece of mailbox work shows progress and yields to a stop.

    `beat` runs before every call or request (the daemon's makes it ping the
    watchdog, and raise Stopping once SIGTERM came); `sleep` is how a backend
    waits (a back-off), so that a stop can cut the wait short.
    """

    beat: Callable[[], None] = lambda: None
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreadTail:
    """What a reply needs from the last message of a thread that is ours or a human's."""

    message_id: str
    references: str
    subject: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Watch:
    """What the daemon cares about, so a poll fetches only that."""

    drafts: Mapping[str, str]  # key -> draft id, for drafts awaiting approval
    threads: Collection[str]  # thread ids we created or were given
    addresses: Collection[str]  # lower-case addresses of every tracked person
    domains: Collection[str]  # lower-case company domains
    own: Collection[str]  # the account's own addresses (email and aliases)
    declined: Collection[str] = ()  # keys of deleted drafts: a sent copy may still turn up


@dataclass(frozen=True, slots=True, kw_only=True)
class Poll:
    """What changed in the mailbox since the last poll."""

    approved: Mapping[str, Placed] = field(default_factory=dict)  # key -> the sent message
    declined: Collection[str] = ()  # keys whose draft vanished with nothing sent
    seen: tuple[Seen, ...] = ()  # replies, auto-replies, bounces, hand-written sends
    cursor: str = ""  # where the next poll starts, once these findings are recorded
    # the mailbox has more to report at once (a long check, a chunk at a time): poll again
    # before acting on what is known
    more: bool = False
    # keys taken for declined whose draft is back (a client that recalled it saved it again)
    restored: Mapping[str, Placed] = field(default_factory=dict)


class Mailbox(Protocol):
    def cursor(self) -> str:
        """Return the mailbox's current position (Gmail: history id), stored with an intent."""
        ...

    def create_draft(self, message: EmailMessage, *, thread_id: str) -> Placed:
        """Create a draft (in thread_id when given); OutcomeUnknown if it may exist anyway."""
        ...

    def send(self, message: EmailMessage, *, thread_id: str) -> Placed:
        """Send a message (in thread_id when given); OutcomeUnknown if it may have left."""
        ...

    def note_to_self(self, message: EmailMessage) -> Placed:
        """Deliver a message to the account's own mailbox (a reminder), found again by its key."""
        ...

    def find(self, key: str, *, since: str) -> Placed | None:
        """Look for the message carrying key among drafts and sent mail since cursor `since`."""
        ...

    def thread_tail(self, thread_id: str) -> ThreadTail | None:
        """Return the headers a reply in thread_id needs, or None if the thread is gone."""
        ...

    def poll(self, watch: Watch) -> Poll:
        """Report approvals, declines and relevant messages since the last acknowledged poll."""
        ...

    def acknowledge(self, cursor: str) -> None:
        """Move past a poll whose findings are now recorded (so a crash never loses them)."""
        ...

    def release(self) -> None:
        """Let go of what is kept in memory only to make the next poll cheaper (a daemon
        with nothing to do): the next poll finds the same, as a new process would."""
        ...
