"""Gmail as a mailbox, through the real Gmail API client.

The protocol methods are built on one method per Gmail call (gmail_calls.py),
executed on the wire of gmail_http.py, whose errors are already ours. What
changed since the last poll is read from history in gmail_sync.py; when
history cannot tell (no position yet, or Gmail no longer has it), every
tracked thread, draft and sender is checked, a chunk per poll
(gmail_full_check.py).

The mailbox keeps its own position, saved through a load/save pair so a
restart continues from it: the last history id seen, or where a full check
stands. The history id (a check's baseline) is also the cursor an intent
records, so settling a crash reads only the history since then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from google.oauth2.credentials import Credentials

from followup_mailer.errors import AuthError, FollowupError
from followup_mailer.mailbox import gmail_sync
from followup_mailer.mailbox.classify import classify
from followup_mailer.mailbox.gmail_calls import GmailCalls
from followup_mailer.mailbox.gmail_errors import NotFound
from followup_mailer.mailbox.gmail_full_check import DEFAULT_LIMITS, Limits, Progress, check_chunk
from followup_mailer.mailbox.gmail_http import DEFAULT_BACKOFF, REQUEST_TIMEOUT, Backoff, Wire
from followup_mailer.mailbox.gmail_quota import DEFAULT_QUOTA, Bucket, Quota
from followup_mailer.mailbox.gmail_sync import Fetched
from followup_mailer.mailbox.gmail_token import LoadToken, SaveToken, credentials, saver
from followup_mailer.mailbox.protocol import MailboxError, OutcomeUnknown, Poll, ThreadTail, Watch
from followup_mailer.model import Kind, Placed, recipient_of

log = logging.getLogger(__name__)

POSITION_NAME = "gmail.history_id"  # where the ledger keeps the mailbox's position


@dataclass(frozen=True, slots=True)
class Position:
    """Where the last history id seen (or a full check's progress) is kept between runs."""

    load: Callable[[], str]
    save: Callable[[str], None]


class GmailMailbox(GmailCalls):
    """The Mailbox protocol on the Gmail API (scopes gmail.compose and gmail.readonly)."""

    def __init__(
        self, connect: Callable[[], Wire], *, position: Position, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        super().__init__(connect)
        self._position = position
        self._limits = limits

    def cursor(self) -> str:
        """Return the last history id seen (Gmail's current one before the first poll).

        During a full check it is the check's baseline: history from it holds all since.
        """
        stored = self._position.load()
        progress = Progress.decode(stored)
        return progress.baseline if progress else stored or self.get_profile()

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
        return Placed(
            thread_id=str(sent["threadId"]), message_id=own_id, mailbox_id=str(sent["id"])
        )

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
        return ThreadTail(
            message_id=tail.message_id,
            references=references,
            subject=tail.headers.get("subject", ""),
        )

    def poll(self, watch: Watch) -> Poll:
        """Report what changed since the last acknowledged position (Poll.cursor: the next one).

        A full check goes a chunk per poll, each saying `more` until history takes over.
        """
        stored = self._position.load()
        progress = Progress.decode(stored)
        if progress is None and stored.isdigit():
            try:
                poll, end = gmail_sync.incremental(self, watch, stored)
            except NotFound:
                log.warning("Gmail no longer has history from %s: checking every thread", stored)
            else:
                return replace(poll, cursor=end)
        if progress is None:
            # taken first, so nothing that happens during the check is skipped afterwards
            progress = Progress(self.get_profile())
        return check_chunk(self, watch, progress, limits=self._limits)

    def acknowledge(self, cursor: str) -> None:
        """Remember where the next poll starts: a history id, or a full check's progress."""
        if cursor:
            self._position.save(cursor)

    def release(self) -> None:
        """Nothing to let go of: what a poll needs is asked of Gmail each time."""

    def _draft_with(self, key: str) -> Placed | None:
        """Return the draft carrying key (every draft is read: search may lag behind)."""
        for draft_id in self.drafts_list():
            draft = self.drafts_get(draft_id, metadata=True)
            found = Fetched.of(draft["message"]) if draft else None
            if found and found.key == key:
                return Placed(
                    thread_id=found.thread_id,
                    message_id=found.message_id,
                    draft_id=draft_id,
                    mailbox_id=found.id,
                )
        return None

    def _sent_with(self, key: str, since: str) -> Placed | None:
        """Return our SENT message carrying key, added since `since` (else found by search)."""
        recipient = recipient_of(key)
        return gmail_sync.sent_keys(self, since, [recipient], self._fetch).get(key)

    def _fetch(self, message_id: str) -> Fetched | None:
        resource = self.messages_get(message_id)
        return Fetched.of(resource) if resource else None


def _from_a_person(message: Fetched) -> bool:
    """Tell whether a reply may answer this message (ours, or not an auto-reply or bounce)."""
    return message.sent or classify(message.headers, own=()).kind not in (Kind.AUTO, Kind.BOUNCE)


def open_gmail(
    *,
    load_token: LoadToken,
    api_endpoint: str,
    token_uri: str,
    position: Position,
    clock: Callable[[], datetime],
    save_token: SaveToken | None = None,
    timeout: float = REQUEST_TIMEOUT,
    backoff: Backoff = DEFAULT_BACKOFF,
    quota: Quota = DEFAULT_QUOTA,
    limits: Limits = DEFAULT_LIMITS,
    sleep: Callable[[float], None] = time.sleep,
    beat: Callable[[], None] = lambda: None,
) -> GmailMailbox:
    """Build a GmailMailbox on the stored token (AuthError at once when there is none).

    `save_token` gets the token back with a refreshed access token and its expiry.
    """
    bucket = Bucket(quota, sleep=sleep)  # one for every connection: they share the quota

    def connect() -> Wire:
        token = load_token()
        if token is None:
            raise AuthError("not signed in to Gmail: run `followup-mailer auth login`")
        return Wire(
            credentials(token, token_uri=token_uri),
            api_endpoint=api_endpoint,
            timeout=timeout,
            backoff=backoff,
            sleep=sleep,
            clock=clock,
            beat=beat,
            bucket=bucket,
            on_refresh=_saving(token, load_token, save_token),
        )

    return GmailMailbox(connect, position=position, limits=limits)


def _saving(
    token: Mapping[str, Any], load: LoadToken, save: SaveToken | None
) -> Callable[[Credentials], None]:
    """Return what a refreshed access token goes to: the token store, when there is one."""
    return saver(token, load=load, save=save) if save else lambda refreshed: None
