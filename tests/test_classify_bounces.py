"""Bounces and delay warnings as the common mail servers write them, and what they give back.

The server-shaped reports live in tests/bounce_shapes.py, each written after one server's
real reports (tests/mailshapes.py builds the MIME); the cases about people are written here.
"""

from __future__ import annotations

import pytest

from followup_mailer.mailbox.classify import Classified, classify
from followup_mailer.model import KEY_HEADER, Kind
from tests.bounce_shapes import (
    DELAYS,
    DOMINO,
    EXCHANGE_2007,
    EXIM,
    EXPIRED,
    FRENCH,
    GERMAN_EXCHANGE,
    GMAIL,
    NO_REPORT_TYPE,
    NULL_SENDER,
    OFFICE_365,
    PHONE_GATEWAY,
    POSTFIX,
    QMAIL,
    SENDMAIL,
    SES_DSN,
    SES_NOTIFICATION,
    YAHOO,
)
from tests.mailshapes import DANA, KEY, OUR_ID, judge, our_message, plain, report, status


@pytest.mark.parametrize(
    "raw",
    [
        POSTFIX,
        EXIM,
        SENDMAIL,
        QMAIL,
        EXCHANGE_2007,
        OFFICE_365,
        GMAIL,
        YAHOO,
        SES_NOTIFICATION,
        SES_DSN,
        DOMINO,
        NULL_SENDER,
        PHONE_GATEWAY,
        GERMAN_EXCHANGE,
        FRENCH,
        NO_REPORT_TYPE,
        EXPIRED,
    ],
    ids=lambda raw: raw.partition("Subject: ")[2].partition("\n")[0][:40],
)
def test_a_bounce_names_the_failed_recipient(raw: str) -> None:
    verdict = judge(raw)
    assert verdict.kind is Kind.BOUNCE
    assert verdict.bounced == (DANA,)


def test_a_bounce_names_the_failed_recipient_from_exim_s_header_alone() -> None:
    raw = EXIM.replace("dana@acme.com", "sam@acme.com").replace(
        "Auto-Submitted", "X-Failed-Recipients: Dana@Acme.com\nAuto-Submitted"
    )
    assert judge(raw).bounced[0] == DANA


@pytest.mark.parametrize("raw", [POSTFIX, EXIM, SENDMAIL, QMAIL, EXCHANGE_2007, YAHOO, SES_DSN])
def test_a_bounce_returns_our_key_and_message_id(raw: str) -> None:
    assert judge(raw).returned == (KEY, OUR_ID)


@pytest.mark.parametrize("raw", [GMAIL, OFFICE_365])
def test_a_report_with_the_original_s_headers_only_returns_them_too(raw: str) -> None:
    assert set(judge(raw).returned) == {KEY, OUR_ID}


def test_a_report_with_a_failed_and_a_delayed_recipient_names_only_the_failed_one() -> None:
    raw = report(
        frm="postmaster@acme.com",
        subject="Delivery Status Notification",
        prose="Delivery to some recipients failed.",
        statuses=(status(DANA, "delayed", "4.4.1"), status("sam@acme.com")),
    )
    assert judge(raw) == Classified(Kind.BOUNCE, bounced=("sam@acme.com",))


@pytest.mark.parametrize("sender", ["jobs-owner@acme.com", "jobs-admin@acme.com"])
def test_a_mailing_list_manager_s_rejection_is_a_bounce_not_a_reply(sender: str) -> None:
    raw = plain(
        sender,
        "You are not a member of the jobs list",
        "Your mail to 'jobs' with the subject Thank you for today was not delivered.",
    )
    assert judge(raw).kind is Kind.BOUNCE


def test_a_person_writing_from_an_admin_address_is_a_person() -> None:
    raw = plain("Hiring Admin <hiring-admin@acme.com>", "Re: Thank you for today", "Thanks!")
    assert judge(raw).kind is Kind.HUMAN


@pytest.mark.parametrize("raw", DELAYS, ids=range(len(DELAYS)))
def test_a_delay_warning_is_machine_mail_not_a_bounce(raw: str) -> None:
    assert judge(raw) == Classified(Kind.AUTO)


@pytest.mark.parametrize(
    ("frm", "subject", "expected"),
    [
        ("MAILER-DAEMON@mx.acme.com", "failure notice", Kind.BOUNCE),
        ("postmaster@acme.com", "Returned mail", Kind.BOUNCE),
        ("Microsoft Outlook <o@acme.com>", "Undeliverable: Thank you", Kind.BOUNCE),
        ("mx@acme.com", "Undelivered Mail Returned to Sender", Kind.BOUNCE),
        ("mx@acme.com", "Mail delivery failed: returning message to sender", Kind.BOUNCE),
        ("<>", "Thank you", Kind.BOUNCE),
        ("mailer-daemon@googlemail.com", "Delivery Status Notification (Delay)", Kind.AUTO),
        ("dana@acme.com", "Re: Undeliverable: Thank you", Kind.HUMAN),
        ("dana@acme.com", "Fwd: Mail delivery failed", Kind.HUMAN),
    ],
)
def test_what_the_headers_alone_say_about_a_report(frm: str, subject: str, expected: Kind) -> None:
    assert classify({"From": frm, "Subject": subject}, own=()).kind is expected


def test_a_person_forwarding_a_bounce_is_a_person() -> None:
    forwarded = (
        "From: Dana Smith <dana@acme.com>\nTo: alex@example.com\nSubject: Fwd: Undeliverable\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="F"\n\n--F\nContent-Type: '
        "text/plain\n\nAlex, Sam's address bounced; use sam.lee@acme.com instead.\n--F\n"
        "Content-Type: message/rfc822\n\n" + POSTFIX + "\n--F--\n"
    )
    assert judge(forwarded).kind is Kind.HUMAN


def test_a_person_writing_about_a_failed_delivery_is_a_person() -> None:
    raw = plain(
        "Dana Smith <dana@acme.com>",
        "Delivery report for Q3 hiring",
        "Hi Alex, the mail to Sam could not be delivered, so I am forwarding it myself.",
    )
    assert judge(raw).kind is Kind.HUMAN


def test_our_key_in_a_bounce_quoting_our_headers_as_text_is_found() -> None:
    raw = plain(
        "MAILER-DAEMON@mx.example.net",
        "failure notice",
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
        "<dana@acme.com>:\n550 no such user\n\n--- Below this line is a copy of the message.\n\n"
        + "\n".join("> " + line for line in our_message().splitlines()),
    )
    assert judge(raw).returned == (KEY, OUR_ID)
    assert f"{KEY_HEADER}: {KEY}" in raw
