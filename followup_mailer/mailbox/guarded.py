"""The daemon's pulse around the mailbox: progress proven, and no new call once stopping.

Every unit of mailbox work (a protocol call, and inside a backend every
request) beats the `Pulse`: that pings the service manager's watchdog from
the work itself, so a pass that makes progress is never taken for a hang,
and a pass that hangs stops the pings. Once SIGTERM came, the next beat
raises Stopping, a MailboxError (certainly not started), so the call in
flight finishes, none starts after it, and the next start makes it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email.message import EmailMessage

from followup_mailer.mailbox.protocol import Mailbox, MailboxError, Pace, Poll, ThreadTail, Watch
from followup_mailer.model import Placed


class Stopping(MailboxError):
    """The daemon is stopping, so the call was not started (the next start makes it)."""


class Pulse:
    """Beats from the work loop: a watchdog ping at most every `every` seconds, or Stopping."""

    def __init__(
        self,
        stopping: threading.Event,
        ping: Callable[[], None] = lambda: None,
        *,
        every: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stopping, self._ping, self._every, self._monotonic = stopping, ping, every, monotonic
        self._last = float("-inf")

    def beat(self, what: str = "the next call") -> None:
        """Prove progress; refuse to start `what` once the daemon is stopping."""
        if self.stopping.is_set():
            raise Stopping(f"the daemon is stopping; {what} not started")
        now = self._monotonic()
        if now - self._last >= self._every:
            self._last = now
            self._ping()

    def sleep(self, seconds: float) -> None:
        """Wait, unless the daemon starts stopping meanwhile."""
        self.stopping.wait(seconds)

    def pace(self) -> Pace:
        """Return this pulse as the pace a backend keeps."""
        return Pace(beat=self.beat, sleep=self.sleep)


class GuardedMailbox:
    """The mailbox, refusing to start any call once the daemon is stopping.

    Each method of the Mailbox protocol is spelled out, so mypy checks this
    wrapper against the protocol and a method added there must be added here.
    """

    def __init__(self, inner: Mailbox, pulse: Pulse) -> None:
        self._inner, self._pulse = inner, pulse

    def _check(self, name: str) -> None:
        self._pulse.beat(name)

    def cursor(self) -> str:
        self._check("cursor")
        return self._inner.cursor()

    def create_draft(self, message: EmailMessage, *, thread_id: str) -> Placed:
        self._check("create_draft")
        return self._inner.create_draft(message, thread_id=thread_id)

    def send(self, message: EmailMessage, *, thread_id: str) -> Placed:
        self._check("send")
        return self._inner.send(message, thread_id=thread_id)

    def note_to_self(self, message: EmailMessage) -> Placed:
        self._check("note_to_self")
        return self._inner.note_to_self(message)

    def find(self, key: str, *, since: str) -> Placed | None:
        self._check("find")
        return self._inner.find(key, since=since)

    def thread_tail(self, thread_id: str) -> ThreadTail | None:
        self._check("thread_tail")
        return self._inner.thread_tail(thread_id)

    def poll(self, watch: Watch) -> Poll:
        self._check("poll")
        return self._inner.poll(watch)

    def acknowledge(self, cursor: str) -> None:
        # not refused while stopping: it only saves how far recorded findings go (no mailbox
        # call), so the work done before the stop is not done again after it
        self._inner.acknowledge(cursor)

    def release(self) -> None:
        self._inner.release()  # no mailbox call: memory only


def guard(mailbox: Mailbox, pulse: Pulse) -> Mailbox:
    """Return the mailbox behind a guard that beats `pulse` before every call."""
    return GuardedMailbox(mailbox, pulse)
