"""What status says besides the steps: a next round to record, holds, LinkedIn."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from followup_mailer.model import Facts, Hold, Kind, Outcome, Person, Phase, Record, Seen
from followup_mailer.notices import notices
from tests.test_plan import DANA, END, interview

NY = ZoneInfo("America/New_York")
SENT_AT = END + timedelta(hours=2)


def thank_you_sent() -> dict[str, Record]:
    key = "acme/thank_you/dana@acme.com"
    record = Record(
        key=key,
        interview="acme",
        step="thank_you",
        recipient="dana@acme.com",
        phase=Phase.SENT,
        sent_at=SENT_AT,
    )
    return {key: record}


def test_an_invitation_suggests_recording_the_next_round() -> None:
    invite = Seen(
        mailbox_id="i1", kind=Kind.INVITE, sender="calendar-notification@google.com",
        recipients=("alex@example.com",), date=SENT_AT + timedelta(days=2),
        organizer="sam@acme.com",
    )  # fmt: skip
    found = notices(
        Facts(interviews=(interview(),), records=thank_you_sent(), seen=(invite,)),
        SENT_AT + timedelta(days=3),
    )
    assert found[0].text == (
        "invited to a next round by sam@acme.com: run `followup-mailer outcome acme next-round`"
        " (the nudges have stopped)"
    )
    recorded = Facts(
        interviews=(interview(),),
        records=thank_you_sent(),
        seen=(invite,),
        outcomes={"acme": Outcome.NEXT_ROUND},
    )
    assert not [n for n in notices(recorded, SENT_AT) if "next round" in n.text]


def test_a_hold_is_shown_with_the_way_out() -> None:
    until = datetime(2027, 1, 5, tzinfo=NY)
    facts = Facts(interviews=(interview(),), holds={"acme": Hold(until=until)})
    texts = [n.text for n in notices(facts, END - timedelta(days=1))]
    assert texts == ["on hold until Tue 05 Jan 2027: `followup-mailer resume acme`"]


def test_linkedin_reminders_start_when_the_interview_ends_and_stop_once_connected() -> None:
    lee = Person(name="Lee Park", email="lee@acme.com", linkedin_connected=True)
    facts = Facts(interviews=(interview(interviewers=(DANA, lee)),))
    assert notices(facts, END - timedelta(minutes=1)) == []
    [reminder] = notices(facts, END + timedelta(minutes=1))
    assert reminder.text == (
        "connect on LinkedIn with Dana Smith, then set linkedin_connected = true"
    )
