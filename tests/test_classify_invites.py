"""Calendar invitations for a next round, told from calendar answers and from people's mail.

Fixtures follow the layouts of Google Calendar (text/calendar in multipart/alternative
plus an .ics attachment), Outlook (Content-Class and a text/calendar alternative) and
iCloud or scheduling tools (an .ics attachment), written in tests/mailshapes.py.
"""

from __future__ import annotations

import ast
import inspect
from types import ModuleType

import pytest

from followup_mailer.mailbox import classify, invites, mailparts
from followup_mailer.mailbox.classify import Classified, needs_body
from followup_mailer.model import Kind
from tests.mailshapes import calendar, invitation, judge, parse


@pytest.mark.parametrize(
    ("frm", "subject", "layout", "extra"),
    [
        ("Dana Smith <dana@acme.com>", "Invitation: Onsite interview", "google", ""),
        (
            "Google Calendar <calendar-notification@google.com>",
            "Updated invitation: Onsite interview",
            "google",
            "Sender: Google Calendar <calendar-notification@google.com>\n",
        ),
        ("Dana Smith <dana@acme.com>", "Onsite interview - Alex Rivera", "outlook", ""),
        ("Dana Smith <noreply@email.apple.com>", "Onsite interview", "attachment", ""),
        ("Dana Smith <dana@acme.com>", "Einladung: Vor-Ort-Gespräch", "attachment", ""),
    ],
)
def test_an_invitation_is_an_invite_with_the_organizer_of_its_event(
    frm: str, subject: str, layout: str, extra: str
) -> None:
    raw = invitation(frm=frm, subject=subject, layout=layout, extra=extra)
    assert needs_body(parse(raw)[0])
    assert judge(raw) == Classified(Kind.INVITE, organizer="dana@acme.com")


@pytest.mark.parametrize(
    "organizer",
    [
        "ORGANIZER;CN=Dana Smith:MAILTO:Dana@Acme.com",
        'ORGANIZER;CN="Smith: Dana";SENT-BY="mailto:kim@acme.com":mailto:dana@acme.com',
        "ORGANIZER;CN=Dana Smith:mailto:dana@\r\n acme.com",
        "ORGANIZER;EMAIL=dana@acme.com;CN=Dana Smith:urn:uuid:1234",
    ],
)
def test_the_organizer_is_read_whatever_its_parameters(organizer: str) -> None:
    raw = invitation(organizer=organizer)
    assert judge(raw) == Classified(Kind.INVITE, organizer="dana@acme.com")


@pytest.mark.parametrize(
    ("method", "subject"),
    [
        ("REPLY", "Accepted: Onsite interview"),
        ("REPLY", "Declined: Onsite interview"),
        ("CANCEL", "Canceled event: Onsite interview"),
        ("COUNTER", "New time proposed: Onsite interview"),
    ],
)
def test_calendar_answers_and_cancellations_are_machine_mail(method: str, subject: str) -> None:
    raw = invitation(method=method, subject=subject, layout="outlook")
    assert judge(raw) == Classified(Kind.AUTO)


def test_a_published_calendar_is_not_an_invitation() -> None:
    raw = invitation(method="PUBLISH", subject="Invitation: our office holidays")
    assert judge(raw).kind is Kind.HUMAN


def test_a_person_forwarding_an_invitation_is_a_person() -> None:
    forwarded = invitation()
    raw = (
        "From: Dana Smith <dana@acme.com>\nTo: alex@example.com\nSubject: Fwd: Invitation\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="F"\n\n--F\nContent-Type: '
        "text/plain\n\nSee below.\n--F\nContent-Type: message/rfc822\n\n" + forwarded + "\n--F--\n"
    )
    assert judge(raw).kind is Kind.HUMAN


def test_an_invitation_whose_method_is_only_in_its_content_type_is_still_one() -> None:
    raw = invitation(layout="outlook").replace("METHOD:REQUEST\r\n", "")
    assert judge(raw) == Classified(Kind.INVITE, organizer="dana@acme.com")


def test_a_calendar_sent_as_the_whole_message_is_read() -> None:
    raw = (
        "From: Dana Smith <dana@acme.com>\nTo: alex@example.com\nSubject: Onsite interview\n"
        "MIME-Version: 1.0\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\n\n"
        + calendar("REQUEST")
    )
    assert judge(raw) == Classified(Kind.INVITE, organizer="dana@acme.com")


def test_a_bounce_of_an_invitation_is_a_bounce() -> None:
    raw = invitation(frm="MAILER-DAEMON@mx.acme.com", subject="Undeliverable: Onsite interview")
    assert judge(raw).kind is Kind.BOUNCE


@pytest.mark.parametrize("module", [classify, invites, mailparts])
def test_reading_invitations_imports_no_calendar_library(module: ModuleType) -> None:
    tree = ast.parse(inspect.getsource(module))
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        + [alias.name for alias in node.names]
    }
    assert not any(name.startswith("icalendar") for name in imported)
