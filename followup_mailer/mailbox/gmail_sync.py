"""Gmail's changes as a Poll: approved and declined drafts, and the messages that matter.

Incremental: one history.list from the last position (messages added and
deleted, labels added), 2 quota units when nothing happened, whatever the
number of tracked threads. Then, headers only (messages.get format=metadata):
- every SENT message: it is an approved draft when it carries a watched key,
  or a note the user wrote by hand when it goes to someone we watch;
- every message received: history does not carry the sender, and a reply may
  come in a new thread from the company's domain; those neither in a tracked
  thread nor from a tracked address or domain stop there, unless
  classify.needs_body asks for their body (a bounce or an invitation about a
  tracked person may come from anyone).
A body is read (format=raw) only when classify.needs_body says so: a
bounce's failed recipient, an invitation's organizer, an auto-reply's return
date. A draft message deleted anywhere makes each watched draft checked
(drafts.get): a draft gone with no SENT message carrying its key since the
window began was declined.

The full check (no position yet, or history expired) is gmail_full_check.py.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import errors as email_errors
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses
from typing import Any, Protocol

from followup_mailer.mailbox.classify import (
    Classified,
    classify,
    concerns,
    decoded,
    headers_read,
    needs_body,
    sender,
)
from followup_mailer.mailbox.gmail_errors import NotFound
from followup_mailer.mailbox.protocol import Poll, Watch
from followup_mailer.model import KEY_HEADER, Kind, Placed, Seen, recipient_of

# the headers a classification, a reply or a settlement needs, and no others
HEADERS = tuple(
    dict.fromkeys(
        (
            *("From", "To", "Cc", "Subject", "Date", "Message-ID", "References", "In-Reply-To"),
            KEY_HEADER,
            *headers_read(),
        )
    )
)
HISTORY_TYPES = ("messageAdded", "messageDeleted", "labelAdded")
SEARCH_DAYS = 90  # how far back a search reaches when history cannot tell
# a reply counts wherever the user filed it (even spam or trash); drafts and chats never do
_IGNORED_LABELS = frozenset({"DRAFT", "CHAT"})
# what a junk message makes base64 and the email package raise
_JUNK = (ValueError, LookupError, IndexError, TypeError, binascii.Error, email_errors.MessageError)


class Api(Protocol):
    """The Gmail calls a sync makes (GmailMailbox has them)."""

    def history_list(self, start: str, *, label: str = "") -> tuple[list[dict[str, Any]], str]: ...

    def messages_get(self, message_id: str, *, raw: bool = False) -> dict[str, Any] | None: ...

    def messages_list(self, query: str) -> list[str]: ...

    def threads_get(self, thread_id: str) -> dict[str, Any] | None: ...

    def drafts_get(self, draft_id: str, *, metadata: bool = False) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class Fetched:
    """A message resource read with format=metadata: labels, headers (lower-case names)."""

    id: str
    thread_id: str
    labels: frozenset[str]
    headers: Mapping[str, str]
    internal: datetime  # when Gmail accepted it, more reliable than the Date header

    @classmethod
    def of(cls, resource: Mapping[str, Any]) -> Fetched:
        headers: dict[str, str] = {}
        for item in resource.get("payload", {}).get("headers", []):
            headers.setdefault(str(item["name"]).lower(), decoded(item["value"]))
        millis = int(resource.get("internalDate") or 0)
        return cls(
            id=str(resource["id"]),
            thread_id=str(resource.get("threadId", "")),
            labels=frozenset(resource.get("labelIds", ())),
            headers=headers,
            internal=datetime.fromtimestamp(millis / 1000, UTC),
        )

    @property
    def key(self) -> str:
        return self.headers.get(KEY_HEADER.lower(), "").strip()

    @property
    def sent(self) -> bool:
        return "SENT" in self.labels

    @property
    def message_id(self) -> str:
        return " ".join(self.headers.get("message-id", "").split())

    def placed(self) -> Placed:
        """Say where a sent message of ours is, with Gmail's own time and Message-ID."""
        return Placed(
            thread_id=self.thread_id,
            message_id=self.message_id,
            sent_at=self.internal,
            mailbox_id=self.id,
        )


@dataclass
class Sync:
    """One poll's reading: each message fetched at most once, sorted into a Poll."""

    api: Api
    watch: Watch
    approved: dict[str, Placed] = field(default_factory=dict)
    seen: dict[str, Seen] = field(default_factory=dict)
    _cache: dict[str, Fetched | None] = field(default_factory=dict)

    def take(self, fetched: Fetched | None) -> None:
        """Sort one message: an approved draft of ours, a message that matters, or nothing."""
        if fetched is None or fetched.labels & _IGNORED_LABELS:
            return
        self._cache[fetched.id] = fetched
        # a draft sent after it vanished (Gmail's Schedule send) is still an approval
        ours = fetched.key in self.watch.drafts or fetched.key in self.watch.declined
        if fetched.sent and ours:
            self.approved[fetched.key] = fetched.placed()
        elif found := self._seen(fetched):
            self.seen.setdefault(found.mailbox_id, found)

    def fetch(self, message_id: str) -> Fetched | None:
        """Return a message's headers, None when it is gone (deleted later in the window)."""
        if message_id not in self._cache:
            resource = self.api.messages_get(message_id)
            self._cache[message_id] = Fetched.of(resource) if resource else None
        return self._cache[message_id]

    def settle_gone(self, *, since: str) -> tuple[str, ...]:
        """Check the watched drafts not yet approved: sent (approved) or gone (declined)."""
        # a draft with no id (never seen in Gmail) is never called declined
        waiting = {k: d for k, d in self.watch.drafts.items() if k not in self.approved and d}
        gone = [key for key, draft_id in waiting.items() if self.api.drafts_get(draft_id) is None]
        if not gone:
            return ()
        sent = sent_keys(self.api, since, (recipient_of(key) for key in gone), self.fetch)
        self.approved |= {key: sent[key] for key in gone if key in sent}
        return tuple(key for key in gone if key not in sent)

    def poll(self, declined: tuple[str, ...] = ()) -> Poll:
        return Poll(approved=self.approved, declined=declined, seen=tuple(self.seen.values()))

    def _seen(self, fetched: Fetched) -> Seen | None:
        """Describe a message that matters to the stop rules, or None."""
        watch = self.watch
        if fetched.sent:
            # the user's own note to someone we watch (ours carry a key)
            if fetched.key or set(watch.addresses).isdisjoint(_recipients(fetched)):
                return None
            return _seen(fetched, Classified(Kind.OWN))
        if fetched.key:
            return None  # our own message, delivered to ourselves
        related = _watched(sender(fetched.headers), watch) or fetched.thread_id in watch.threads
        wanted = needs_body(fetched.headers)
        if not related and not wanted:
            return None
        message = self._message(fetched.id) if wanted else None
        verdict = classify(fetched.headers, own=watch.own, message=message)
        # a stranger's bounce or invitation concerns us only when it names what we watch
        if not related and not concerns(
            verdict, addresses=watch.addresses, domains=watch.domains, message_ids=watch.threads
        ):
            return None
        return _seen(fetched, verdict)

    def _message(self, message_id: str) -> Message | None:
        """Read a message whole (format=raw): the bytes the maildir backend parses, alike."""
        resource = self.api.messages_get(message_id, raw=True)
        return _raw_message(str(resource.get("raw", ""))) if resource else None


def incremental(api: Api, watch: Watch, start: str) -> tuple[Poll, str]:
    """Report what changed since history id `start`; return the poll and the new position.

    Raises NotFound when `start` has expired.
    """
    records, end = api.history_list(start)
    sync = Sync(api, watch)
    for message_id in _added(records):
        sync.take(sync.fetch(message_id))
    # the SENT message of a draft sent in this window comes after `start`, wherever it is
    declined = sync.settle_gone(since=start) if _draft_deleted(records) else ()
    return sync.poll(declined), end


def sent_keys(
    api: Api, since: str, recipients: Iterable[str], fetch: Callable[[str], Fetched | None]
) -> dict[str, Placed]:
    """Return our sent messages by key: added since a history id, else found by a search."""
    ids = sent_since(api, since) if since else None
    if ids is None:
        ids = [i for r in sorted(set(recipients)) for i in api.messages_list(search_sent(r))]
    found = (fetch(message_id) for message_id in ids)
    return {f.key: f.placed() for f in found if f and f.sent and f.key}


def sent_since(api: Api, since: str) -> list[str] | None:
    """Return the SENT messages added since a history id, or None when it has expired."""
    try:
        records, _ = api.history_list(since, label="SENT")
    except NotFound:
        return None
    return list(_added(records))


def search_sent(recipient: str) -> str:
    """Return the search for our sent mail to someone, for when history cannot tell."""
    return f"in:sent to:{recipient} newer_than:{SEARCH_DAYS}d"


def _added(records: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """Yield, once each and in order, the messages added (or labelled SENT) in history."""
    done: set[str] = set()
    for record in records:
        entries = list(record.get("messagesAdded", ()))
        entries += [e for e in record.get("labelsAdded", ()) if "SENT" in e.get("labelIds", ())]
        for entry in entries:
            message = entry.get("message", {})
            labels = set(message.get("labelIds", ()))
            # a draft's autosaves and chats are not worth a fetch
            if message.get("id") and message["id"] not in done and not labels & _IGNORED_LABELS:
                done.add(message["id"])
                yield str(message["id"])


def _draft_deleted(records: Iterable[Mapping[str, Any]]) -> bool:
    """Tell whether a draft message was deleted (sent, discarded or replaced by an edit)."""
    return any(
        "DRAFT" in entry.get("message", {}).get("labelIds", ("DRAFT",))
        for record in records
        for entry in record.get("messagesDeleted", ())
    )


def _watched(address: str, watch: Watch) -> bool:
    return address in watch.addresses or address.partition("@")[2] in watch.domains


def _recipients(fetched: Fetched) -> tuple[str, ...]:
    pairs = getaddresses([fetched.headers.get("to", ""), fetched.headers.get("cc", "")])
    return tuple(address.lower() for _, address in pairs if address)


def _seen(fetched: Fetched, verdict: Classified) -> Seen:
    """Describe a message for the stop rules, dated when Gmail accepted it."""
    back = verdict.return_date
    return Seen(
        mailbox_id=fetched.id,
        kind=verdict.kind,
        sender=sender(fetched.headers),
        recipients=_recipients(fetched),
        date=fetched.internal,
        thread_id=fetched.thread_id,
        message_id=fetched.message_id,
        subject=fetched.headers.get("subject", ""),
        bounced=verdict.bounced,
        returned=verdict.returned,
        return_date=back,
        organizer=verdict.organizer,
    )


def _raw_message(raw: str) -> Message | None:
    """Return a base64url message parsed whole, or None for junk."""
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        return BytesParser(policy=policy.default).parsebytes(data)
    except _JUNK:
        return None
