"""The Gmail backend against the local fake server: cost, retries, faults, auth, threading."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import httplib2  # type: ignore[import-untyped]  # ships no type information
import pytest

from followup_mailer.auth.stores import token_store
from followup_mailer.backends import open_mailbox
from followup_mailer.errors import AuthError
from followup_mailer.mailbox.gmail import POSITION_NAME, GmailMailbox, Position, open_gmail
from followup_mailer.mailbox.gmail_errors import ConnectFailed
from followup_mailer.mailbox.gmail_http import Backoff, OneShotHttp, OneShotHTTPSConnection
from followup_mailer.mailbox.protocol import MailboxError, OutcomeUnknown, Rejected, Watch
from followup_mailer.model import KEY_HEADER, Kind
from followup_mailer.store import Store
from tests.conftest import MakeSettings, polled
from tests.fakegmail import COMPOSE, READONLY, FakeGmail

ALEX = "alex@example.com"
DANA = "dana@acme.com"
KEY = "acme/thank_you/dana@acme.com"
POLLS_PER_DAY = 24 * 60 * 60 // 60  # the default poll_interval is 60s
QUICK = Backoff(first=1.0, longest=8.0, attempts=5, budget=30.0)


def now() -> datetime:
    return datetime.now(UTC)


def letter(key: str = KEY, subject: str = "Thank you for today") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Alex Rivera <{ALEX}>"
    message["To"] = f"Dana Smith <{DANA}>"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.com")
    message[KEY_HEADER] = key
    message.set_content("Dear Dana,\n\nThank you for your time today.\n\nAlex Rivera\n")
    return message


def watch(drafts: dict[str, str] | None = None, threads: tuple[str, ...] = ()) -> Watch:
    return Watch(
        drafts=drafts or {}, threads=threads, addresses={DANA}, domains={"acme.com"}, own={ALEX}
    )


class Opened:
    """A GmailMailbox on the fake, with its saved position and the waits it asked for."""

    def __init__(self, fake: FakeGmail, *, timeout: float = 5.0, backoff: Backoff = QUICK):
        self.state: dict[str, str] = {}
        self.slept: list[float] = []
        self.box: GmailMailbox = open_gmail(
            load_token=fake.authorized_user_info,
            api_endpoint=fake.url,
            token_uri=fake.token_uri,
            position=Position(
                lambda: self.state.get("at", ""), lambda at: self.state.update(at=at)
            ),
            clock=now,
            timeout=timeout,
            backoff=backoff,
            sleep=self.slept.append,
        )


@pytest.fixture
def fake() -> Iterator[FakeGmail]:
    with FakeGmail(account=ALEX, seed=11) as server:
        yield server


@pytest.fixture
def opened(fake: FakeGmail) -> Opened:
    return Opened(fake)


def sent_by_user(fake: FakeGmail, opened: Opened) -> tuple[str, str]:
    """Create the thank-you draft, poll, and let the user send it; return (draft, sent) ids."""
    draft = opened.box.create_draft(letter(), thread_id="")
    polled(opened.box, watch({KEY: draft.draft_id}))
    return draft.draft_id, fake.user_sends_draft(draft.draft_id)


# --- cost ---------------------------------------------------------------------------------


@pytest.mark.parametrize("threads", [10, 100, 1000])
def test_an_idle_poll_is_one_history_list_whatever_is_tracked(
    fake: FakeGmail, opened: Opened, threads: int
) -> None:
    tracked = tuple(
        fake.message(fake.user_sends_message(to=DANA, subject=f"Note {n}")).thread_id
        for n in range(threads)
    )
    drafts = {
        f"acme/followup-{n}/{DANA}": opened.box.create_draft(letter(), thread_id="").draft_id
        for n in range(3)
    }
    opened.state["at"] = fake.history_id  # where an earlier poll left off
    calls, units = len(fake.requests()), fake.quota_used()

    poll = polled(opened.box, watch(drafts, tracked))

    idle_calls = [r.method for r in fake.requests()[calls:]]
    idle_units = fake.quota_used() - units
    print(
        f"\n{threads} tracked threads: one idle poll = {len(idle_calls)} request(s), "
        f"{idle_units} quota units; a day at 60s = {POLLS_PER_DAY * len(idle_calls)} requests, "
        f"{POLLS_PER_DAY * idle_units} units"
    )
    assert (idle_calls, idle_units) == (["history.list"], 2)
    assert (poll.approved, poll.declined, poll.seen) == ({}, (), ())


def test_unrelated_mail_costs_one_header_read_each_and_is_not_reported(
    fake: FakeGmail, opened: Opened
) -> None:
    polled(opened.box, watch())
    calls = len(fake.requests())
    fake.deliver_new_thread(sender="news@unrelated.example", subject="Weekly digest")
    fake.deliver_new_thread(sender="friend@elsewhere.example", subject="Dinner")

    assert polled(opened.box, watch()).seen == ()
    methods = [r.method for r in fake.requests()[calls:]]
    assert methods == ["history.list", "messages.get", "messages.get"]
    assert all(r.query["format"] == ["metadata"] for r in fake.requests("messages.get"))


# --- history expired, position kept -----------------------------------------------------------


def test_expired_history_falls_back_to_a_full_check_and_a_new_baseline(
    fake: FakeGmail, opened: Opened
) -> None:
    _, sent_id = sent_by_user(fake, opened)
    thread = fake.message(sent_id).thread_id
    polled(opened.box, watch(threads=(thread,)))
    reply = fake.deliver_reply(sent_id, sender=f"Dana Smith <{DANA}>")
    fake.expire_history()

    poll = polled(opened.box, watch(threads=(thread,)))

    assert [(s.mailbox_id, s.kind) for s in poll.seen] == [(reply, Kind.HUMAN)]
    assert [r.status for r in fake.requests("history.list")][-1] == 404
    assert opened.state["at"] == fake.history_id
    calls = len(fake.requests())
    polled(opened.box, watch(threads=(thread,)))
    assert [r.method for r in fake.requests()[calls:]] == ["history.list"]


def test_the_position_survives_a_restart(fake: FakeGmail, tmp_path: Path) -> None:
    def reopen(store: Store) -> GmailMailbox:
        return open_gmail(
            load_token=fake.authorized_user_info,
            api_endpoint=fake.url,
            token_uri=fake.token_uri,
            position=Position(
                lambda: store.get(POSITION_NAME), lambda v: store.put(POSITION_NAME, v)
            ),
            clock=now,
        )

    with Store.open(tmp_path) as store:
        polled(reopen(store), watch())
    reply = fake.deliver_new_thread(sender=DANA, subject="Hello again")
    with Store.open(tmp_path) as store:
        seen = polled(reopen(store), watch()).seen
    assert [s.mailbox_id for s in seen] == [reply]
    assert len(fake.requests("getProfile")) == 1  # the second run did not start over


# --- retries of reads -------------------------------------------------------------------------


def test_rate_limited_reads_wait_as_long_as_gmail_asks(fake: FakeGmail, opened: Opened) -> None:
    polled(opened.box, watch())
    fake.fail("history.list", 429, retry_after=7, times=2)

    polled(opened.box, watch())

    assert opened.slept == [7.0, 7.0]
    assert [r.status for r in fake.requests("history.list")][-3:] == [429, 429, 200]


@pytest.mark.parametrize(
    ("status", "reason"),
    [(403, "userRateLimitExceeded"), (403, "rateLimitExceeded"), (500, None), (503, None)],
)
def test_reads_back_off_exponentially_with_jitter(
    fake: FakeGmail, opened: Opened, status: int, reason: str | None
) -> None:
    polled(opened.box, watch())
    fake.fail("history.list", status, reason=reason, times=3)

    polled(opened.box, watch())

    assert len(opened.slept) == 3
    for attempt, waited in enumerate(opened.slept):
        assert 2**attempt / 2 <= waited <= 2**attempt  # first 1s, doubled, jittered down to half


def test_a_read_whose_connection_dropped_is_read_again(fake: FakeGmail, opened: Opened) -> None:
    sent_by_user(fake, opened)
    fake.drop_connection("threads.get")
    tail = opened.box.thread_tail(fake.messages("SENT")[0].thread_id)
    assert tail is not None and len(fake.requests("threads.get")) == 2


def test_reads_give_up_after_a_bounded_wait(fake: FakeGmail, opened: Opened) -> None:
    polled(opened.box, watch())
    fake.fail("history.list", 503, times=50)

    with pytest.raises(MailboxError, match="503") as caught:
        polled(opened.box, watch())

    assert not isinstance(caught.value, OutcomeUnknown)
    assert len(fake.requests("history.list")) == QUICK.attempts
    assert sum(opened.slept) <= QUICK.budget


def test_a_wait_longer_than_the_budget_is_not_waited(fake: FakeGmail, opened: Opened) -> None:
    polled(opened.box, watch())
    fake.fail("history.list", 429, retry_after=3600)
    with pytest.raises(MailboxError, match="429"):
        polled(opened.box, watch())
    assert opened.slept == []


def test_a_daily_limit_is_not_retried(fake: FakeGmail, opened: Opened) -> None:
    fake.fail("getProfile", 403, reason="dailyLimitExceeded")
    with pytest.raises(MailboxError, match="Daily Limit"):
        polled(opened.box, watch())
    assert (len(fake.requests("getProfile")), opened.slept) == (1, [])


# --- writes: exactly once -----------------------------------------------------------------


def test_a_500_after_a_send_took_effect_is_in_doubt_and_find_settles_it(
    fake: FakeGmail, opened: Opened
) -> None:
    polled(opened.box, watch())
    cursor = opened.box.cursor()
    fake.fail("messages.send", 500, after_effect=True)

    with pytest.raises(OutcomeUnknown):
        opened.box.send(letter(), thread_id="")
    found = opened.box.find(KEY, since=cursor)

    [sent] = fake.messages("SENT")
    assert len(fake.requests("messages.send")) == 1 and opened.slept == []
    assert found is not None and found.mailbox_id == sent.id
    assert found.sent_at == datetime.fromtimestamp(sent.internal_date / 1000, UTC)


def test_a_500_before_the_effect_is_in_doubt_too_and_find_says_not_sent(
    fake: FakeGmail, opened: Opened
) -> None:
    polled(opened.box, watch())
    cursor = opened.box.cursor()
    fake.fail("messages.send", 500, after_effect=False)
    with pytest.raises(OutcomeUnknown):
        opened.box.send(letter(), thread_id="")
    assert opened.box.find(KEY, since=cursor) is None
    assert fake.messages("SENT") == []


def test_a_dropped_connection_on_drafts_create_is_never_sent_again(
    fake: FakeGmail, opened: Opened
) -> None:
    polled(opened.box, watch())
    cursor = opened.box.cursor()
    fake.drop_connection("drafts.create")

    with pytest.raises(OutcomeUnknown, match="closed before Gmail answered"):
        opened.box.create_draft(letter(), thread_id="")

    [draft] = fake.drafts()
    assert len(fake.requests("drafts.create")) == 1
    found = opened.box.find(KEY, since=cursor)
    assert found is not None and found.draft_id == draft.id


def test_a_create_that_times_out_is_in_doubt(fake: FakeGmail) -> None:
    opened = Opened(fake, timeout=0.5)
    fake.delay("drafts.create", 2)
    with pytest.raises(OutcomeUnknown, match="TimeoutError"):
        opened.box.create_draft(letter(), thread_id="")
    assert len(fake.requests("drafts.create")) == 1 and len(fake.drafts()) == 1


def test_a_create_refused_by_the_rate_limit_is_made_once_after_waiting(
    fake: FakeGmail, opened: Opened
) -> None:
    fake.fail("drafts.create", 429, retry_after=2)
    opened.box.create_draft(letter(), thread_id="")
    assert [r.status for r in fake.requests("drafts.create")] == [429, 200]
    assert (len(fake.drafts()), opened.slept) == (1, [2.0])


def test_a_create_that_cannot_connect_certainly_did_nothing(fake: FakeGmail) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    box = open_gmail(
        load_token=fake.authorized_user_info,
        api_endpoint=closed,
        token_uri=fake.token_uri,
        position=Position(lambda: "", lambda at: None),
        clock=now,
    )
    with pytest.raises(MailboxError, match="cannot connect") as caught:
        box.create_draft(letter(), thread_id="")
    assert not isinstance(caught.value, OutcomeUnknown)


def test_https_endpoints_use_the_tls_connection_that_reports_failures() -> None:
    http = OneShotHttp(timeout=2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectFailed):
        http.request(f"https://127.0.0.1:{port}/gmail/v1/users/me/profile")
    [connection] = http.connections.values()
    assert isinstance(connection, OneShotHTTPSConnection)
    assert isinstance(connection, httplib2.HTTPSConnectionWithTimeout)


def test_a_draft_in_a_thread_that_is_gone_is_refused(opened: Opened) -> None:
    with pytest.raises(Rejected, match="404"):
        opened.box.create_draft(letter(), thread_id="0123456789abcdef")


def test_a_sent_message_is_recorded_with_the_message_id_gmail_gave_it(
    fake: FakeGmail, opened: Opened
) -> None:
    ours = letter()
    placed = opened.box.send(ours, thread_id="")
    stored = fake.message(placed.mailbox_id)
    assert placed.message_id == stored.header("Message-ID") != ours["Message-ID"]
    assert placed.sent_at == datetime.fromtimestamp(stored.internal_date / 1000, UTC)


def test_find_after_the_history_expired_searches_the_sent_mail(
    fake: FakeGmail, opened: Opened
) -> None:
    polled(opened.box, watch())
    cursor = opened.box.cursor()
    opened.box.send(letter(), thread_id="")
    opened.box.send(letter("acme/thank_you/sam@acme.com"), thread_id="")
    fake.expire_history()
    found = opened.box.find(KEY, since=cursor)
    assert found is not None and found.mailbox_id == fake.messages("SENT")[0].id
    assert fake.requests("messages.list")[-1].query["q"] == [
        "in:sent to:dana@acme.com newer_than:90d"
    ]


# --- approvals in the Gmail UI ---------------------------------------------------------------


def test_a_draft_sent_after_a_subject_edit_is_approved_in_its_new_thread(
    fake: FakeGmail, opened: Opened
) -> None:
    draft = opened.box.create_draft(letter(), thread_id="")
    polled(opened.box, watch({KEY: draft.draft_id}))
    fake.user_edits_draft(draft.draft_id, subject="Thanks again for today")
    edited = polled(opened.box, watch({KEY: draft.draft_id}, (draft.thread_id,)))
    sent_id = fake.user_sends_draft(draft.draft_id)

    poll = polled(opened.box, watch({KEY: draft.draft_id}, (draft.thread_id,)))

    assert (edited.approved, edited.declined) == ({}, ())
    approved = poll.approved[KEY]
    assert approved.mailbox_id == sent_id and approved.thread_id != draft.thread_id
    assert approved.thread_id == fake.message(sent_id).thread_id and poll.declined == ()


def test_edited_and_sent_between_two_polls_is_still_approved(
    fake: FakeGmail, opened: Opened
) -> None:
    draft = opened.box.create_draft(letter(), thread_id="")
    polled(opened.box, watch({KEY: draft.draft_id}))
    sent_id = fake.user_sends_draft(draft.draft_id, subject="A new subject")
    poll = polled(opened.box, watch({KEY: draft.draft_id}, (draft.thread_id,)))
    assert poll.approved[KEY].mailbox_id == sent_id


def test_a_draft_given_to_schedule_send_is_approved_when_it_goes_out(
    fake: FakeGmail, opened: Opened
) -> None:
    draft = opened.box.create_draft(letter(), thread_id="")
    polled(opened.box, watch({KEY: draft.draft_id}))
    waiting = fake.user_schedules_draft(draft.draft_id)
    # the draft left Drafts before anything was sent: as far as Gmail says, it is gone
    gone = polled(opened.box, watch({KEY: draft.draft_id}, (draft.thread_id,)))
    after_gone = replace(watch(threads=(draft.thread_id,)), declined=(KEY,))
    still_waiting = polled(opened.box, after_gone)
    fake.scheduled_send_goes_out(waiting)

    poll = polled(opened.box, after_gone)

    assert (gone.approved, gone.declined) == ({}, (KEY,))
    assert (still_waiting.approved, still_waiting.seen) == ({}, ())
    assert poll.approved[KEY].mailbox_id == waiting and poll.seen == ()
    assert poll.approved[KEY].thread_id == draft.thread_id


def test_a_nudge_carries_the_reply_headers_gmail_needs(fake: FakeGmail, opened: Opened) -> None:
    _, sent_id = sent_by_user(fake, opened)
    thread = fake.message(sent_id).thread_id
    reply_id = fake.deliver_reply(sent_id, sender=f"Dana Smith <{DANA}>")
    tail = opened.box.thread_tail(thread)
    assert tail is not None
    nudge = letter("acme/followup-1/dana@acme.com", subject=f"Re: {tail.subject}")
    nudge["In-Reply-To"] = tail.message_id
    nudge["References"] = f"{tail.references} {tail.message_id}"

    placed = opened.box.create_draft(nudge, thread_id=thread)

    reply = fake.message(reply_id)
    stored = fake.drafts()[0].message
    assert placed.thread_id == thread == stored.thread_id
    assert stored.header("In-Reply-To") == reply.header("Message-ID")
    assert (stored.header("References") or "").split() == [
        fake.message(sent_id).header("Message-ID"),
        reply.header("Message-ID"),
    ]
    assert fake.requests("drafts.create")[-1].body["message"]["threadId"] == thread


# --- signing in ---------------------------------------------------------------------------------


def test_a_revoked_token_asks_to_sign_in_again(fake: FakeGmail, opened: Opened) -> None:
    polled(opened.box, watch())
    fake.revoke_token()
    with pytest.raises(AuthError, match="`followup-mailer auth login`") as caught:
        polled(opened.box, watch())
    assert "invalid_grant" in str(caught.value) and fake.refresh_token not in str(caught.value)


def test_a_new_sign_in_is_picked_up_without_a_restart(fake: FakeGmail, opened: Opened) -> None:
    polled(opened.box, watch())
    fake.revoke_token()
    with pytest.raises(AuthError):
        polled(opened.box, watch())
    fake.grant_refresh_token()  # `auth login` stores a new token: the fake hands it out now
    reply = fake.deliver_new_thread(sender=DANA, subject="Hello")
    assert [s.mailbox_id for s in polled(opened.box, watch()).seen] == [reply]


def test_a_sign_in_without_the_gmail_scopes_asks_to_sign_in_again() -> None:
    login = r"invalid_scope.*`followup-mailer auth login`"
    with FakeGmail(account=ALEX, scopes=(COMPOSE,)) as fake, pytest.raises(AuthError, match=login):
        Opened(fake).box.poll(watch())


def test_a_token_gmail_finds_short_of_scopes_asks_to_sign_in_again(
    fake: FakeGmail, opened: Opened
) -> None:
    fake.fail("getProfile", 403, reason="insufficientPermissions")
    with pytest.raises(AuthError, match=r"gmail\.readonly\).*`followup-mailer auth login`"):
        polled(opened.box, watch())


def test_open_mailbox_uses_the_configured_endpoints_and_scopes(
    fake: FakeGmail, make_settings: MakeSettings, tmp_path: Path
) -> None:
    settings = make_settings(
        delivery={"backend": "gmail"},
        gmail={"api_endpoint": fake.url, "token_uri": fake.token_uri, "token_store": "file"},
    )
    tokens = token_store(kind="file", account=ALEX, state_dir=settings.state_dir)
    tokens.save(fake.authorized_user_info() | {"token_uri": "https://oauth2.googleapis.com/token"})

    with Store.open(settings.state_dir) as store:
        polled(open_mailbox(settings, clock=now, store=store), watch())
        position = store.get(POSITION_NAME)

    [refresh] = fake.requests("oauth.token")
    assert refresh.body["refresh_token"] == fake.refresh_token
    assert sorted(refresh.body["scope"].split()) == sorted([COMPOSE, READONLY])
    assert position == fake.history_id


def test_open_mailbox_without_a_token_says_how_to_sign_in(make_settings: MakeSettings) -> None:
    settings = make_settings(delivery={"backend": "gmail"}, gmail={"token_store": "file"})
    with pytest.raises(AuthError, match=r"not signed in.*`followup-mailer auth login`"):
        open_mailbox(settings, clock=now)


def test_a_poll_not_acknowledged_is_reported_again(fake: FakeGmail, opened: Opened) -> None:
    polled(opened.box, watch())
    thread = fake.deliver_new_thread(sender="dana@acme.com", subject="Next steps")
    first = opened.box.poll(watch(threads=(thread,)))  # a crash before it is recorded...
    again = opened.box.poll(watch(threads=(thread,)))  # ...repeats it on the next start
    assert [s.mailbox_id for s in first.seen] == [s.mailbox_id for s in again.seen] != []
    opened.box.acknowledge(again.cursor)
    assert opened.box.poll(watch(threads=(thread,))).seen == ()
