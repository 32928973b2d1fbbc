"""The mailbox state machine behind the fake: messages, threads, drafts and history.

The rules it keeps are Gmail's (research notes, section 6.4 of the Gmail API study):
- a message id is 16 lower-case hex digits and never reused; a new thread's id is
  the id of its first message, and stays the thread's id when that message goes;
- a draft id is "r" plus a signed decimal and survives edits, while every edit
  replaces the draft's message with a new one (new message id);
- sending a draft deletes its message and adds a SENT message with a new id in the
  same thread; a sent message's Message-ID may be replaced by Gmail's own;
- a message joins an existing thread only when the request names a thread that
  exists and the subjects match (Re:/Fwd: aside); otherwise it starts a new one;
- every change appends a History record; history ids grow with random gaps, and
  ids older than the retention horizon are gone (404).
"""

from __future__ import annotations

import email.utils
import functools
import random
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from email.message import EmailMessage

from .apierrors import bad_request, not_found
from .mime import (
    ensure_header,
    header,
    message_ids,
    normalize_subject,
    parse,
    parse_head,
    set_header,
)

_HEX_ID = re.compile(r"[0-9a-f]{16}")
_GMAIL_ID_CHARS = string.ascii_letters + string.digits + "+_=-"


@dataclass(frozen=True)
class StoredMessage:
    """One message as the mailbox holds it."""

    id: str
    thread_id: str
    label_ids: tuple[str, ...]
    raw: bytes
    internal_date: int  # epoch milliseconds
    history_id: int

    @functools.cached_property
    def email(self) -> EmailMessage:
        """Return the parsed message."""
        return _read(self.raw)

    @functools.cached_property
    def _header_values(self) -> dict[str, str | None]:
        """Remember header values read (a search reads From of every message)."""
        return {}

    def header(self, name: str) -> str | None:
        """Return one header's value, or None."""
        known = self._header_values
        if name.lower() not in known:
            known[name.lower()] = header(_head(self.raw), name)
        return known[name.lower()]


@dataclass(frozen=True)
class Change:
    """One History record: a message added or deleted, or labels added or removed."""

    id: int
    kind: str  # messageAdded | messageDeleted | labelAdded | labelRemoved
    message: StoredMessage  # the message as it was right after the change
    label_ids: tuple[str, ...] = ()


class Mailbox:
    """Hold one account's mail and apply Gmail's rules to every change (not thread-safe)."""

    def __init__(
        self,
        account: str,
        *,
        rng: random.Random,
        clock: Callable[[], float],
        rewrite_message_ids: bool = True,
    ) -> None:
        self.account = account
        self.rewrite_message_ids = rewrite_message_ids
        self.messages: dict[str, StoredMessage] = {}  # in arrival order
        self.drafts: dict[str, str] = {}  # draft id -> its current message id
        self.changes: list[Change] = []
        # thread id -> its message ids in arrival order, so a thread is found without a scan
        self._threads: dict[str, dict[str, None]] = {}
        self.history_id = rng.randint(1_000_000, 9_999_999)
        self.history_floor = self.history_id
        self._rng = rng
        self._clock = clock
        self._subjects: dict[str, str] = {}  # thread id -> normalised subject of its first message
        self._last_number = 0

    # Reading

    def message(self, message_id: str) -> StoredMessage:
        """Return a message, or raise Gmail's 400 (malformed id) / 404 (no such message)."""
        if not _HEX_ID.fullmatch(message_id):
            raise bad_request("Invalid id value")
        if message_id not in self.messages:
            raise not_found()
        return self.messages[message_id]

    def thread(self, thread_id: str) -> list[StoredMessage]:
        """Return a thread's messages, oldest first, or raise like message()."""
        if not _HEX_ID.fullmatch(thread_id):
            raise bad_request("Invalid id value")
        found = [self.messages[i] for i in self._threads.get(thread_id, ())]
        if not found:
            raise not_found()
        return found

    def draft(self, draft_id: str) -> StoredMessage:
        """Return a draft's current message, or raise 404 (sent, deleted or never made)."""
        if draft_id not in self.drafts:
            raise not_found()
        return self.messages[self.drafts[draft_id]]

    def changes_after(self, start: int) -> list[Change]:
        """Return History records newer than `start`; 404 when `start` is past retention."""
        if start < self.history_floor:
            raise not_found()
        return [c for c in self.changes if c.id > start]

    # Drafts

    def create_draft(self, raw: bytes, *, thread_id: str | None) -> tuple[str, StoredMessage]:
        """Create a draft, threaded only into a valid, subject-matching thread."""
        thread = self._join_thread(thread_id, raw)
        message = self._add(self._stamp_draft(raw), ("DRAFT",), thread)
        draft_id = f"r{self._rng.randint(-(2**63), 2**63 - 1)}"
        self.drafts[draft_id] = message.id
        return draft_id, message

    def update_draft(self, draft_id: str, raw: bytes, *, thread_id: str | None) -> StoredMessage:
        """Replace a draft's message (new message id); the thread goes unless named again."""
        old = self.draft(draft_id)
        thread = self._join_thread(thread_id, raw)
        self._remove(old.id)
        message = self._add(self._stamp_draft(raw), ("DRAFT",), thread)
        self.drafts[draft_id] = message.id
        return message

    def edit_draft_in_ui(self, draft_id: str, *, subject: str | None) -> StoredMessage:
        """Save a draft from the Gmail UI: new message id; a new subject starts a new thread."""
        old = self.draft(draft_id)
        raw = old.raw if subject is None else set_header(old.raw, "Subject", subject)
        self._remove(old.id)
        message = self._add(raw, ("DRAFT",), old.thread_id if subject is None else None)
        self.drafts[draft_id] = message.id
        return message

    def send_draft(self, draft_id: str, raw: bytes | None = None) -> StoredMessage:
        """Send a draft: delete it and add a SENT message with a new id in its thread."""
        old = self.draft(draft_id)
        raw = raw if raw is not None else old.raw
        _require_recipients(raw)
        del self.drafts[draft_id]
        self._remove(old.id)
        return self._add(self._stamp_sent(raw), self._sent_labels(raw), old.thread_id)

    def schedule_draft(self, draft_id: str) -> StoredMessage:
        """Schedule send: the draft goes at once; its message waits, labelled SCHEDULED."""
        old = self.draft(draft_id)
        _require_recipients(old.raw)
        del self.drafts[draft_id]
        self._remove(old.id)
        return self._add(self._stamp_sent(old.raw), ("SCHEDULED",), old.thread_id)

    def send_scheduled(self, message_id: str) -> StoredMessage:
        """The scheduled time comes: the waiting message becomes a sent one (a labelAdded)."""
        message = self.message(message_id)
        if "SCHEDULED" not in message.label_ids:
            raise ValueError(f"message {message_id} is not scheduled")
        return self.relabel(message_id, add=self._sent_labels(message.raw), remove=("SCHEDULED",))

    def delete_draft(self, draft_id: str) -> StoredMessage:
        """Delete a draft for good."""
        message = self.draft(draft_id)
        del self.drafts[draft_id]
        return self._remove(message.id)

    # Mail in and out

    def send(self, raw: bytes, *, thread_id: str | None) -> StoredMessage:
        """Send a message, threaded like a draft."""
        _require_recipients(raw)
        thread = self._join_thread(thread_id, raw)
        return self._add(self._stamp_sent(raw), self._sent_labels(raw), thread)

    def deliver(
        self, raw: bytes, *, thread_id: str | None, labels: Iterable[str] = ("INBOX", "UNREAD")
    ) -> StoredMessage:
        """Receive a message: into thread_id, else the thread its references point to."""
        if thread_id is not None:
            self.thread(thread_id)
        thread = thread_id or self._thread_by_references(raw)
        raw = ensure_header(raw, "Message-ID", self._gmail_message_id())
        return self._add(raw, tuple(labels), thread)

    def relabel(
        self, message_id: str, *, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> StoredMessage:
        """Add and remove labels (as the user does by reading or archiving), recording each."""
        message = self.message(message_id)
        added = tuple(label for label in add if label not in message.label_ids)
        removed = tuple(label for label in remove if label in message.label_ids)
        labels = tuple(label for label in message.label_ids if label not in removed) + added
        for kind, ids in (("labelAdded", added), ("labelRemoved", removed)):
            if ids:
                change_id = self._next_history_id()
                message = replace(message, label_ids=labels, history_id=change_id)
                self.changes.append(Change(change_id, kind, message, ids))
        self.messages[message_id] = message
        return message

    def expire_history(self) -> None:
        """Forget all history: every id older than the current one now gives 404."""
        self.history_floor = self.history_id
        self.changes.clear()

    # Rules

    def _join_thread(self, requested: str | None, raw: bytes) -> str | None:
        """Return the thread a new message may join, or None for a new thread."""
        if not requested:
            return None
        self.thread(requested)
        subject = normalize_subject(header(_head(raw), "Subject"))
        return requested if subject == self._subjects.get(requested) else None

    def _thread_by_references(self, raw: bytes) -> str | None:
        """Find the thread of a non-draft message named in In-Reply-To or References."""
        incoming = _head(raw)
        wanted = {*message_ids(header(incoming, "In-Reply-To"))}
        wanted |= set(message_ids(header(incoming, "References")))
        for message in reversed(self.messages.values()):
            mine = set(message_ids(message.header("Message-ID")))
            if "DRAFT" not in message.label_ids and mine & wanted:
                return message.thread_id
        return None

    def _stamp_draft(self, raw: bytes) -> bytes:
        """Give a draft a Message-ID when it has none."""
        return ensure_header(raw, "Message-ID", self._gmail_message_id())

    def _stamp_sent(self, raw: bytes) -> bytes:
        """Add From/Date when missing and (when switched on) Gmail's own Message-ID."""
        raw = ensure_header(raw, "From", self.account)
        raw = ensure_header(raw, "Date", email.utils.formatdate(self._clock()))
        edit = set_header if self.rewrite_message_ids else ensure_header
        return edit(raw, "Message-ID", self._gmail_message_id())

    def _sent_labels(self, raw: bytes) -> tuple[str, ...]:
        """Label a sent message SENT, plus INBOX and UNREAD when it goes to the account."""
        message = _head(raw)
        fields = [str(message.get(name, "")) for name in ("To", "Cc", "Bcc")]
        recipients = {address.lower() for _, address in email.utils.getaddresses(fields)}
        to_self = self.account.lower() in recipients
        return ("SENT", "INBOX", "UNREAD") if to_self else ("SENT",)

    # Primitives

    def _add(self, raw: bytes, labels: tuple[str, ...], thread_id: str | None) -> StoredMessage:
        """Store a new message (a new thread when thread_id is None) and record it."""
        message_id = self._new_message_id()
        thread = thread_id or message_id
        if thread_id is None:
            self._subjects[thread] = normalize_subject(header(_head(raw), "Subject"))
        change_id = self._next_history_id()
        now_ms = int(self._clock() * 1000)
        message = StoredMessage(message_id, thread, labels, raw, now_ms, change_id)
        self.messages[message_id] = message
        self._threads.setdefault(thread, {})[message_id] = None
        self.changes.append(Change(change_id, "messageAdded", message))
        return message

    def _remove(self, message_id: str) -> StoredMessage:
        """Delete a message for good and record it."""
        message = self.messages.pop(message_id)
        self._threads[message.thread_id].pop(message_id, None)
        self.changes.append(Change(self._next_history_id(), "messageDeleted", message))
        return message

    def _new_message_id(self) -> str:
        """Mint a message id the way Gmail's look: time in ms, shifted, plus random bits."""
        number = int(self._clock() * 1000) << 20 | self._rng.getrandbits(20)
        self._last_number = max(number, self._last_number + 1)
        return f"{self._last_number:016x}"

    def _next_history_id(self) -> int:
        """Advance the history id by a random gap."""
        self.history_id += self._rng.randint(1, 97)
        return self.history_id

    def _gmail_message_id(self) -> str:
        """Mint a Message-ID in the style Gmail gives the mail it sends."""
        token = "".join(self._rng.choice(_GMAIL_ID_CHARS) for _ in range(42))
        return f"<CA{token}@mail.gmail.com>"


@functools.lru_cache(maxsize=256)
def _read(raw: bytes) -> EmailMessage:
    """Parse raw bytes once for the several rules that read the same message (read only)."""
    return parse(raw)


@functools.lru_cache(maxsize=256)
def _head(raw: bytes) -> EmailMessage:
    """Parse the headers of raw bytes once, for the rules that read only headers (read only):
    the same values as a whole parse gives, without parsing the body and its parts."""
    return parse_head(raw)


def _require_recipients(raw: bytes) -> None:
    """Refuse to send a message without any recipient, as Gmail does."""
    message = _head(raw)
    if not any(message.get(name) for name in ("To", "Cc", "Bcc")):
        raise bad_request("Recipient address required")
