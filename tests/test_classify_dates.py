"""The return date an auto-reply states: single dates, ranges, numbers, weekdays, languages.

`RETURN_DATES` is the table (the auto-reply's date, its text, the date expected); the
planner waits for the business day after the date returned, so "until the 14th" and
"back on the 14th" both give the 14th. scripts/corpus_report.py and the evaluation of
date libraries read the same table.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from followup_mailer.mailbox.classify import Classified, classify
from followup_mailer.mailbox.return_dates import return_date
from followup_mailer.model import Kind
from tests.mailshapes import OWN, judge, plain

EST = timezone(timedelta(hours=-5))
NOV_20 = datetime(2026, 11, 20, 9, 30, tzinfo=EST)  # a Friday
MAR_16 = datetime(2027, 3, 16, 8, 0, tzinfo=EST)  # a Tuesday
DEC_20 = datetime(2026, 12, 20, 18, 0, tzinfo=EST)  # a Sunday

RETURN_DATES: list[tuple[datetime, str, date | None]] = [
    # the examples that were misread before
    (NOV_20, "I am out of the office from December 1 to January 8, 2027.", date(2027, 1, 8)),
    (NOV_20, "Ich bin ab 14.12.2026 wieder im Büro.", date(2026, 12, 14)),
    (NOV_20, "I will be back on 12/14.", date(2026, 12, 14)),
    (NOV_20, "I will be back on Monday.", date(2026, 11, 23)),
    (
        MAR_16,
        "I am away on vacation, Monday May 25 through May 29, 2027. I will be back in the office"
        " on June 1. Please call 562-555-0199 for immediate assistance.",
        date(2027, 6, 1),
    ),
    (MAR_16, "I will be traveling for work on July 10-31. Hours: 5am - 5:30pm.", date(2027, 7, 31)),
    # single dates in words and numbers, with and without a year
    (NOV_20, "I will be back on November 30.", date(2026, 11, 30)),
    (NOV_20, "I return on 2026-12-01 and will answer then.", date(2026, 12, 1)),
    (NOV_20, "I am out of the office until Monday 30 November 2026.", date(2026, 11, 30)),
    (NOV_20, "Back on January 5, with limited access until then.", date(2027, 1, 5)),
    (NOV_20, "I'm back on the 5th of January.", date(2027, 1, 5)),
    (NOV_20, "Returning 5th January.", date(2027, 1, 5)),
    (NOV_20, "back Dec. 3rd, 2026", date(2026, 12, 3)),
    (NOV_20, "Back on December 14", date(2026, 12, 14)),
    (NOV_20, "Back on 14 December", date(2026, 12, 14)),
    (NOV_20, "Back Dec. 14th", date(2026, 12, 14)),
    (NOV_20, "Back on Monday, December 14.", date(2026, 12, 14)),
    (NOV_20, "Back 14.12.2026", date(2026, 12, 14)),
    (NOV_20, "Back 14.12.", date(2026, 12, 14)),
    (NOV_20, "Returning 12/14/2026", date(2026, 12, 14)),
    (NOV_20, "Returning 14/12/2026", date(2026, 12, 14)),
    (NOV_20, "Returning 2026/12/14", date(2026, 12, 14)),
    (NOV_20, "12月14日まで不在にしております。", date(2026, 12, 14)),
    # ranges: the end, or the explicit return when the text gives one
    (NOV_20, "Away from November 20 until November 29 (travel).", date(2026, 11, 29)),
    (NOV_20, "On leave 2026-11-21 to 2026-11-27.", date(2026, 11, 27)),
    (NOV_20, "Out of the office November 23 - December 4.", date(2026, 12, 4)),
    (NOV_20, "Out 10-14 December, back the 15th of December.", date(2026, 12, 15)),
    (NOV_20, "Out Monday through Wednesday.", date(2026, 11, 25)),
    (DEC_20, "I am away from December 28 to January 8.", date(2027, 1, 8)),
    (DEC_20, "Closed from December 28, 2026 until January 4.", date(2027, 1, 4)),
    # numeric ambiguity: the reading on or after the message date that is closest to it
    (NOV_20, "back on 12/01", date(2026, 12, 1)),
    (NOV_20, "back on 05/12", date(2026, 12, 5)),
    (NOV_20, "away until 11/12", date(2026, 12, 11)),
    # weekdays: the next such day after the message's date
    (NOV_20, "I'm out of the office Friday.", date(2026, 11, 27)),
    (NOV_20, "Back next Tuesday.", date(2026, 11, 24)),
    # other languages
    (NOV_20, "Ich bin bis zum 14.12.2026 nicht im Büro.", date(2026, 12, 14)),
    (NOV_20, "Ab dem 15. Dezember bin ich wieder erreichbar.", date(2026, 12, 15)),
    (NOV_20, "Ich bin am Montag, den 14. Dezember zurück.", date(2026, 12, 14)),
    (NOV_20, "Ich bin vom 1. bis 14. Dezember im Urlaub.", date(2026, 12, 14)),
    (NOV_20, "Je suis absente jusqu'au 14 décembre.", date(2026, 12, 14)),
    (NOV_20, "Je serai de retour le 15 décembre.", date(2026, 12, 15)),
    (NOV_20, "En congé du 1er au 14 décembre.", date(2026, 12, 14)),
    (NOV_20, "Estoy fuera de la oficina hasta el 14 de diciembre.", date(2026, 12, 14)),
    (NOV_20, "Estaré de vuelta el lunes.", date(2026, 11, 23)),
    (NOV_20, "Sono fuori ufficio fino al 14 dicembre.", date(2026, 12, 14)),
    (NOV_20, "Ik ben afwezig tot en met 14 december.", date(2026, 12, 14)),
    (NOV_20, "Estou de férias até 14 de dezembro.", date(2026, 12, 14)),
    (NOV_20, "Jag är ledig till och med 14 december.", date(2026, 12, 14)),
    (NOV_20, "Jeg er på ferie til og med 14. desember.", date(2026, 12, 14)),
    # nothing usable
    (NOV_20, "Our offices closed on 2025-05-01. I am back on November 30.", date(2026, 11, 30)),
    (NOV_20, "I was back on November 19.", None),  # stale text, not next year
    (NOV_20, "back on November 31", None),
    (NOV_20, "Thanks for your message, I will answer soon.", None),
    (NOV_20, "I am on leave from December 1.", None),  # a start says nothing about the return
    (NOV_20, "Call +1.555.010.0101; we run version 7.1.3 on 192.0.2.4.", None),
    (NOV_20, "Office hours: Monday - Friday, 9-5.", None),
    (NOV_20, "Call me at 10.11. or after 9.12 for 1/2 an hour.", None),
    (NOV_20, "Im Urlaub: 1.12.-14.12.", date(2026, 12, 14)),
    (NOV_20, "Back on December 14, 2030.", None),  # more than a year ahead
]


@pytest.mark.parametrize(
    ("sent", "text", "expected"), RETURN_DATES, ids=[text[:40] for _, text, _ in RETURN_DATES]
)
def test_the_return_date_an_auto_reply_states(
    sent: datetime, text: str, expected: date | None
) -> None:
    assert return_date(text, sent=sent) == expected


def test_a_return_date_without_a_year_needs_the_message_date() -> None:
    fields = {"From": "dana@acme.com", "Auto-Submitted": "auto-replied"}
    assert return_date("back on November 30", sent=None) is None
    assert return_date("back on November 30, 2026", sent=None) == date(2026, 11, 30)
    assert classify(fields, own=OWN).return_date is None


def test_the_return_date_is_read_from_the_subject_and_the_text_of_an_auto_reply() -> None:
    raw = plain(
        "Dana Smith <dana@acme.com>",
        "Automatic reply: Thank you (back 14.12.)",
        "Thank you for your email.\n",
    )
    assert judge(raw) == Classified(Kind.AUTO, return_date=date(2026, 12, 14))


def test_a_quoted_message_s_dates_are_not_the_return_date() -> None:
    raw = plain(
        "Dana Smith <dana@acme.com>",
        "Automatic reply: Thank you",
        "I am away until Monday.\n\n-----Original Message-----\nSent: December 30, 2026\n",
        "Auto-Submitted: auto-replied\n",
    )
    assert judge(raw).return_date == date(2026, 11, 23)
