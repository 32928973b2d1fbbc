"""The default wording in every combination a user can meet reads clean: every variant, format,
kind of note, with and without highlights, addenda and titles passes the lint."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from followup_mailer.compose.context import choose_variant
from followup_mailer.compose.message import compose
from followup_mailer.compose.parts import Sender
from followup_mailer.compose.points import VARIANTS
from followup_mailer.model import Format, Interview, Person, step_key

EST = timezone(timedelta(hours=-5))
SENDER = Sender(
    name="Alex Rivera",
    email="alex@example.com",
    signature=("+1 555 0100", "linkedin.com/in/alexrivera"),
)
START = datetime(2026, 11, 20, 14, 0, tzinfo=EST)
NOTES = {
    "event": "asked how I would cut on-call load",
    "fact": "wants to cut deploy times in half next year",
    "own": "I loved their focus on testing",
    "topic": "the on-call redesign",
    "credit": "his question on idempotent consumers",
    "quote": "is remote OK?",
    "thanks": "thank her for the office tour",
    "none": "",
}
HIGHLIGHTS = {
    "none": (),
    "one": ("your move to event sourcing",),
    "two": ("your move to event sourcing", "the plan for the new billing service"),
    "long": ("the migration of the payments API to the new cluster in the spring",),
}
COMPANIES = ("Acme Corp", "Initech Inc.", "Yahoo!")


def panel(
    size: int, fmt: Format, note: str, highlights: tuple[str, ...], **extra: str
) -> Interview:
    """Build an interview of `size` interviewers who all wrote the same kind of note."""
    people = tuple(
        Person(name=f"Person{i} Example", email=f"p{i}@acme.com", title=extra.get("title", ""),
               notes=note, addendum=extra.get("own", ""))
        for i in range(size)
    )  # fmt: skip
    return Interview(
        id=f"case-{size}-{fmt}", company=extra.get("company", "Acme Corp"),
        role="Senior Backend Engineer", start=START, end=START + timedelta(hours=1), format=fmt,
        highlights=highlights, addendum=extra.get("addendum", ""), interviewers=people,
    )  # fmt: skip


def findings(interview: Interview, person: Person, days: int = 1) -> list[str]:
    """Compose a thank-you and return its findings as text."""
    composed = compose(
        sender=SENDER, interview=interview, recipient=person, step="thank_you",
        key=step_key(interview.id, "thank_you", person.email), previous=None,
        date=interview.end + timedelta(days=days),
    )  # fmt: skip
    return [str(f) for f in composed.findings]


@pytest.mark.parametrize(
    ("fmt", "note", "highlights"),
    list(itertools.product(list(Format), NOTES, HIGHLIGHTS)),
)
def test_every_wording_of_a_panel_of_eight_is_clean(
    fmt: Format, note: str, highlights: str
) -> None:
    interview = panel(8, fmt, NOTES[note], HIGHLIGHTS[highlights])
    for person in interview.interviewers:
        found = findings(interview, person)
        allowed = ["specific-point"] if note == "none" and highlights == "none" else []
        assert [f for f in found if f.split(":")[0] not in allowed] == [], (person.name, found)


@pytest.mark.parametrize("company", COMPANIES)
@pytest.mark.parametrize("days", [0, 1, 3, 12])
def test_titles_addenda_companies_and_days_read_clean(company: str, days: int) -> None:
    for fmt in Format:
        interview = panel(
            VARIANTS, fmt, NOTES["event"], HIGHLIGHTS["two"], title="Engineering Manager",
            addendum="I have since led our own on-call rotation", own="i shipped the fix",
            company=company,
        )  # fmt: skip
        for person in interview.interviewers:
            assert findings(interview, person, days) == [], person.name


def _solo_texts(fmt: Format) -> list[str]:
    """Render the thank-you of one-interviewer interviews until every variant was used."""
    texts: dict[int, str] = {}
    for i in range(60):
        interview = replace(panel(1, fmt, NOTES["event"], HIGHLIGHTS["one"]), id=f"solo-{i}")
        person = interview.interviewers[0]
        composed = compose(
            sender=SENDER, interview=interview, recipient=person, step="thank_you", key="k",
            previous=None, date=interview.end,
        )  # fmt: skip
        texts.setdefault(choose_variant(interview, person), composed.message.get_content())
    assert len(texts) == VARIANTS
    return list(texts.values())


@pytest.mark.parametrize("fmt", [Format.ONE_ON_ONE, Format.PANEL])
def test_a_conversation_with_one_person_never_mentions_meeting_the_team(fmt: Format) -> None:
    for text in _solo_texts(fmt):
        assert "the team" not in text.split("\n\n")[1], text
