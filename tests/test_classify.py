"""Telling replies from auto-replies, bounces, invitations and our own mail, as the stop rules
need: the entry point, auto-replies and never taking a person for a machine.

Bounces, return dates and invitations have their own files (test_classify_*.py); every
fixture is written here after the shapes of real mail (see tests/mailshapes.py).
"""

from __future__ import annotations

from datetime import date
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_mailer.mailbox.classify import Classified, classify, needs_body
from followup_mailer.model import Kind
from tests import mailshapes
from tests.mailshapes import OWN, SENT, judge, plain, reply


def headers(**extra: str) -> dict[str, str]:
    """Return the headers of a plain reply from the interviewer, with some added or changed."""
    fields = {
        "From": "Dana Smith <dana@acme.com>",
        "To": "alex@example.com",
        "Subject": "Re: Thank you for today",
        "Date": format_datetime(SENT),
    }
    return fields | extra


def test_a_person_answering_is_a_human_reply() -> None:
    assert classify(headers(), own=OWN) == Classified(Kind.HUMAN)
    assert judge(reply()) == Classified(Kind.HUMAN)


@pytest.mark.parametrize("address", ["alex@example.com", "ALEX.Rivera@gmail.com"])
def test_mail_from_the_account_is_own_even_when_marked_automatic(address: str) -> None:
    fields = headers(From=f"Alex <{address}>", **{"Auto-Submitted": "auto-replied"})
    assert classify(fields, own=OWN).kind is Kind.OWN


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Auto-Submitted", "auto-replied"),
        ("Auto-Submitted", "AUTO-REPLIED; x-test=1"),
        ("Auto-Submitted", "auto-generated"),
        ("Auto-Submitted", "auto-replied (zimbra; vacation)"),
        ("auto-submitted", "auto-notified"),
        ("X-Autoreply", "yes"),
        ("X-Autorespond", "Out of office"),
        ("X-AUTORESPONDER", ""),
        ("X-Auto-Response-Suppress", "All"),
        ("X-Auto-Response-Suppress", "OOF, AutoReply"),
        ("Delivered-By-The-Graces-Of", "The Vacation program"),
        ("Precedence", "auto_reply"),
        ("Precedence", "Auto-Reply"),
    ],
)
def test_automatic_mail_is_recognised_by_its_headers(name: str, value: str) -> None:
    assert classify(headers(**{name: value}), own=OWN).kind is Kind.AUTO


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Auto-Submitted", "no"),
        ("Auto-Submitted", " No ; comment"),
        ("Precedence", "first-class"),
        # a person writing through a mailing list, or a message an inbox rule forwarded
        ("Precedence", "bulk"),
        ("Precedence", "list"),
        ("Precedence", "junk"),
        ("X-MS-Exchange-Inbox-Rules-Loop", "dana@acme.com"),
    ],
)
def test_headers_that_deny_or_only_hint_at_automation_leave_a_human_reply(
    name: str, value: str
) -> None:
    assert classify(headers(**{name: value}), own=OWN).kind is Kind.HUMAN
    assert judge(reply(extra=f"{name}: {value}\n")).kind is Kind.HUMAN


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: Thank you for today",
        "Auto reply: Thank you",
        "Auto-Reply: Thank you",
        "AutoReply - away",
        "Auto: Thank you for today",  # Sieve vacation (RFC 5230)
        "AUTO: Dana Smith is out of the office (returning 12/14/2026)",  # Lotus Notes
        "Out of Office: Thank you",
        "out of the office until Monday",
        "OOO: back Monday",
        "OOF: Thank you",
        "away from my mail",  # the vacation program's default
        "I am on vacation",
        "[EXTERNAL] Automatic reply: Thank you",
        "=?utf-8?q?Automatic_reply=3A_Thank_you?=",
        "Abwesenheitsnotiz: Thank you",
        "Automatische Antwort: Thank you",
        "Réponse automatique : Thank you",
        "Respuesta automática: Thank you",
        "Risposta automatica: Thank you",
        "Automatisch antwoord: Thank you",
        "Automatyczna odpowiedź: Thank you",
        "Resposta automática: Thank you",
        "Automatiskt svar: Thank you",
        "Automatisk svar: Thank you",
        "Automaattinen vastaus: Thank you",
        "Automatická odpověď: Thank you",
        "Automatikus válasz: Thank you",
        "Otomatik yanıt: Thank you",
        "Αυτόματη απάντηση: Thank you",
        "Автоматический ответ: Thank you",
        "自動応答: Thank you",
        "自动回复：Thank you",
        "自動回覆: Thank you",
        "자동 회신: Thank you",
    ],
)
def test_auto_reply_subjects_in_many_languages_mark_an_auto_reply(subject: str) -> None:
    assert classify(headers(Subject=subject), own=OWN).kind is Kind.AUTO


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Thank you (I was out of office last week)",
        "Re: Out of office plans",
        "Out of office plans for December",
        "Re: Automatic reply: Thank you",
        "Fwd: Abwesenheitsnotiz: Thank you",
        "Auto insurance question",
        "Autoreply settings in Outlook",
        "Away game on Saturday",
    ],
)
def test_a_subject_that_only_mentions_an_absence_is_a_human_reply(subject: str) -> None:
    assert classify(headers(Subject=subject), own=OWN).kind is Kind.HUMAN


@pytest.mark.parametrize(
    ("subject", "body", "extra"),
    [
        # the Linux vacation program's default message and headers
        (
            "away from my mail",
            'I will not be reading my mail for a while.\nYour mail concerning "Thank you"\n'
            "will be read when I'm back.\n",
            "Precedence: bulk\n",
        ),
        # no marks at all, but the opening says so in so many words
        ("Re: Thank you", "This is an automatic reply. I am away until December 14.\n", ""),
        ("Thank you", "Ceci est une réponse automatique. Je suis absente.\n", ""),
        ("Thank you", "Dies ist eine automatische Antwort. Ich bin nicht im Büro.\n", ""),
        ("Thank you", "Esta es una respuesta automática.\n", ""),
        ("Thank you", "Questa è una risposta automatica.\n", ""),
        ("Thank you", "Dit is een automatisch antwoord.\n", ""),
        ("Thank you", "To jest automatyczna odpowiedź.\n", ""),
        ("Thank you", "Detta är ett automatiskt svar.\n", ""),
        ("Thank you", "このメールは自動送信されています。\n", ""),
        # an absence announced in a message a program marked as bulk or moved by a rule
        (
            "Re: Thank you",
            "I am currently out of the office until December 14.\n",
            "Precedence: bulk\n",
        ),
        (
            "Re: Thank you",
            "Thank you for your email. I'm on vacation and will reply when I'm back.\n",
            "X-MS-Exchange-Inbox-Rules-Loop: dana@acme.com\n",
        ),
        ("Thank you", "Ich bin bis zum 14.12.2026 nicht im Büro.\n", "Return-Path: <>\n"),
    ],
)
def test_auto_replies_without_auto_headers_are_recognised_by_their_opening(
    subject: str, body: str, extra: str
) -> None:
    fields, message = mailshapes.parse(plain("Dana Smith <dana@acme.com>", subject, body, extra))
    assert classify(fields, own=OWN, message=message).kind is Kind.AUTO
    # a backend reads the body when the headers hint at a program (an empty Return-Path, as
    # RFC 3834 asks of responders, or Precedence bulk): without any hint, it stays unread
    hinted = extra or "Return-Path: <>\n"
    assert judge(plain("Dana Smith <dana@acme.com>", subject, body, hinted)).kind is Kind.AUTO


@pytest.mark.parametrize(
    ("body", "extra"),
    [
        ("I was out of office last week, sorry for the delay. Thanks for your note!", ""),
        ("I am out of the office until Monday, but wanted to thank you right away.", ""),
        ("Hi Alex, this is an automatic reply, ha, just kidding. Thanks!", ""),
        # a person writing through a mailing list: Precedence list/bulk with a List-Id
        ("I am out of the office until Monday; see you after.", "Precedence: list\n"),
        (
            "I am out of the office until Monday; see you after.",
            "Precedence: bulk\nList-Id: <recruiting.acme.com>\n",
        ),
    ],
)
def test_a_person_who_mentions_being_away_is_a_human(body: str, extra: str) -> None:
    assert judge(reply(body=body, extra=extra)).kind is Kind.HUMAN


def test_an_absence_opening_above_a_quoted_thread_is_never_taken_for_an_auto_reply() -> None:
    body = "This is an automatic reply from me, ha. Back on Monday!"
    assert judge(reply(body=body, extra="Precedence: bulk\n")).kind is Kind.HUMAN


@pytest.mark.parametrize(
    ("raw", "back"),
    [
        # Exchange / Office 365: subject prefix, Auto-Submitted, the rule-loop header
        (
            plain(
                "Dana Smith <dana@acme.com>",
                "Automatic reply: Thank you for today",
                "I am out of the office from November 23 until December 4, with no access to"
                " email.\nFor urgent matters please contact sam@acme.com.\n",
                "Auto-Submitted: auto-generated\nX-Auto-Response-Suppress: All\n"
                "X-MS-Exchange-Inbox-Rules-Loop: dana@acme.com\n",
            ),
            date(2026, 12, 4),
        ),
        # Lotus Notes: the return date is in the subject
        (
            plain(
                "Dana Smith <dana@acme.com>",
                "AUTO: Dana Smith is out of the office (returning 12/14/2026)",
                "I am out of the office until 12/14/2026.\n",
            ),
            date(2026, 12, 14),
        ),
        # Gmail's vacation responder
        (
            plain(
                "Dana Smith <dana@acme.com>",
                "Away until Dec. 14th",
                "Hi, I'm away and will be back on Monday, December 14.\n",
                "Auto-Submitted: auto-replied\n",
            ),
            date(2026, 12, 14),
        ),
        # Zimbra
        (
            plain(
                "Dana Smith <dana@acme.com>",
                "Out of Office",
                "Bis 14.12. bin ich im Urlaub. Ab dem 15.12. bin ich wieder erreichbar.\n",
                "Auto-Submitted: auto-replied (zimbra; vacation)\nPrecedence: bulk\n",
            ),
            date(2026, 12, 15),
        ),
    ],
)
def test_responders_give_the_return_date_their_text_states(raw: str, back: date) -> None:
    assert judge(raw) == Classified(Kind.AUTO, return_date=back)


def test_header_names_are_matched_whatever_their_case() -> None:
    assert classify({"FROM": "dana@acme.com", "AUTO-SUBMITTED": "auto-replied"}, own=OWN).kind is (
        Kind.AUTO
    )
    assert classify({"from": "ALEX@EXAMPLE.COM"}, own=OWN).kind is Kind.OWN


def test_a_broken_encoded_word_is_read_as_written() -> None:
    fields = headers(Subject="=?utf-8?b?QXV0b21hdGljIHJlcGx5x?=")  # bad base64
    assert classify(fields, own=OWN).kind is Kind.HUMAN


def test_a_read_receipt_is_automatic_not_a_bounce() -> None:
    fields = headers(**{"Content-Type": "multipart/report; report-type=disposition-notification"})
    assert classify(fields, own=OWN).kind is Kind.AUTO


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
        "Return-Path",
    ]
)


@given(fields=st.dictionaries(HEADER_NAMES, st.text()), body=st.text())
def test_any_headers_and_text_classify_without_error(fields: dict[str, str], body: str) -> None:
    _, message = mailshapes.parse("Content-Type: text/plain; charset=utf-8\n\n" + body)
    needs_body(fields)
    verdict = classify(fields, own=OWN, message=message)
    assert verdict.kind in set(Kind)
    assert all("@" in address for address in verdict.bounced)


@given(raw=st.binary(max_size=2000))
def test_any_bytes_as_a_message_classify_without_error(raw: bytes) -> None:
    try:
        fields, message = mailshapes.parse(b"Content-Type: multipart/report; boundary=x\n\n" + raw)
    except (ValueError, TypeError, LookupError, IndexError):
        return  # the backends skip a message whose headers the email package refuses
    assert classify(fields, own=OWN, message=message).kind in set(Kind)


@given(fields=st.dictionaries(HEADER_NAMES, st.text()), body=st.text())
def test_mail_from_the_account_is_always_own(fields: dict[str, str], body: str) -> None:
    fields["From"] = "Alex Rivera <alex@example.com>"
    _, message = mailshapes.parse("\n\n" + body)
    assert classify(fields, own=OWN, message=message).kind is Kind.OWN
