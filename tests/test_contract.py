"""One contract, two mailboxes: Maildir on a temp folder, Gmail on the local fake server.

Each backend gets a World: the mailbox under test, plus the moves of the user
(send or delete a draft, write by hand) and of the other side (reply,
auto-reply, bounce, a new thread). The assertions are shared: what a poll
reports after each move, what find() settles after a crash, and what a reply
is threaded under.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

import pytest

from followup_mailer.mailbox.gmail import Position, open_gmail
from followup_mailer.mailbox.maildir import MaildirMailbox
from followup_mailer.mailbox.protocol import Mailbox, Poll, ThreadTail, Watch
from followup_mailer.model import KEY_HEADER, Kind, Placed, Seen
from tests import mailtools
from tests.conftest import polled
from tests.fakegmail import FakeGmail

ALEX = "alex@example.com"
DANA = "dana@acme.com"
SAM = "sam@acme.com"
KEY = "acme/thank_you/dana@acme.com"
NUDGE_KEY = "acme/followup-1/dana@acme.com"


def now() -> datetime:
    return datetime.now(UTC)


def letter(key: str = KEY, *, tail: ThreadTail | None = None) -> EmailMessage:
    """Build a message as the composer does: key header, and reply headers after a tail."""
    message = EmailMessage()
    message["From"] = f"Alex Rivera <{ALEX}>"
    message["To"] = f"Dana Smith <{DANA}>"
    message["Subject"] = f"Re: {tail.subject}" if tail else "Thank you for today"
    message["Date"] = format_datetime(now())
    message["Message-ID"] = make_msgid(domain="example.com")
    if tail:
        message["In-Reply-To"] = tail.message_id
        message["References"] = f"{tail.references} {tail.message_id}".strip()
    message[KEY_HEADER] = key
    message.set_content("Dear Dana,\n\nThank you for your time today.\n\nAlex Rivera\n")
    return message


def watch(drafts: dict[str, str] | None = None, threads: tuple[str, ...] = ()) -> Watch:
    return Watch(
        drafts=drafts or {},
        threads=threads,
        addresses={DANA, SAM},
        domains={"acme.com"},
        own={ALEX},
    )


class World(Protocol):
    """A mailbox and the moves the user and the other side make around it."""

    mailbox: Mailbox

    def approve(self, key: str) -> None: ...

    def decline(self, key: str) -> None: ...

    def reply(self, key: str, *, sender: str) -> None: ...

    def auto_reply(self, key: str, *, sender: str, back: date) -> None: ...

    def bounce(self, key: str, *, recipient: str) -> None: ...

    def new_thread(self, *, sender: str, subject: str) -> None: ...

    def by_hand(self, *, to: str, subject: str) -> None: ...


class MaildirWorld:
    """Maildir folders, with the user's mail client and the world's mail played by mailtools."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path / "mail"
        script = tmp_path / "sendmail"
        script.write_text("#!/bin/sh\ncat > /dev/null\n")
        script.chmod(0o755)
        self.mailbox: Mailbox = MaildirMailbox(self.root, sendmail=[str(script)], clock=now)
        self._last = now() - timedelta(hours=1)

    def _now(self) -> datetime:
        """Return a later second for each move: a Date header has no finer resolution."""
        self._last = max(now().replace(microsecond=0), self._last + timedelta(seconds=1))
        return self._last

    def _sent(self, key: str) -> EmailMessage:
        path = mailtools.find_by_key(self.root, "Sent", key)
        assert path is not None
        return mailtools.read(path)

    def approve(self, key: str) -> None:
        mailtools.approve_draft(self.root, key, sent_at=self._now())

    def decline(self, key: str) -> None:
        mailtools.decline_draft(self.root, key)

    def reply(self, key: str, *, sender: str) -> None:
        sent = self._sent(key)
        mailtools.deliver_reply(
            self.root,
            frm=sender,
            to=ALEX,
            subject=f"Re: {sent['Subject']}",
            date=self._now(),
            in_reply_to=str(sent["Message-ID"]),
        )

    def auto_reply(self, key: str, *, sender: str, back: date) -> None:
        sent = self._sent(key)
        mailtools.deliver_auto_reply(
            self.root,
            frm=sender,
            to=ALEX,
            subject=f"Automatic reply: {sent['Subject']}",
            date=self._now(),
            in_reply_to=str(sent["Message-ID"]),
            body=f"I am out of the office. I will be back on {back:%B %d, %Y}.\n",
        )

    def bounce(self, key: str, *, recipient: str) -> None:
        sent = self._sent(key)
        mailtools.deliver_bounce(
            self.root,
            failed_recipient=recipient,
            original_message_id=str(sent["Message-ID"]),
            original_subject=str(sent["Subject"]),
            date=self._now(),
        )

    def new_thread(self, *, sender: str, subject: str) -> None:
        mailtools.deliver_reply(self.root, frm=sender, to=ALEX, subject=subject, date=self._now())

    def by_hand(self, *, to: str, subject: str) -> None:
        mailtools.send_by_hand(self.root, frm=ALEX, to=to, subject=subject, date=self._now())


class GmailWorld:
    """The fake Gmail server, its UI moves and inbound mail, and the real Gmail client."""

    def __init__(self, fake: FakeGmail) -> None:
        self.fake = fake
        state: dict[str, str] = {}
        self.mailbox: Mailbox = open_gmail(
            load_token=fake.authorized_user_info,
            api_endpoint=fake.url,
            token_uri=fake.token_uri,
            position=Position(
                load=lambda: state.get("at", ""), save=lambda at: state.update(at=at)
            ),
            clock=now,
        )

    def _sent_id(self, key: str) -> str:
        [sent] = [m for m in self.fake.find_by_header(KEY_HEADER, key) if "SENT" in m.label_ids]
        return sent.id

    def _draft_id(self, key: str) -> str:
        [draft] = [d for d in self.fake.drafts() if d.message.header(KEY_HEADER) == key]
        return draft.id

    def approve(self, key: str) -> None:
        self.fake.user_sends_draft(self._draft_id(key))

    def decline(self, key: str) -> None:
        self.fake.user_deletes_draft(self._draft_id(key))

    def reply(self, key: str, *, sender: str) -> None:
        self.fake.deliver_reply(self._sent_id(key), sender=sender)

    def auto_reply(self, key: str, *, sender: str, back: date) -> None:
        self.fake.deliver_auto_reply(
            self._sent_id(key), sender=sender, return_date=f"{back:%B %d, %Y}"
        )

    def bounce(self, key: str, *, recipient: str) -> None:
        self.fake.deliver_bounce(self._sent_id(key), recipient=recipient)

    def new_thread(self, *, sender: str, subject: str) -> None:
        self.fake.deliver_new_thread(sender=sender, subject=subject)

    def by_hand(self, *, to: str, subject: str) -> None:
        self.fake.user_sends_message(to=to, subject=subject)


@pytest.fixture(params=["maildir", "gmail"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "maildir":
        yield MaildirWorld(tmp_path)
        return
    with FakeGmail(account=ALEX, seed=3) as fake:
        yield GmailWorld(fake)


def sent_thank_you(world: World) -> Placed:
    """Create the thank-you draft, let the user send it, and return where it was sent."""
    draft = world.mailbox.create_draft(letter(), thread_id="")
    polled(world.mailbox, watch({KEY: draft.draft_id}))
    world.approve(KEY)
    return polled(world.mailbox, watch({KEY: draft.draft_id}, (draft.thread_id,))).approved[KEY]


def seen_after(world: World, ours: Placed) -> tuple[Seen, ...]:
    return polled(world.mailbox, watch(threads=(ours.thread_id,))).seen


def only(poll: Poll | tuple[Seen, ...], kind: Kind) -> Seen:
    seen = poll.seen if isinstance(poll, Poll) else poll
    [found] = [s for s in seen if s.kind is kind]
    return found


# --- drafts: waiting, approved, declined ------------------------------------------------


def test_a_waiting_draft_is_neither_approved_nor_declined(world: World) -> None:
    draft = world.mailbox.create_draft(letter(), thread_id="")
    first = polled(world.mailbox, watch({KEY: draft.draft_id}))
    again = polled(world.mailbox, watch({KEY: draft.draft_id}, (draft.thread_id,)))
    assert draft.draft_id and draft.thread_id and draft.sent_at is None
    assert (first.approved, first.declined, again.approved, again.declined) == ({}, (), {}, ())


def test_a_draft_the_user_sends_is_approved_in_its_thread(world: World) -> None:
    before = now().replace(microsecond=0)
    draft = world.mailbox.create_draft(letter(), thread_id="")
    polled(world.mailbox, watch({KEY: draft.draft_id}))
    world.approve(KEY)
    poll = polled(world.mailbox, watch({KEY: draft.draft_id}, (draft.thread_id,)))
    approved = poll.approved[KEY]
    assert approved.thread_id == draft.thread_id
    assert approved.sent_at is not None and approved.sent_at >= before
    assert approved.message_id.startswith("<") and poll.declined == ()
    assert poll.seen == ()  # our own message is no hand-written one


def test_a_draft_the_user_deletes_is_declined(world: World) -> None:
    draft = world.mailbox.create_draft(letter(), thread_id="")
    polled(world.mailbox, watch({KEY: draft.draft_id}))
    world.decline(KEY)
    poll = polled(world.mailbox, watch({KEY: draft.draft_id}, (draft.thread_id,)))
    assert (poll.approved, poll.declined) == ({}, (KEY,))


# --- what arrives -------------------------------------------------------------------------


def test_a_reply_is_a_human_message_in_our_thread(world: World) -> None:
    ours = sent_thank_you(world)
    world.reply(KEY, sender=f"Dana Smith <{DANA}>")
    reply = only(seen_after(world, ours), Kind.HUMAN)
    assert (reply.sender, reply.thread_id) == (DANA, ours.thread_id)
    assert ours.sent_at is not None and reply.date >= ours.sent_at
    assert reply.subject.startswith("Re: ") and reply.message_id != ours.message_id


def test_an_auto_reply_is_no_reply_and_tells_the_return_date(world: World) -> None:
    ours = sent_thank_you(world)
    back = date(now().year + 1, 1, 15)
    world.auto_reply(KEY, sender=DANA, back=back)
    auto = only(seen_after(world, ours), Kind.AUTO)
    assert auto.return_date == back
    assert auto.thread_id == ours.thread_id


def test_a_bounce_names_the_recipient_that_failed(world: World) -> None:
    ours = sent_thank_you(world)
    world.bounce(KEY, recipient=DANA)
    bounce = only(seen_after(world, ours), Kind.BOUNCE)
    assert bounce.bounced == (DANA,)


def test_someone_from_the_company_writing_in_another_thread_is_seen(world: World) -> None:
    ours = sent_thank_you(world)
    world.new_thread(sender=f"Sam Lee <{SAM}>", subject="Next steps")
    world.new_thread(sender="news@unrelated.example", subject="Weekly digest")
    seen = seen_after(world, ours)
    assert [(s.kind, s.sender) for s in seen] == [(Kind.HUMAN, SAM)]
    assert seen[0].thread_id != ours.thread_id


def test_a_message_the_user_writes_by_hand_is_own(world: World) -> None:
    ours = sent_thank_you(world)
    world.by_hand(to=DANA, subject="One more thing")
    world.by_hand(to="friend@elsewhere.example", subject="Dinner")
    own = only(seen_after(world, ours), Kind.OWN)
    assert (own.sender, own.recipients) == (ALEX, (DANA,))


# --- crash settlement and threading -------------------------------------------------------


def test_find_settles_a_draft_created_before_a_crash(world: World) -> None:
    polled(world.mailbox, watch())
    cursor = world.mailbox.cursor()
    draft = world.mailbox.create_draft(letter(), thread_id="")
    found = world.mailbox.find(KEY, since=cursor)
    assert found is not None
    assert (found.draft_id, found.thread_id, found.sent_at) == (
        draft.draft_id,
        draft.thread_id,
        None,
    )
    assert world.mailbox.find(NUDGE_KEY, since=cursor) is None


def test_find_settles_a_send_made_before_a_crash(world: World) -> None:
    polled(world.mailbox, watch())
    cursor = world.mailbox.cursor()
    sent = world.mailbox.send(letter(), thread_id="")
    found = world.mailbox.find(KEY, since=cursor)
    assert found is not None and found.sent_at is not None and not found.draft_id
    assert (found.thread_id, found.message_id) == (sent.thread_id, sent.message_id)


def test_find_settles_a_draft_the_user_sent_meanwhile(world: World) -> None:
    polled(world.mailbox, watch())
    cursor = world.mailbox.cursor()
    world.mailbox.create_draft(letter(), thread_id="")
    world.approve(KEY)
    found = world.mailbox.find(KEY, since=cursor)
    assert found is not None and found.sent_at is not None


def test_a_nudge_replies_to_the_last_message_by_a_person(world: World) -> None:
    ours = sent_thank_you(world)
    world.reply(KEY, sender=f"Dana Smith <{DANA}>")
    reply = only(seen_after(world, ours), Kind.HUMAN)
    world.auto_reply(KEY, sender=DANA, back=date(now().year + 1, 1, 15))
    world.bounce(KEY, recipient=DANA)
    tail = world.mailbox.thread_tail(ours.thread_id)
    assert tail is not None
    assert (tail.message_id, tail.subject) == (reply.message_id, reply.subject)
    assert ours.message_id in tail.references
    nudge = world.mailbox.create_draft(letter(NUDGE_KEY, tail=tail), thread_id=ours.thread_id)
    assert nudge.thread_id == ours.thread_id


def test_the_tail_of_our_own_first_message_is_that_message(world: World) -> None:
    ours = sent_thank_you(world)
    tail = world.mailbox.thread_tail(ours.thread_id)
    assert tail == ThreadTail(
        message_id=ours.message_id, references="", subject="Thank you for today"
    )
