"""What the default messages say: the day in the interviewers' timezone, the right addendum to
the right person, the date they gave, the names a group note thanks, the stay-in-touch note."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from followup_mailer.compose.message import compose, render, template_names
from followup_mailer.compose.parts import Previous, Sender, Writer
from followup_mailer.model import STAY_IN_TOUCH, Format, Interview, Outcome, Person, step_key

CHICAGO = ZoneInfo("America/Chicago")
SENDER = Sender(name="Alex Rivera", email="alex@example.com", signature=("+1 555 0100",))
# Thursday 18:30 in Chicago is already Friday in UTC.
START = datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
DANA = Person(
    name="Dana Smith",
    email="dana@acme.com",
    title="Engineering Manager",
    notes="asked how I would cut on-call load",
)
LEE = Person(
    name="Lee Park",
    email="lee@acme.com",
    title="Staff Engineer",
    addendum="I have since read your RFC",
)
KIM = Person(name="Dr. Kim Wu", email="kim@acme.com")
SAM = Person(name="Sam Lee", email="sam@acme.com", title="Recruiter")
ACME = Interview(
    id="acme", company="Acme Corp", role="Senior Backend Engineer", start=START,
    end=START + timedelta(hours=1), timezone=CHICAGO, format=Format.PANEL,
    highlights=("your move to event sourcing",), addendum="I led an on-call rotation of twelve",
    interviewers=(DANA, LEE, KIM), contacts=(SAM,),
)  # fmt: skip


def text(
    person: Person = DANA,
    step: str = "thank_you",
    *,
    interview: Interview = ACME,
    date: datetime | None = None,
    writer_zone: ZoneInfo | None = None,
    previous: Previous | None = None,
) -> str:
    """Render a body through the Writer, as `run` does."""
    writer = Writer(sender=SENDER, templates_dir=None, timezone=writer_zone or ZoneInfo("UTC"))
    composed = render(
        writer, interview=interview, to=person.email, step=step, previous=previous,
        date=date or interview.end + timedelta(hours=3),
    )  # fmt: skip
    assert composed.findings == (), composed.findings
    return str(composed.message.get_content())


def test_dates_are_in_the_interviewers_timezone() -> None:
    assert "on Thursday, November 19." in text(SAM, "followup-1")


def test_without_an_interview_timezone_the_accounts_zone_is_used() -> None:
    interview = replace(ACME, timezone=None)
    assert "Thursday, November 19" in text(
        SAM, "followup-1", interview=interview, writer_zone=CHICAGO
    )
    assert "Friday, November 20" in text(SAM, "followup-1", interview=interview)


@pytest.mark.parametrize(
    ("later", "says"),
    [
        (timedelta(hours=3), " today"),
        (timedelta(hours=20), " yesterday"),
        (timedelta(days=4), " on Thursday"),
        (timedelta(days=9), " on Thursday, November 19"),
    ],
)
def test_the_thank_you_names_the_day_relative_to_the_message(later: timedelta, says: str) -> None:
    first_paragraph = text(date=ACME.end + later).split("\n\n")[1]
    assert says in first_paragraph


def test_the_interview_addendum_goes_to_everyone_and_a_persons_to_them_alone() -> None:
    for person in ACME.interviewers:
        body = text(person)
        assert "I led an on-call rotation of twelve." in body
        assert ("I have since read your RFC." in body) == (person is LEE)


def test_the_first_nudge_names_the_date_they_gave_and_the_fit() -> None:
    interview = replace(ACME, expect_response_by=datetime(2026, 11, 27, tzinfo=CHICAGO))
    body = text(SAM, "followup-1", interview=interview)
    assert "November 27" in body and "your move to event sourcing" in body
    assert "references" in body or "work samples" in body


def test_every_nudge_offers_more_information() -> None:
    for number in (2, 3):
        body = text(SAM, f"followup-{number}")
        assert "references" in body or "anything else" in body


def test_first_nudges_to_different_interviews_are_worded_differently() -> None:
    bodies = {text(SAM, "followup-1", interview=replace(ACME, id=f"acme-{i}")) for i in range(8)}
    assert len(bodies) >= 3


def test_a_group_note_thanks_the_others_by_name() -> None:
    group = replace(ACME, format=Format.GROUP, interviewers=(LEE, KIM, replace(DANA, lead=True)))
    body = text(group.lead, interview=group)
    assert "Please pass my thanks on to Lee and Dr. Wu as well." in body


def test_a_title_can_be_used() -> None:
    bodies = [text(DANA, interview=replace(ACME, id=f"t{i}", format=Format.ONE_ON_ONE,
                                           interviewers=(DANA,))) for i in range(12)]  # fmt: skip
    assert any("as Engineering Manager" in body for body in bodies)


def test_the_fit_sentence_comes_back_to_the_conversation() -> None:
    one = replace(ACME, format=Format.ONE_ON_ONE, interviewers=(DANA,), addendum="")
    fit = text(DANA, interview=one).split("\n\n")[2]
    assert "your move to event sourcing" in fit
    bare = replace(one, highlights=())
    assert "how I would cut on-call load" in text(DANA, interview=bare).split("\n\n")[2]
    long = replace(DANA, notes="asked how I would cut on-call load across all four platform teams")
    fit = text(long, interview=replace(bare, interviewers=(long,))).split("\n\n")[2]
    assert fit.startswith(("That", "Moments", "I left that")), fit


def test_stay_in_touch_knows_its_templates() -> None:
    assert template_names(STAY_IN_TOUCH) == ("stay_in_touch.subject.j2", STAY_IN_TOUCH)


@pytest.mark.parametrize("outcome", [Outcome.REJECTED, Outcome.PENDING])
def test_stay_in_touch_is_short_warm_and_never_mentions_waiting(outcome: Outcome) -> None:
    interview = replace(ACME, outcome=outcome)
    composed = compose(
        sender=SENDER, interview=interview, recipient=SAM, step=STAY_IN_TOUCH,
        key=step_key("acme", STAY_IN_TOUCH, SAM.email), previous=None,
        date=ACME.end + timedelta(weeks=6),
    )  # fmt: skip
    body = composed.message.get_content()
    assert composed.findings == ()
    assert composed.message["Subject"] == "Staying in touch – Senior Backend Engineer at Acme Corp"
    assert ("decision" in body) == (outcome is Outcome.REJECTED)
    assert "heard" not in body and len(body.split()) < 120


def test_stay_in_touch_replies_in_the_thread_when_there_is_one() -> None:
    previous = Previous(
        subject="Acme Corp – next steps", message_id="<r1@acme.com>", references="", sent_at=START
    )
    composed = compose(
        sender=SENDER, interview=replace(ACME, outcome=Outcome.REJECTED), recipient=SAM,
        step=STAY_IN_TOUCH, key="k", previous=previous, date=START + timedelta(weeks=6),
    )  # fmt: skip
    assert composed.message["Subject"] == "Re: Acme Corp – next steps"
