"""FakeGmail: the local Gmail server plus the controls a test uses to play the world.

The world's moves (the user in the Gmail UI, inbound mail, outages) are methods here;
every one takes the same lock as the HTTP threads, so tests may call them at any time.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType

from . import letters
from .apierrors import api_error
from .auth import DEFAULT_SCOPES, TokenAuthority
from .exchange import RequestRecord
from .faults import Fault
from .mime import header, reply_subject
from .quota import RateLimit
from .routes import CLASSIC_COSTS
from .server import FakeHttpServer, State
from .store import Mailbox, StoredMessage


@dataclass(frozen=True)
class DraftView:
    """A draft as the mailbox holds it: its stable id and current message."""

    id: str
    message: StoredMessage


class FakeGmail:
    """A Gmail REST API for one account on 127.0.0.1, with controls for tests."""

    def __init__(
        self,
        account: str = "alex@example.com",
        *,
        port: int = 0,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
        rewrite_message_ids: bool = True,
        costs: Mapping[str, int] = CLASSIC_COSTS,
        seed: int | None = None,
        clock: Callable[[], float] = time.time,
        client_id: str = "fake-client.apps.googleusercontent.com",
        client_secret: str = "fake-client-secret",
    ) -> None:
        rng = random.Random(seed)
        mailbox = Mailbox(account, rng=rng, clock=clock, rewrite_message_ids=rewrite_message_ids)
        authority = TokenAuthority(
            client_id=client_id, client_secret=client_secret, scopes=scopes, rng=rng, clock=clock
        )
        self.account = account
        self._state = State(mailbox=mailbox, authority=authority, costs=dict(costs), clock=clock)
        self._port = port
        self._server: FakeHttpServer | None = None
        self._thread: threading.Thread | None = None
        self.refresh_token = authority.grant()

    # Lifecycle

    def start(self) -> FakeGmail:
        """Start serving on a background thread."""
        self._state.stopping.clear()
        self._server = FakeHttpServer(("127.0.0.1", self._port), self._state)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake delayed responses and close every connection."""
        if self._server is None:
            return
        self._state.stopping.set()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeGmail:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """Return the port the server listens on."""
        if self._server is None:
            raise RuntimeError("FakeGmail is not running: use it as a context manager")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Return the api_endpoint to give googleapiclient."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def token_uri(self) -> str:
        """Return the OAuth token endpoint."""
        return f"http://127.0.0.1:{self.port}/token"

    # Credentials

    def authorized_user_info(self, refresh_token: str | None = None) -> dict[str, str]:
        """Return an authorized-user JSON mapping for this server's OAuth client."""
        authority = self._state.authority
        return {
            "type": "authorized_user",
            "client_id": authority.client_id,
            "client_secret": authority.client_secret,
            "refresh_token": refresh_token or self.refresh_token,
            "token_uri": self.token_uri,
        }

    def grant_refresh_token(self) -> str:
        """Return a new refresh token, as completing the consent screen again would."""
        with self._state.lock:
            self.refresh_token = self._state.authority.grant()
            return self.refresh_token

    def revoke_token(self) -> None:
        """Revoke all tokens: the token endpoint says invalid_grant, the API says 401."""
        with self._state.lock:
            self._state.authority.revoke()

    def expire_access_tokens(self) -> None:
        """Expire every access token (refresh tokens stay good)."""
        with self._state.lock:
            self._state.authority.expire_access_tokens()

    # The user in the Gmail UI

    def user_edits_draft(self, draft_id: str, *, subject: str | None = None) -> str:
        """Save an edit of a draft (new message id; a new subject moves it to a new thread)."""
        with self._state.lock:
            return self._state.mailbox.edit_draft_in_ui(draft_id, subject=subject).id

    def user_sends_draft(self, draft_id: str, *, subject: str | None = None) -> str:
        """Press Send on a draft (after an optional subject edit); return the SENT id."""
        with self._state.lock:
            if subject is not None:
                self._state.mailbox.edit_draft_in_ui(draft_id, subject=subject)
            return self._state.mailbox.send_draft(draft_id).id

    def user_schedules_draft(self, draft_id: str) -> str:
        """Press Schedule send on a draft: it leaves Drafts now; return the waiting message's id."""
        with self._state.lock:
            return self._state.mailbox.schedule_draft(draft_id).id

    def scheduled_send_goes_out(self, message_id: str) -> None:
        """Let a scheduled message go out (it gains SENT)."""
        with self._state.lock:
            self._state.mailbox.send_scheduled(message_id)

    def user_deletes_draft(self, draft_id: str) -> None:
        """Discard a draft."""
        with self._state.lock:
            self._state.mailbox.delete_draft(draft_id)

    def user_sends_message(
        self, *, to: str, subject: str | None = None, body: str = "Hi,\n", thread_id: str = ""
    ) -> str:
        """Send a hand-written message (a reply in thread_id when given); return its id."""
        with self._state.lock:
            mailbox = self._state.mailbox
            parent = _last_visible(mailbox.thread(thread_id)) if thread_id else None
            if subject is None:
                subject = reply_subject(parent.header("Subject")) if parent else ""
            letter = letters.handwritten(
                account=self.account,
                to=to,
                subject=subject,
                body=body,
                date=self._state.clock(),
                parent=parent.email if parent else None,
            )
            return mailbox.send(letter.as_bytes(), thread_id=thread_id or None).id

    def user_reads(self, message_id: str) -> None:
        """Open a message: Gmail removes UNREAD (a labelRemoved history record)."""
        with self._state.lock:
            self._state.mailbox.relabel(message_id, remove=("UNREAD",))

    # Inbound mail

    def deliver(self, message: bytes | EmailMessage, *, thread_id: str | None = None) -> str:
        """Receive mail (INBOX, UNREAD): into thread_id, else by its references; return its id."""
        raw = message.as_bytes() if isinstance(message, EmailMessage) else message
        with self._state.lock:
            return self._state.mailbox.deliver(raw, thread_id=thread_id).id

    def deliver_reply(
        self, message_id: str, *, sender: str, body: str = "Thanks!\n", subject: str | None = None
    ) -> str:
        """Deliver a human reply to one of our messages, threaded by its references."""
        original = self.message(message_id).email
        reply = letters.reply(
            original, sender=sender, body=body, date=self._state.clock(), subject=subject
        )
        return self.deliver(reply)

    def deliver_auto_reply(
        self, message_id: str, *, sender: str, return_date: str | None = None
    ) -> str:
        """Deliver an out-of-office answer to one of our messages."""
        original = self.message(message_id).email
        auto = letters.auto_reply(
            original, sender=sender, date=self._state.clock(), return_date=return_date
        )
        return self.deliver(auto)

    def deliver_bounce(self, message_id: str, *, recipient: str | None = None) -> str:
        """Deliver Gmail's delivery failure notice for one of our messages, in its thread."""
        original = self.message(message_id)
        recipient = recipient or email.utils.parseaddr(header(original.email, "To") or "")[1]
        notice = letters.bounce(
            original.email, recipient=recipient, account=self.account, date=self._state.clock()
        )
        return self.deliver(notice, thread_id=original.thread_id)

    def deliver_new_thread(self, *, sender: str, subject: str, body: str = "Hello,\n") -> str:
        """Deliver a message that starts a new conversation (e.g. another company address)."""
        letter = letters.new_thread(
            sender=sender, to=self.account, subject=subject, body=body, date=self._state.clock()
        )
        return self.deliver(letter)

    # Faults

    def fail(
        self,
        method: str,
        status: int,
        *,
        reason: str | None = None,
        times: int = 1,
        after_effect: bool = False,
        retry_after: float | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with a Google error."""
        error = api_error(status, reason=reason, message=message, retry_after=retry_after)
        self._arm(method, Fault("fail", after_effect, error=error), times)

    def delay(
        self, method: str, seconds: float, *, after_effect: bool = True, times: int = 1
    ) -> None:
        """Hold the response of the next calls of `method` for `seconds`."""
        self._arm(method, Fault("delay", after_effect, seconds=seconds), times)

    def drop_connection(self, method: str, *, after_effect: bool = True, times: int = 1) -> None:
        """Close the socket of the next calls of `method` without any response."""
        self._arm(method, Fault("drop", after_effect), times)

    def clear_faults(self) -> None:
        """Disarm every fault."""
        with self._state.lock:
            self._state.faults.clear()

    def limit_rate(self, units: int, *, seconds: float = 60.0) -> None:
        """Enforce Gmail's per-user rate limit: 429 past `units` in any `seconds` window."""
        with self._state.lock:
            self._state.meter.limit = RateLimit(units, seconds)

    def expire_history(self) -> None:
        """Expire all history: every start id older than the current one gives 404."""
        with self._state.lock:
            self._state.mailbox.expire_history()

    # Inspection

    @property
    def history_id(self) -> str:
        """Return the mailbox's current history id."""
        with self._state.lock:
            return str(self._state.mailbox.history_id)

    def message(self, message_id: str) -> StoredMessage:
        """Return a message by id (KeyError when there is none)."""
        with self._state.lock:
            return self._state.mailbox.messages[message_id]

    def thread(self, thread_id: str) -> list[StoredMessage]:
        """Return a thread's messages, oldest first."""
        with self._state.lock:
            return [m for m in self._state.mailbox.messages.values() if m.thread_id == thread_id]

    def drafts(self) -> list[DraftView]:
        """Return the drafts, oldest first."""
        with self._state.lock:
            mailbox = self._state.mailbox
            return [DraftView(d, mailbox.messages[m]) for d, m in mailbox.drafts.items()]

    def messages(self, label: str | None = "SENT") -> list[StoredMessage]:
        """Return messages carrying `label` (every message when None), oldest first."""
        with self._state.lock:
            found = list(self._state.mailbox.messages.values())
        return [m for m in found if label is None or label in m.label_ids]

    def find_by_header(self, name: str, value: str) -> list[StoredMessage]:
        """Return every message (drafts included) with header `name` equal to `value`."""
        return [
            m
            for m in self.messages(label=None)
            if value in [str(v) for v in m.email.get_all(name, [])]
        ]

    def quota_used(self, method: str | None = None) -> int:
        """Return the quota units charged so far (for one method, or in total)."""
        with self._state.lock:
            quota = self._state.quota
            return quota[method] if method else sum(quota.values())

    def requests(self, method: str | None = None) -> list[RequestRecord]:
        """Return the requests received (for one method, or all), oldest first."""
        with self._state.lock:
            return [r for r in self._state.log if method is None or r.method == method]

    def round_trips(self) -> list[RequestRecord]:
        """Return the HTTP requests received (a batch once, not its parts), oldest first."""
        with self._state.lock:
            return [r for r in self._state.log if r.batch is None]

    def busiest_window(self, seconds: float = 1.0) -> int:
        """Return the most quota units charged within any `seconds` long window."""
        charged = sorted((r.at, r.units) for r in self.requests() if r.units)
        most, total, first = 0, 0, 0
        for at, units in charged:
            total += units
            while charged[first][0] <= at - seconds:
                total -= charged[first][1]
                first += 1
            most = max(most, total)
        return most

    def _arm(self, method: str, fault: Fault, times: int) -> None:
        """Queue a fault under the lock."""
        with self._state.lock:
            self._state.faults.arm(method, fault, times=times)


def _last_visible(thread: list[StoredMessage]) -> StoredMessage:
    """Return the latest non-draft message of a thread (what a reply in the UI answers)."""
    visible = [m for m in thread if "DRAFT" not in m.label_ids]
    return (visible or thread)[-1]
