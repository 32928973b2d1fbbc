"""Telling replies from auto-replies, bounces and our own mail, as the stop rules need."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_mailer.mailbox.classify import Classified, classify, message_text
from followup_mailer.model import Kind
from tests import mailtools

OWN = ("alex@example.com", "alex.rivera@gmail.com")
EST = timezone(timedelta(hours=-5))
SENT = datetime(2026, 11, 20, 9, 30, tzinfo=EST)


def reply(**extra: str) -> dict[str, str]:
    """Return the headers of a plain reply from the interviewer, with some added or changed."""
    headers = {
        "From": "Dana Smith <dana@acme.com>",
        "To": "alex@example.com",
        "Subject": "Re: Thank you for today",
        "Date": format_datetime(SENT),
    }
    return headers | extra


def classify_file(path: Path) -> Classified:
    """Classify a message file the way a backend does: its headers, its text."""
    message = mailtools.read(path)
    headers = {name: str(value) for name, value in message.items()}
    return classify(headers, own=OWN, body_text=message_text(message))


def test_a_person_answering_is_a_human_reply() -> None:
    assert classify(reply(), own=OWN) == Classified(Kind.HUMAN)


@pytest.mark.parametrize("address", ["alex@example.com", "ALEX.Rivera@gmail.com"])
def test_mail_from_the_account_is_own_even_when_marked_automatic(address: str) -> None:
    headers = reply(From=f"Alex <{address}>", **{"Auto-Submitted": "auto-replied"})
    assert classify(headers, own=OWN).kind is Kind.OWN


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Auto-Submitted", "auto-replied"),
        ("Auto-Submitted", "AUTO-REPLIED; x-test=1"),
        ("Auto-Submitted", "auto-generated"),
        ("auto-submitted", "auto-notified"),
        ("X-Autoreply", "yes"),
        ("X-Autorespond", "Out of office"),
        ("X-AUTORESPONDER", ""),
        ("X-Auto-Response-Suppress", "All"),
        ("Precedence", "auto_reply"),
        ("Precedence", "Auto-Reply"),
        ("Precedence", "bulk"),
        ("Precedence", "junk"),
        ("Precedence", "list"),
    ],
)
def test_automatic_mail_is_recognised_by_its_headers(name: str, value: str) -> None:
    assert classify(reply(**{name: value}), own=OWN).kind is Kind.AUTO


@pytest.mark.parametrize(
    ("name", "value"),
    [("Auto-Submitted", "no"), ("Auto-Submitted", " No ; comment"), ("Precedence", "first-class")],
)
def test_headers_that_deny_automation_leave_a_human_reply(name: str, value: str) -> None:
    assert classify(reply(**{name: value}), own=OWN).kind is Kind.HUMAN


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: Thank you for today",
        "Auto reply: Thank you",
        "Auto-Reply: Thank you",
        "AutoReply - away",
        "Out of Office: Thank you",
        "out of the office until Monday",
        "OOO: back Monday",
        "OOF: Thank you",
        "=?utf-8?q?Automatic_reply=3A_Thank_you?=",
    ],
)
def test_out_of_office_subjects_mark_an_auto_reply(subject: str) -> None:
    assert classify(reply(Subject=subject), own=OWN).kind is Kind.AUTO


def test_a_subject_that_only_mentions_an_absence_is_a_human_reply() -> None:
    headers = reply(Subject="Re: Thank you (I was out of office last week)")
    assert classify(headers, own=OWN).kind is Kind.HUMAN


def test_header_names_are_matched_whatever_their_case() -> None:
    headers = {"FROM": "dana@acme.com", "AUTO-SUBMITTED": "auto-replied"}
    assert classify(headers, own=OWN).kind is Kind.AUTO
    assert classify({"from": "ALEX@EXAMPLE.COM"}, own=OWN).kind is Kind.OWN


def test_a_gmail_bounce_is_a_bounce_although_marked_auto_replied(tmp_path: Path) -> None:
    path = mailtools.deliver_bounce(
        tmp_path,
        failed_recipient="dana@acme.com",
        original_message_id="<t1@example.com>",
        date=SENT,
    )
    assert "auto-replied" in mailtools.read(path)["Auto-Submitted"]
    assert classify_file(path) == Classified(Kind.BOUNCE, bounced=("dana@acme.com",))


def test_a_postfix_bounce_names_the_failed_recipient(tmp_path: Path) -> None:
    path = mailtools.deliver_bounce(
        tmp_path,
        failed_recipient="Sam.Lee@Acme.com",
        original_message_id="<t1@example.com>",
        date=SENT,
        style="postfix",
    )
    assert classify_file(path) == Classified(Kind.BOUNCE, bounced=("sam.lee@acme.com",))


@pytest.mark.parametrize("style", ["gmail", "postfix"])
def test_a_delay_warning_is_not_a_bounce(tmp_path: Path, style: str) -> None:
    path = mailtools.deliver_bounce(
        tmp_path,
        failed_recipient="dana@acme.com",
        original_message_id="<t1@example.com>",
        date=SENT,
        action="delayed",
        style=style,
    )
    assert classify_file(path) == Classified(Kind.AUTO)


def test_a_delay_warning_is_not_a_bounce_even_from_its_headers_alone() -> None:
    headers = {
        "From": "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        "Subject": "Delivery Status Notification (Delay)",
    }
    assert classify(headers, own=OWN).kind is Kind.AUTO


@pytest.mark.parametrize(
    "headers",
    [
        {"From": "MAILER-DAEMON@mx.acme.com", "Subject": "failure notice"},
        {"From": "postmaster@acme.com", "Subject": "Returned mail"},
        {"From": "Microsoft Outlook <o@acme.com>", "Subject": "Undeliverable: Thank you"},
        {"From": "mx@acme.com", "Subject": "Undelivered Mail Returned to Sender"},
        {"From": "mx@acme.com", "Subject": "Mail delivery failed: returning message to sender"},
        {"From": "mx@acme.com", "Subject": "Delivery Status Notification (Failure)"},
        {
            "From": "mx@acme.com",
            "Content-Type": 'multipart/report; report-type="delivery-status"; boundary="b"',
        },
    ],
)
def test_bounces_are_recognised_from_headers_alone(headers: dict[str, str]) -> None:
    assert classify(headers, own=OWN).kind is Kind.BOUNCE


def test_the_content_type_may_be_given_apart_from_the_headers() -> None:
    report = "multipart/report; report-type=delivery-status"
    verdict = classify(
        {"From": "mx@acme.com", "X-Failed-Recipients": "Dana@acme.com"},
        own=OWN,
        content_type=report,
    )
    assert verdict == Classified(Kind.BOUNCE, bounced=("dana@acme.com",))


def test_a_read_receipt_is_automatic_not_a_bounce() -> None:
    headers = reply(**{"Content-Type": "multipart/report; report-type=disposition-notification"})
    assert classify(headers, own=OWN).kind is Kind.AUTO


def test_a_report_with_a_failed_and_a_delayed_recipient_names_only_the_failed_one() -> None:
    status = (
        "Reporting-MTA: dns; mx.acme.com\n\n"
        "Final-Recipient: rfc822; dana@acme.com\nAction: delayed\nStatus: 4.4.1\n\n"
        "Original-Recipient: rfc822;sam@acme.com\nFinal-Recipient: rfc822; sam.lee@acme.com\n"
        "Action: Failed\nStatus: 5.1.1\n"
    )
    verdict = classify({"From": "postmaster@acme.com"}, own=OWN, body_text=status)
    assert verdict == Classified(Kind.BOUNCE, bounced=("sam@acme.com", "sam.lee@acme.com"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I will be back on November 30.", date(2026, 11, 30)),
        ("I return on 2026-12-01 and will answer then.", date(2026, 12, 1)),
        ("I am out of the office until Monday 30 November 2026.", date(2026, 11, 30)),
        ("Back on January 5, with limited access until then.", date(2027, 1, 5)),
        ("I'm back on the 5th of January.", date(2027, 1, 5)),
        ("Returning 5th January.", date(2027, 1, 5)),
        ("back Dec. 3rd, 2026", date(2026, 12, 3)),
        ("Away from November 20 until November 29 (travel).", date(2026, 11, 29)),
        ("On leave 2026-11-21 to 2026-11-27.", date(2026, 11, 27)),
        ("Our offices closed on 2025-05-01. I am back on November 30.", date(2026, 11, 30)),
        ("back on 12/01", None),  # day and month order is ambiguous: not guessed
        ("back on November 31", None),
        ("Thanks for your message, I will answer soon.", None),
    ],
)
def test_an_auto_reply_states_when_its_sender_is_back(text: str, expected: date | None) -> None:
    headers = reply(Subject="Automatic reply: Thank you for today")
    assert classify(headers, own=OWN, body_text=text) == Classified(Kind.AUTO, return_date=expected)


def test_a_return_date_without_a_year_needs_the_message_date() -> None:
    headers = {"From": "dana@acme.com", "Auto-Submitted": "auto-replied"}
    assert classify(headers, own=OWN, body_text="back on November 30").return_date is None
    with_year = classify(headers, own=OWN, body_text="back on November 30, 2026")
    assert with_year.return_date == date(2026, 11, 30)


def test_an_exchange_auto_reply_from_the_tools_has_its_return_date(tmp_path: Path) -> None:
    path = mailtools.deliver_auto_reply(
        tmp_path,
        frm="dana@acme.com",
        to="alex@example.com",
        subject="Automatic reply: Hi",
        date=SENT,
    )
    assert classify_file(path) == Classified(Kind.AUTO, return_date=date(2026, 11, 30))


HEADER_NAMES = st.sampled_from(
    [
        "From",
        "Subject",
        "Date",
        "Auto-Submitted",
        "Precedence",
        "Content-Type",
        "X-Failed-Recipients",
        "X-Autoreply",
        "References",
    ]
)


@given(headers=st.dictionaries(HEADER_NAMES, st.text()), body=st.text())
def test_any_headers_and_text_classify_without_error(headers: dict[str, str], body: str) -> None:
    verdict = classify(headers, own=OWN, body_text=body)
    assert verdict.kind in set(Kind)
    assert all("@" in address for address in verdict.bounced)


@given(headers=st.dictionaries(HEADER_NAMES, st.text()), body=st.text())
def test_mail_from_the_account_is_always_own(headers: dict[str, str], body: str) -> None:
    headers["From"] = "Alex Rivera <alex@example.com>"
    assert classify(headers, own=OWN, body_text=body).kind is Kind.OWN
