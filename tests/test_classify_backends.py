"""What the backends ask of the classifier: whether to read a message whole (`needs_body`),
and whether a stranger's message concerns what they watch (`concerns`)."""

from __future__ import annotations

from email.utils import format_datetime

import pytest

from followup_mailer.mailbox.classify import Classified, concerns, needs_body
from followup_mailer.model import Kind
from tests.mailshapes import SENT


def headers(**extra: str) -> dict[str, str]:
    """Return the headers of a plain reply from the interviewer, with some added or changed."""
    fields = {
        "From": "Dana Smith <dana@acme.com>",
        "To": "alex@example.com",
        "Subject": "Re: Thank you for today",
        "Date": format_datetime(SENT),
    }
    return fields | extra


@pytest.mark.parametrize(
    "extra",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Subject": "Automatic reply: Thank you"},
        {"From": "MAILER-DAEMON@mx.acme.com"},
        {"Subject": "Undeliverable: Thank you"},
        {"Content-Type": 'multipart/report; report-type="delivery-status"; boundary="b"'},
        {"Content-Type": "multipart/report; boundary=b"},
        {"Return-Path": "<>"},
        {"Precedence": "bulk"},
        {"Content-Type": "text/calendar; method=REQUEST"},
        {"Content-Class": "urn:content-classes:calendarmessage"},
        {"Subject": "Invitation: Onsite interview", "Content-Type": "multipart/mixed; boundary=b"},
        {"From": "calendar-notification@google.com", "Content-Type": "multipart/mixed; b=1"},
    ],
)
def test_a_message_that_may_be_a_machine_s_is_read_whole(extra: dict[str, str]) -> None:
    assert needs_body(headers(**extra))


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"Content-Type": 'multipart/alternative; boundary="b"'},
        {"Content-Type": 'multipart/mixed; boundary="b"', "Subject": "Re: the slides"},
        {"Subject": "Re: Invitation: Onsite interview"},
        {"Precedence": "list", "List-Id": "<jobs.acme.com>"},
    ],
)
def test_a_person_s_reply_is_not_read_whole(extra: dict[str, str]) -> None:
    assert not needs_body(headers(**extra))


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        (Classified(Kind.BOUNCE, bounced=("dana@acme.com",)), True),
        (Classified(Kind.BOUNCE, bounced=("sam@other.org",)), False),
        (Classified(Kind.BOUNCE, returned=("<thanks.1@example.com>",)), True),
        (Classified(Kind.BOUNCE, returned=("acme-onsite/thank_you/kim@acme.com",)), True),
        (Classified(Kind.BOUNCE, returned=("other/thank_you/kim@other.org", "<x@y>")), False),
        (Classified(Kind.INVITE, organizer="recruiting@acme.com"), True),
        (Classified(Kind.INVITE, organizer="someone@else.org"), False),
        (Classified(Kind.AUTO), False),
        (Classified(Kind.HUMAN), False),
    ],
)
def test_a_stranger_s_message_concerns_the_watch_only_through_what_it_names(
    verdict: Classified, expected: bool
) -> None:
    found = concerns(
        verdict,
        addresses={"dana@acme.com"},
        domains={"acme.com"},
        message_ids={"<thanks.1@example.com>"},
    )
    assert found is expected
