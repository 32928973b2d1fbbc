"""Both mailboxes report bounces, invitations and delay warnings alike (tests/test_contract.py's
worlds): what they read, what they keep from strangers, and the Seen fields they fill.
"""

from __future__ import annotations

from followup_mailer.model import Kind
from tests import mailtools
from tests.conftest import polled
from tests.mailshapes import invitation, our_message, plain, report, status
from tests.test_contract import (
    KEY,
    GmailWorld,
    MaildirWorld,
    World,
    seen_after,
    sent_thank_you,
    watch,
    world,
)

__all__ = ["world"]  # the fixture, shared with tests/test_contract.py


def deliver(world: World, raw: str) -> None:
    """Put a message from the world into the inbox, in a thread of its own."""
    if isinstance(world, MaildirWorld):
        mailtools.deliver(world.root, raw.encode())
    elif isinstance(world, GmailWorld):
        world.fake.deliver(raw.encode())


def test_a_bounce_gives_back_our_key_and_message_id(world: World) -> None:
    ours = sent_thank_you(world)
    world.bounce(KEY, recipient="dana@acme.com")
    [bounce] = [s for s in seen_after(world, ours) if s.kind is Kind.BOUNCE]
    assert ours.message_id in bounce.returned


def test_a_stranger_s_bounce_returning_our_key_is_seen_though_it_names_no_one_we_watch(
    world: World,
) -> None:
    ours = sent_thank_you(world)
    deliver(
        world,
        plain(
            "MAILER-DAEMON@relay.example.net",
            "failure notice",
            "Hi. This is the qmail-send program at relay.example.net.\nI'm afraid I wasn't able "
            "to deliver your message to the following addresses.\n\n<d.smith@forward.example>:"
            "\n550 no such user\n\n--- Below this line is a copy of the message.\n\n"
            + our_message(to="d.smith@forward.example", key=KEY),
        ),
    )
    deliver(
        world,
        plain(
            "MAILER-DAEMON@relay.example.net",
            "failure notice",
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
            "<friend@elsewhere.example>:\n550 no such user\n",
        ),
    )
    [bounce] = seen_after(world, ours)
    assert (bounce.kind, bounce.returned[0]) == (Kind.BOUNCE, KEY)


def test_an_invitation_from_a_calendar_service_organised_at_the_company_is_seen(
    world: World,
) -> None:
    sent_thank_you(world)
    deliver(world, invitation(frm="Google Calendar <calendar-notification@google.com>"))
    elsewhere = "ORGANIZER;CN=Someone:mailto:someone@elsewhere.example"
    deliver(world, invitation(frm="calendar-notification@google.com", organizer=elsewhere))
    [invite] = polled(world.mailbox, watch()).seen
    assert (invite.kind, invite.organizer) == (Kind.INVITE, "dana@acme.com")
    assert invite.sender == "calendar-notification@google.com"


def test_a_delay_warning_from_a_stranger_about_someone_watched_is_not_kept(world: World) -> None:
    sent_thank_you(world)
    deliver(
        world,
        report(
            frm="MAILER-DAEMON@relay.example.net",
            subject="Delayed Mail (still being retried)",
            prose="THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE.",
            statuses=(status("dana@acme.com", "delayed", "4.4.1"),),
        ),
    )
    assert polled(world.mailbox, watch()).seen == ()
