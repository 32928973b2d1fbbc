"""Gmail as a mailbox, through the real Gmail API client.

The protocol methods are built from one method per Gmail call (drafts_create,
history_list, threads_get, ...) that execute on the wire of gmail_http.py,
whose errors are already ours. What changed since the last poll is worked out
in gmail_sync.py.

The mailbox keeps its own position in Gmail's history (the last history id
seen), saved through a load/save pair so a restart continues from it; that id
is also the cursor an intent records, so settling a crash reads only the
history since then.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from followup_mailer.auth.tokens import check_token
from followup_mailer.errors import AuthError, FollowupError
from followup_mailer.mailbox import gmail_sync
from followup_mailer.mailbox.classify import classify
from followup_mailer.mailbox.gmail_http import (
    DEFAULT_BACKOFF,
    REQUEST_TIMEOUT,
    Backoff,
    NotFound,
    Wire,
    credentials,
)
from followup_mailer.mailbox.gmail_sync import HEADERS, HISTORY_TYPES, Fetched
from followup_mailer.mailbox.protocol import MailboxError, OutcomeUnknown, Poll, ThreadTail, Watch
from followup_mailer.model import Kind, Placed

log = logging.getLogger(__name__)

POSITION_NAME = "gmail.history_id"  # where the ledger keeps the mailbox's position
_ME = "me"


@dataclass(frozen=True, slots=True)
class Position:
    """Where the last history id seen is kept between runs."""

    load: Callable[[], str]
    save: Callable[[str], None]


class GmailMailbox:
    """The Mailbox protocol on the Gmail API (scopes gmail.compose and gmail.readonly)."""

    def __init__(self, connect: Callable[[], Wire], *, position: Position) -> None:
        self._connect = connect
        self._wire: Wire | None = connect()  # fails at once when nobody is signed in
        self._position = position

    # --- the Mailbox protocol -----------------------------------------------------------

    def cursor(self) -> str:
        """Return the last history id seen (Gmail's current one before the first poll)."""
        return self._position.load() or self.get_profile()

    def create_draft(self, message: EmailMessage, *, thread_id: str) -> Placed:
        """Create a draft (in thread_id when given); OutcomeUnknown when it may exist anyway."""
        draft = self.drafts_create(message, thread_id=thread_id)
        return Placed(
            thread_id=str(draft["message"]["threadId"]),
            message_id=" ".join(str(message.get("Message-ID", "")).split()),
            draft_id=str(draft["id"]),
            mailbox_id=str(draft["message"]["id"]),
        )

    def send(self, message: EmailMessage, *, thread_id: str) -> Placed:
        """Send a message (in thread_id when given); OutcomeUnknown when it may have left."""
        sent = self.messages_send(message, thread_id=thread_id)
        try:
            # Gmail may have replaced our Message-ID: record the one it holds
            resource = self.messages_get(str(sent["id"]))
        except FollowupError as error:  # it was sent: a failed look must not say otherwise
            log.warning("sent, but could not read it back: %s", error)
            resource = None
        if resource:
            return Fetched.of(resource).placed()
        own_id = " ".join(str(message.get("Message-ID", "")).split())
        return Placed(str(sent["threadId"]), own_id, mailbox_id=str(sent["id"]))

    def note_to_self(self, message: EmailMessage) -> Placed:
        """Send a message to the account's own address (it lands in SENT and INBOX)."""
        return self.send(message, thread_id="")

    def find(self, key: str, *, since: str) -> Placed | None:
        """Look for key in the drafts, then in SENT mail since history id `since`.

        Drafts first: a draft sent meanwhile is then found in SENT, never missed.
        A look that cannot be completed raises OutcomeUnknown, never "not found".
        """
        try:
            return self._draft_with(key) or self._sent_with(key, since)
        except MailboxError as error:
            raise OutcomeUnknown(f"cannot look for {key} in Gmail now: {error}") from error

    def thread_tail(self, thread_id: str) -> ThreadTail | None:
        """Return the headers a reply needs from the thread's last message by us or a person."""
        thread = self.threads_get(thread_id)
        messages = [Fetched.of(m) for m in thread.get("messages", ())] if thread else []
        eligible = [m for m in messages if "DRAFT" not in m.labels and _from_a_person(m)]
        if not eligible:
            return None
        # of messages with equal times, the later in the thread (max keeps the first it meets)
        tail = max(reversed(eligible), key=lambda m: m.internal)
        references = tail.headers.get("references") or tail.headers.get("in-reply-to", "")
        return ThreadTail(tail.message_id, references, tail.headers.get("subject", ""))

    def poll(self, watch: Watch) -> Poll:
        """Report what changed since the last acknowledged position (Poll.cursor: the next one)."""
        start = self._position.load()
        if start:
            try:
                poll, end = gmail_sync.incremental(self, watch, start)
            except NotFound:
                log.warning("Gmail no longer has history from %s: checking every thread", start)
            else:
                return replace(poll, cursor=end)
        # taken before the check, so nothing that happens during it is skipped next time
        baseline = self.get_profile()
        return replace(gmail_sync.full_check(self, watch), cursor=baseline)

    def acknowledge(self, cursor: str) -> None:
        """Remember the history id the next poll starts from."""
        if cursor:
            self._position.save(cursor)

    # --- one method per Gmail call ---------------------------------------------------------

    def get_profile(self) -> str:
        """Call users.getProfile; return the mailbox's current history id."""
        profile = self._call("getProfile", self._users.getProfile(userId=_ME))
        return str(profile["historyId"])

    def history_list(self, start: str, *, label: str = "") -> tuple[list[dict[str, Any]], str]:
        """Call users.history.list page by page; return the records and the new history id.

        list_next cannot page it: it raises ValueError when historyTypes is repeated.
        """
        records: list[dict[str, Any]] = []
        query: dict[str, Any] = {"userId": _ME, "startHistoryId": start, "maxResults": 500}
        query |= {"historyTypes": list(HISTORY_TYPES)} | ({"labelId": label} if label else {})
        while True:
            page = self._call("history.list", self._users.history().list(**query))
            records += page.get("history", [])
            if not page.get("nextPageToken"):
                return records, str(page["historyId"])
            query["pageToken"] = page["nextPageToken"]

    def messages_get(self, message_id: str, *, raw: bool = False) -> dict[str, Any] | None:
        """Call users.messages.get: headers only, or the raw message; None when it is gone."""
        form: Mapping[str, Any] = {"format": "raw"} if raw else _METADATA
        request = self._users.messages().get(userId=_ME, id=message_id, **form)
        return self._found("messages.get", request)

    def messages_list(self, query: str) -> list[str]:
        """Call users.messages.list page by page; return the message ids."""
        ids: list[str] = []
        params: dict[str, Any] = {"userId": _ME, "q": query, "maxResults": 500}
        while True:
            page = self._call("messages.list", self._users.messages().list(**params))
            ids += [str(m["id"]) for m in page.get("messages", [])]
            if not page.get("nextPageToken"):
                return ids
            params["pageToken"] = page["nextPageToken"]

    def threads_get(self, thread_id: str) -> dict[str, Any] | None:
        """Call users.threads.get with headers only; None when the thread is gone."""
        request = self._users.threads().get(userId=_ME, id=thread_id, **_METADATA)
        return self._found("threads.get", request)

    def drafts_list(self) -> list[str]:
        """Call users.drafts.list page by page; return the draft ids."""
        ids: list[str] = []
        params: dict[str, Any] = {"userId": _ME, "maxResults": 500}
        while True:
            page = self._call("drafts.list", self._users.drafts().list(**params))
            ids += [str(d["id"]) for d in page.get("drafts", [])]
            if not page.get("nextPageToken"):
                return ids
            params["pageToken"] = page["nextPageToken"]

    def drafts_get(self, draft_id: str, *, metadata: bool = False) -> dict[str, Any] | None:
        """Call users.drafts.get (headers, or just ids); None when it was sent or deleted.

        drafts.get takes no metadataHeaders: format=metadata gives every header.
        """
        form = "metadata" if metadata else "minimal"
        request = self._users.drafts().get(userId=_ME, id=draft_id, format=form)
        return self._found("drafts.get", request)

    def drafts_create(self, message: EmailMessage, *, thread_id: str) -> dict[str, Any]:
        """Call users.drafts.create, once."""
        body = {"message": _raw_body(message, thread_id)}
        request = self._users.drafts().create(userId=_ME, body=body)
        result: dict[str, Any] = self._call("drafts.create", request, write=True)
        return result

    def messages_send(self, message: EmailMessage, *, thread_id: str) -> dict[str, Any]:
        """Call users.messages.send, once."""
        request = self._users.messages().send(userId=_ME, body=_raw_body(message, thread_id))
        result: dict[str, Any] = self._call("messages.send", request, write=True)
        return result

    # --- helpers ---------------------------------------------------------------------------

    @property
    def _users(self) -> Any:
        if self._wire is None:
            self._wire = self._connect()
        return self._wire.users

    def _call(self, what: str, request: Any, *, write: bool = False) -> Any:
        """Execute a request; after a refused sign-in the next call reads the token again."""
        wire = self._wire or self._connect()
        try:
            return wire.write(what, request) if write else wire.read(what, request)
        except AuthError:
            self._wire = None  # so a new `auth login` is picked up without a restart
            raise

    def _found(self, what: str, request: Any) -> dict[str, Any] | None:
        try:
            result: dict[str, Any] = self._call(what, request)
        except NotFound:
            return None
        return result

    def _draft_with(self, key: str) -> Placed | None:
        """Return the draft carrying key (every draft is read: search may lag behind)."""
        for draft_id in self.drafts_list():
            draft = self.drafts_get(draft_id, metadata=True)
            found = Fetched.of(draft["message"]) if draft else None
            if found and found.key == key:
                return Placed(
                    found.thread_id, found.message_id, draft_id=draft_id, mailbox_id=found.id
                )
        return None

    def _sent_with(self, key: str, since: str) -> Placed | None:
        """Return our SENT message carrying key, added since `since` (else found by search)."""
        recipient = gmail_sync.recipient_of(key)
        return gmail_sync.sent_keys(self, since, [recipient], self._fetch).get(key)

    def _fetch(self, message_id: str) -> Fetched | None:
        resource = self.messages_get(message_id)
        return Fetched.of(resource) if resource else None


_METADATA: Mapping[str, Any] = {"format": "metadata", "metadataHeaders": list(HEADERS)}


def _raw_body(message: EmailMessage, thread_id: str) -> dict[str, str]:
    """Return a Message body: the RFC 5322 bytes as base64url, and the thread to join."""
    raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
    return {"raw": raw, "threadId": thread_id} if thread_id else {"raw": raw}


def _from_a_person(message: Fetched) -> bool:
    """Tell whether a reply may answer this message (ours, or not an auto-reply or bounce)."""
    return message.sent or classify(message.headers, own=()).kind not in (Kind.AUTO, Kind.BOUNCE)


def open_gmail(
    *,
    load_token: Callable[[], Mapping[str, Any] | None],
    api_endpoint: str,
    token_uri: str,
    position: Position,
    clock: Callable[[], datetime],
    timeout: float = REQUEST_TIMEOUT,
    backoff: Backoff = DEFAULT_BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
    beat: Callable[[], None] = lambda: None,
) -> GmailMailbox:
    """Build a GmailMailbox on the stored token (AuthError at once when there is none)."""

    def connect() -> Wire:
        token = load_token()
        if token is None:
            raise AuthError("not signed in to Gmail: run `followup-mailer auth login`")
        check_token(token, source="the stored Gmail token")
        return Wire(
            credentials(token, token_uri=token_uri),
            api_endpoint=api_endpoint,
            timeout=timeout,
            backoff=backoff,
            sleep=sleep,
            clock=clock,
            beat=beat,
        )

    return GmailMailbox(connect, position=position)
