"""A mailbox that starts no call once the daemon is stopping.

SIGTERM lets the call in flight finish; any call after it is refused as
Stopping, a MailboxError (certainly not started), so the next start makes it.
"""

from __future__ import annotations

import threading
from email.message import EmailMessage

from followup_mailer.mailbox.protocol import Mailbox, MailboxError, Poll, ThreadTail, Watch
from followup_mailer.model import Placed


class Stopping(MailboxError):
    """The daemon is stopping, so the call was not started (the next start makes it)."""


class GuardedMailbox:
    """The mailbox, refusing to start any call once the daemon is stopping.

    Each method of the Mailbox protocol is spelled out, so mypy checks this
    wrapper against the protocol and a method added there must be added here.
    """

    def __init__(self, inner: Mailbox, stopping: threading.Event) -> None:
        self._inner, self._stopping = inner, stopping

    def _check(self, name: str) -> None:
        if self._stopping.is_set():
            raise Stopping(f"the daemon is stopping; {name} not started")

    def cursor(self) -> str:
        self._check("cursor")
        return self._inner.cursor()

    def create_draft(self, message: EmailMessage, *, thread_id: str) -> Placed:
        self._check("create_draft")
        return self._inner.create_draft(message, thread_id=thread_id)

    def send(self, message: EmailMessage, *, thread_id: str) -> Placed:
        self._check("send")
        return self._inner.send(message, thread_id=thread_id)

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
        self._check("acknowledge")
        self._inner.acknowledge(cursor)


def guard(mailbox: Mailbox, stopping: threading.Event) -> Mailbox:
    """Return the mailbox behind a guard that starts no call once `stopping` is set."""
    return GuardedMailbox(mailbox, stopping)
