"""The planner's rules, one small test per rule (SPEC section 3), then properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict, Unpack
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_mailer.model import (
    Create,
    Facts,
    Format,
    Hold,
    Interview,
    Kind,
    Outcome,
    Person,
    Phase,
    Record,
    Seen,
    State,
    StepPlan,
    step_key,
)
from followup_mailer.plan import actions, plan, send_or_draft
from followup_mailer.settings import Settings
from tests.conftest import MakeSettings, examples

NY = ZoneInfo("America/New_York")
DANA = Person(name="Dana Smith", email="dana@acme.com", notes="on-call load", lead=True)
LEE = Person(name="Lee Park", email="lee@acme.com")
KIM = Person(name="Kim Wu", email="kim@acme.com")
SAM = Person(name="Sam Lee", email="sam@acme.com")
# Thursday 19 Nov 2026, 14:00-15:00 in New York: the thank-you is due at 17:00 the same day.
START = datetime(2026, 11, 19, 14, 0, tzinfo=NY)
END = START + timedelta(hours=1)
THANK_YOU_DUE = END + timedelta(hours=2)


ACME = Interview(
    id="acme",
    company="Acme Corp",
    role="Backend Engineer",
    start=START,
    end=END,
    interviewers=(DANA,),
)


class InterviewChanges(TypedDict, total=False):
    """What a test changes of the standard interview."""

    start: datetime
    end: datetime
    timezone: ZoneInfo | None
    format: Format
    expect_response_by: datetime | None
    outcome: Outcome
    interviewers: tuple[Person, ...]
    contacts: tuple[Person, ...]


def interview(**changes: Unpack[InterviewChanges]) -> Interview:
    return replace(ACME, **changes)


class RecordFields(TypedDict, total=False):
    """What a test sets of a ledger record besides its step, recipient and phase."""

    sent_at: datetime | None
    thread_id: str
    draft_id: str
    reason: str


def record(step: str, person: Person, phase: Phase, **fields: Unpack[RecordFields]) -> Record:
    key = step_key("acme", step, person.email)
    return Record(
        key=key, interview="acme", step=step, recipient=person.email, phase=phase, **fields
    )


def sent(step: str, person: Person, at: datetime, thread: str = "t-1") -> Record:
    return record(step, person, Phase.SENT, sent_at=at, thread_id=thread)


def facts(
    interviews: tuple[Interview, ...],
    *records: Record,
    seen: tuple[Seen, ...] = (),
    outcomes: dict[str, Outcome] | None = None,
) -> Facts:
    return Facts(
        interviews=interviews,
        records={r.key: r for r in records},
        seen=seen,
        outcomes=outcomes or {},
    )


def by_step(planned: list[StepPlan]) -> dict[tuple[str, str], StepPlan]:
    return {(p.step, p.to): p for p in planned}


def reply(
    at: datetime,
    sender: str = "dana@acme.com",
    kind: Kind = Kind.HUMAN,
    thread: str = "t-1",
    *,
    return_date: date | None = None,
    organizer: str = "",
) -> Seen:
    return Seen(
        mailbox_id=f"m-{at.timestamp()}-{sender}",
        kind=kind,
        sender=sender,
        recipients=("alex@example.com",),
        date=at,
        thread_id=thread,
        return_date=return_date,
        organizer=organizer,
    )


@pytest.fixture
def cfg(make_settings: MakeSettings) -> Settings:
    return make_settings()


# --- thank-you notes ------------------------------------------------------------------


def test_thank_you_waits_until_due(cfg: Settings) -> None:
    planned = plan(facts((interview(),)), THANK_YOU_DUE - timedelta(minutes=1), cfg)
    step = by_step(planned)[("thank_you", "dana@acme.com")]
    assert (step.state, step.due, step.action) == (State.PLANNED, THANK_YOU_DUE, None)


def test_thank_you_is_created_as_a_draft_when_due(cfg: Settings) -> None:
    planned = plan(facts((interview(),)), THANK_YOU_DUE, cfg)
    [action] = actions(planned)
    assert (action.key, action.mode, action.thread_id) == (
        "acme/thank_you/dana@acme.com",
        "draft",
        "",
    )


def test_panel_gets_one_note_per_interviewer(cfg: Settings) -> None:
    panel = interview(format=Format.PANEL, interviewers=(DANA, LEE, KIM))
    keys = [a.key for a in actions(plan(facts((panel,)), THANK_YOU_DUE, cfg))]
    assert keys == [f"acme/thank_you/{p.email}" for p in (DANA, LEE, KIM)]


def test_group_interview_gets_one_note_to_the_lead(cfg: Settings) -> None:
    lead_second = interview(
        format=Format.GROUP,
        interviewers=(LEE, Person(name="Dana Smith", email="dana@acme.com", lead=True)),
    )
    keys = [a.key for a in actions(plan(facts((lead_second,)), THANK_YOU_DUE, cfg))]
    assert keys == ["acme/thank_you/dana@acme.com"]


def test_a_nudge_moves_into_the_send_window_in_the_interviewers_zone(cfg: Settings) -> None:
    # Friday 16:00 in New York is Friday 22:00 in Berlin: the window there reopens Monday 09:00.
    berlin = ZoneInfo("Europe/Berlin")
    sent_at = datetime(2026, 11, 6, 16, 0, tzinfo=NY)  # five business days before Friday 13th
    in_berlin = interview(timezone=berlin)
    friday_night = datetime(2026, 11, 13, 23, 0, tzinfo=berlin)
    planned = plan(facts((in_berlin,), sent("thank_you", DANA, sent_at)), friday_night, cfg)
    step = by_step(planned)[("followup-1", "dana@acme.com")]
    assert step.state is State.AWAITING_WINDOW
    assert step.due == datetime(2026, 11, 16, 9, 0, tzinfo=berlin)
    assert step.action is None


def test_a_thank_you_draft_is_ready_two_hours_after_whatever_the_window(cfg: Settings) -> None:
    friday_evening = interview(end=datetime(2026, 11, 20, 18, 0, tzinfo=NY))
    [action] = actions(
        plan(facts((friday_evening,)), datetime(2026, 11, 20, 20, 0, tzinfo=NY), cfg)
    )
    assert (action.key, action.mode) == ("acme/thank_you/dana@acme.com", "draft")


def test_a_sent_thank_you_waits_for_the_window_but_never_past_its_24_hour_mark(
    make_settings: MakeSettings,
) -> None:
    cfg = make_settings(delivery={"mode": "send"})
    berlin = ZoneInfo("Europe/Berlin")
    # Thursday 16:00 in New York: due 18:00 (midnight in Berlin), the window opens Friday 09:00
    thursday = interview(end=datetime(2026, 11, 19, 16, 0, tzinfo=NY), timezone=berlin)
    step = plan(facts((thursday,)), datetime(2026, 11, 19, 19, 0, tzinfo=NY), cfg)[0]
    assert (step.state, step.due) == (
        State.AWAITING_WINDOW,
        datetime(2026, 11, 20, 9, 0, tzinfo=berlin),
    )
    # Friday 16:00 in New York: the window reopens Monday, past the mark: it goes at 18:00
    friday = interview(end=datetime(2026, 11, 20, 16, 0, tzinfo=NY), timezone=berlin)
    step = plan(facts((friday,)), datetime(2026, 11, 20, 18, 0, tzinfo=NY), cfg)[0]
    assert step.due == datetime(2026, 11, 20, 18, 0, tzinfo=NY)
    assert step.action is not None and step.action.mode == "send"


def test_always_window_creates_at_the_due_time(make_settings: MakeSettings) -> None:
    cfg = make_settings(delivery={"send_window": "always"})
    saturday = interview(end=datetime(2026, 11, 20, 20, 0, tzinfo=NY))
    due = datetime(2026, 11, 21, 20, 0, tzinfo=NY)
    assert actions(plan(facts((saturday,)), due, cfg))


# --- nudges ------------------------------------------------------------------------------


def test_nudge_waits_until_the_thank_you_draft_is_sent(cfg: Settings) -> None:
    drafted = record("thank_you", DANA, Phase.DRAFTED, draft_id="d1")
    nudge = by_step(plan(facts((interview(),), drafted), END + timedelta(days=30), cfg))[
        ("followup-1", "dana@acme.com")
    ]
    assert (nudge.state, nudge.action) == (State.PLANNED, None)
    assert "send the thank_you draft" in nudge.reason


def test_first_nudge_counts_business_days_from_the_actual_send(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 23, 10, 30, tzinfo=NY)  # Monday: approved late
    planned = plan(facts((interview(),), sent("thank_you", DANA, sent_at)), sent_at, cfg)
    nudge = by_step(planned)[("followup-1", "dana@acme.com")]
    assert nudge.due == datetime(2026, 11, 30, 10, 30, tzinfo=NY)  # five weekdays later


def test_nudge_replies_in_the_thank_you_thread(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    later = sent_at + timedelta(days=10)
    [action] = actions(
        plan(facts((interview(),), sent("thank_you", DANA, sent_at, "t-9")), later, cfg)
    )
    assert (action.key, action.thread_id) == ("acme/followup-1/dana@acme.com", "t-9")


def test_nudges_go_to_the_contact_after_the_first_thank_you_sent(cfg: Settings) -> None:
    with_contact = interview(format=Format.PANEL, interviewers=(DANA, LEE), contacts=(SAM,))
    first = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    records = (sent("thank_you", DANA, first + timedelta(hours=2)), sent("thank_you", LEE, first))
    planned = plan(facts((with_contact,), *records), first + timedelta(days=10), cfg)
    nudge = by_step(planned)[("followup-1", "sam@acme.com")]
    assert nudge.due == datetime(2026, 11, 27, 15, 0, tzinfo=NY)
    assert nudge.action is not None and nudge.action.thread_id == ""  # a new thread with Sam
    assert ("followup-1", "dana@acme.com") not in by_step(planned)


def test_expect_response_by_sets_the_first_nudge_to_the_next_business_day(cfg: Settings) -> None:
    expected = datetime(2026, 12, 4, 9, 0, tzinfo=NY)  # a Friday: the nudge waits for Monday
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    planned = plan(
        facts((interview(expect_response_by=expected),), sent("thank_you", DANA, sent_at)),
        datetime(2026, 12, 4, 12, 0, tzinfo=NY),
        cfg,
    )
    nudge = by_step(planned)[("followup-1", "dana@acme.com")]
    assert (nudge.state, nudge.due) == (State.PLANNED, datetime(2026, 12, 7, 9, 0, tzinfo=NY))
    assert nudge.reason == "they said they would answer by Fri 04 Dec"


def test_later_nudges_follow_the_previous_one(cfg: Settings) -> None:
    first = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    nudge_sent = datetime(2026, 12, 1, 11, 0, tzinfo=NY)
    records = (sent("thank_you", DANA, first), sent("followup-1", DANA, nudge_sent))
    planned = plan(facts((interview(),), *records), nudge_sent, cfg)
    assert by_step(planned)[("followup-2", "dana@acme.com")].due == datetime(
        2026, 12, 10, 11, 0, tzinfo=NY
    )  # seven business days


def test_max_followups_zero_plans_no_nudges(make_settings: MakeSettings) -> None:
    cfg = make_settings(cadence={"max_followups": 0})
    assert [p.step for p in plan(facts((interview(),)), END, cfg)] == ["thank_you"]


# --- stop rules ------------------------------------------------------------------------------


def test_a_human_reply_marks_the_step_replied_and_cancels_nudges(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    answer = reply(sent_at + timedelta(days=1))
    planned = by_step(
        plan(
            facts((interview(),), sent("thank_you", DANA, sent_at), seen=(answer,)),
            sent_at + timedelta(days=20),
            cfg,
        )
    )
    assert planned[("thank_you", "dana@acme.com")].state is State.REPLIED
    nudges = [planned[(f"followup-{n}", "dana@acme.com")] for n in (1, 2)]
    assert [(n.state, n.reason, n.action) for n in nudges] == [
        (State.CANCELLED, "replied", None)
    ] * 2


def test_a_reply_from_the_company_domain_in_another_thread_stops_nudges(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    other = reply(sent_at + timedelta(days=1), sender="hr@acme.com", thread="elsewhere")
    planned = plan(
        facts((interview(),), sent("thank_you", DANA, sent_at), seen=(other,)),
        sent_at + timedelta(days=20),
        cfg,
    )
    assert not actions(planned)
    assert by_step(planned)[("thank_you", "dana@acme.com")].state is State.REPLIED


def test_a_message_before_the_first_thank_you_is_not_a_reply(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    scheduling = reply(START - timedelta(days=3), sender="sam@acme.com", thread="booking")
    planned = plan(
        facts((interview(),), sent("thank_you", DANA, sent_at), seen=(scheduling,)),
        sent_at + timedelta(days=20),
        cfg,
    )
    assert [a.key for a in actions(planned)] == ["acme/followup-1/dana@acme.com"]


def test_an_auto_reply_is_not_a_reply_but_its_return_date_delays_the_nudge(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    back = date(2026, 12, 7)  # a Monday: the nudge waits for Tuesday
    away = reply(sent_at + timedelta(minutes=1), kind=Kind.AUTO, return_date=back)
    planned = plan(
        facts((interview(),), sent("thank_you", DANA, sent_at), seen=(away,)),
        sent_at + timedelta(days=8),
        cfg,
    )
    nudge = by_step(planned)[("followup-1", "dana@acme.com")]
    assert (nudge.state, nudge.due) == (State.PLANNED, datetime(2026, 12, 8, 9, 0, tzinfo=NY))
    assert nudge.reason == "dana@acme.com is away (auto-reply: back Mon 07 Dec 2026)"
    assert by_step(planned)[("thank_you", "dana@acme.com")].state is State.SENT


def test_a_colleagues_auto_reply_does_not_delay_the_nudge(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    back = date(2027, 1, 8)
    away = reply(sent_at, sender="lee@acme.com", kind=Kind.AUTO, return_date=back)
    planned = plan(
        facts((interview(),), sent("thank_you", DANA, sent_at), seen=(away,)), sent_at, cfg
    )
    assert by_step(planned)[("followup-1", "dana@acme.com")].due == datetime(
        2026, 11, 27, 15, 0, tzinfo=NY
    )


def test_a_bounce_marks_the_step_bounced_and_stops_that_recipient(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    bounce = Seen(
        mailbox_id="b1",
        kind=Kind.BOUNCE,
        sender="mailer-daemon@googlemail.com",
        recipients=("alex@example.com",),
        date=sent_at + timedelta(minutes=2),
        thread_id="t-1",
        bounced=("dana@acme.com",),
    )
    planned = by_step(
        plan(
            facts((interview(),), sent("thank_you", DANA, sent_at), seen=(bounce,)),
            sent_at + timedelta(days=20),
            cfg,
        )
    )
    assert planned[("thank_you", "dana@acme.com")].state is State.BOUNCED
    assert planned[("followup-1", "dana@acme.com")].reason == "bounced"


def test_writing_to_them_by_hand_stops_nudges(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    mine = Seen(
        mailbox_id="o1",
        kind=Kind.OWN,
        sender="alex@example.com",
        recipients=("dana@acme.com",),
        date=sent_at + timedelta(days=2),
    )
    planned = plan(
        facts((interview(),), sent("thank_you", DANA, sent_at), seen=(mine,)),
        sent_at + timedelta(days=20),
        cfg,
    )
    assert not actions(planned)


@pytest.mark.parametrize("outcome", [Outcome.NEXT_ROUND, Outcome.OFFER, Outcome.WITHDRAWN])
def test_an_outcome_other_than_pending_stops_nudges(cfg: Settings, outcome: Outcome) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    planned = plan(
        facts((interview(outcome=outcome),), sent("thank_you", DANA, sent_at)),
        sent_at + timedelta(days=20),
        cfg,
    )
    assert not actions(planned)


def test_rejection_sends_one_gracious_note_and_no_nudges(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    planned = plan(
        facts(
            (interview(),), sent("thank_you", DANA, sent_at), outcomes={"acme": Outcome.REJECTED}
        ),
        datetime(2026, 11, 24, 10, 0, tzinfo=NY),
        cfg,
    )
    [action] = actions(planned)
    assert (action.key, action.thread_id) == ("acme/rejection/dana@acme.com", "t-1")


def test_a_declined_draft_is_skipped_and_never_recreated(cfg: Settings) -> None:
    declined = record("thank_you", DANA, Phase.DECLINED)
    planned = by_step(plan(facts((interview(),), declined), END + timedelta(days=30), cfg))
    assert planned[("thank_you", "dana@acme.com")].state is State.SKIPPED
    assert planned[("followup-1", "dana@acme.com")].state is State.CANCELLED
    assert not actions(list(planned.values()))


def test_send_mode_drafts_a_message_that_is_too_late(make_settings: MakeSettings) -> None:
    cfg = make_settings(delivery={"mode": "send", "max_lateness": "12h"})
    # the thank-you is due Thursday 17:00, when the window closes: lateness counts from Friday 09:00
    opens = datetime(2026, 11, 20, 9, 0, tzinfo=NY)
    on_time = actions(plan(facts((interview(),)), opens + timedelta(hours=11), cfg))
    late = actions(plan(facts((interview(),)), opens + timedelta(hours=13), cfg))
    assert on_time[0].mode == "send"
    assert (late[0].mode, late[0].reason) == ("draft", "drafted instead of sent: 13.0h late")


def test_a_removed_interview_cancels_uncreated_steps_and_keeps_created_ones(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    kept = sent("thank_you", DANA, sent_at)
    planned_only = Record(
        key="acme/followup-1/dana@acme.com",
        interview="acme",
        step="followup-1",
        recipient="dana@acme.com",
    )
    planned = by_step(plan(facts((), kept, planned_only), sent_at + timedelta(days=20), cfg))
    assert planned[("thank_you", "dana@acme.com")].state is State.SENT
    assert planned[("followup-1", "dana@acme.com")].reason == "removed from the schedule"


def test_an_unthreaded_bounce_marks_the_step_it_returned(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    thank_you = replace(sent("thank_you", DANA, sent_at), message_id="<ty-1@example.com>")
    bounce = Seen(
        mailbox_id="b2",
        kind=Kind.BOUNCE,
        sender="mailer-daemon@mx.acme.com",
        recipients=("alex@example.com",),
        date=sent_at + timedelta(minutes=5),
        thread_id="unrelated",
        returned=("<ty-1@example.com>",),
    )
    planned = by_step(plan(facts((interview(),), thank_you, seen=(bounce,)), sent_at, cfg))
    assert planned[("thank_you", "dana@acme.com")].state is State.BOUNCED
    assert planned[("followup-1", "dana@acme.com")].reason == "bounced"


def test_a_bounce_that_names_someone_else_changes_nothing(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    bounce = Seen(
        mailbox_id="b3",
        kind=Kind.BOUNCE,
        sender="mailer-daemon@mx.example.net",
        recipients=("alex@example.com",),
        date=sent_at,
        bounced=("someone@elsewhere.example",),
    )
    planned = by_step(
        plan(facts((interview(),), sent("thank_you", DANA, sent_at), seen=(bounce,)), sent_at, cfg)
    )
    assert planned[("thank_you", "dana@acme.com")].state is State.SENT


def test_an_invitation_from_the_company_stops_the_nudges(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    invite = reply(
        sent_at + timedelta(days=2),
        sender="calendar-notification@google.com",
        kind=Kind.INVITE,
        thread="new",
        organizer="sam@acme.com",
    )
    planned = by_step(
        plan(
            facts((interview(),), sent("thank_you", DANA, sent_at), seen=(invite,)),
            sent_at + timedelta(days=20),
            cfg,
        )
    )
    assert planned[("followup-1", "dana@acme.com")].reason == "invited"
    assert planned[("thank_you", "dana@acme.com")].state is State.SENT


def test_the_invitation_for_the_interview_itself_stops_nothing(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    booking = reply(START - timedelta(days=5), kind=Kind.INVITE, organizer="sam@acme.com")
    planned = plan(
        facts((interview(),), sent("thank_you", DANA, sent_at), seen=(booking,)),
        sent_at + timedelta(days=20),
        cfg,
    )
    assert [a.key for a in actions(planned)] == ["acme/followup-1/dana@acme.com"]


def test_a_declined_thank_you_cancels_the_whole_chain_with_one_reason(cfg: Settings) -> None:
    declined = record("thank_you", DANA, Phase.DECLINED)
    planned = by_step(plan(facts((interview(),), declined), END + timedelta(days=30), cfg))
    reasons = {planned[(f"followup-{n}", "dana@acme.com")].reason for n in (1, 2)}
    assert reasons == {"you deleted the draft it would follow"}


def test_a_contact_gets_no_nudge_when_every_thank_you_was_declined(cfg: Settings) -> None:
    panel = interview(format=Format.PANEL, interviewers=(DANA, LEE), contacts=(SAM,))
    records = (record("thank_you", DANA, Phase.DECLINED), record("thank_you", LEE, Phase.DECLINED))
    planned = by_step(plan(facts((panel,), *records), END + timedelta(days=30), cfg))
    assert planned[("followup-1", "sam@acme.com")].state is State.CANCELLED
    assert planned[("followup-2", "sam@acme.com")].reason == "no thank-you was sent"


def test_an_unsent_thank_you_draft_is_overdue_after_its_mark(cfg: Settings) -> None:
    drafted = record("thank_you", DANA, Phase.DRAFTED, draft_id="d1")
    before = by_step(plan(facts((interview(),), drafted), END + timedelta(hours=23), cfg))
    after = by_step(plan(facts((interview(),), drafted), END + timedelta(hours=25), cfg))
    assert before[("thank_you", "dana@acme.com")].reason == ""
    step = after[("thank_you", "dana@acme.com")]
    assert step.state is State.AWAITING_APPROVAL
    assert step.reason.startswith("overdue")


def test_a_held_interview_creates_nothing_until_the_hold_ends(cfg: Settings) -> None:
    until = datetime(2027, 1, 4, 0, 0, tzinfo=NY)
    held = Facts(interviews=(interview(),), holds={"acme": Hold(until=until)})
    planned = plan(held, THANK_YOU_DUE + timedelta(days=3), cfg)
    step = by_step(planned)[("thank_you", "dana@acme.com")]
    assert (step.state, step.action) == (State.PLANNED, None)
    assert step.due == datetime(2027, 1, 4, 9, 0, tzinfo=NY)
    assert step.reason == "on hold until Mon 04 Jan 2027"
    assert actions(plan(held, datetime(2027, 1, 4, 9, 0, tzinfo=NY), cfg))


def test_a_hold_without_end_waits_for_resume(cfg: Settings) -> None:
    held = Facts(interviews=(interview(),), holds={"acme": Hold()})
    step = plan(held, THANK_YOU_DUE + timedelta(days=300), cfg)[0]
    assert (step.action, step.reason) == (None, "on hold: `followup-mailer resume` to go on")


def test_a_held_interview_still_counts_replies(cfg: Settings) -> None:
    sent_at = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    answer = reply(sent_at + timedelta(days=1))
    held = Facts(
        interviews=(interview(),),
        records={r.key: r for r in [sent("thank_you", DANA, sent_at)]},
        seen=(answer,),
        holds={"acme": Hold()},
    )
    planned = by_step(plan(held, sent_at + timedelta(days=20), cfg))
    assert planned[("followup-1", "dana@acme.com")].reason == "replied"


def test_stay_in_touch_is_a_draft_weeks_after_the_last_nudge(make_settings: MakeSettings) -> None:
    cfg = make_settings(cadence={"stay_in_touch_after": "6w"}, delivery={"mode": "send"})
    first = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    nudged = datetime(2026, 12, 14, 10, 0, tzinfo=NY)
    records = (
        sent("thank_you", DANA, first),
        sent("followup-1", DANA, first + timedelta(days=7)),
        sent("followup-2", DANA, nudged),
    )
    planned = by_step(plan(facts((interview(),), *records), nudged + timedelta(weeks=7), cfg))
    step = planned[("stay_in_touch", "dana@acme.com")]
    assert step.due == nudged + timedelta(weeks=6)
    assert step.action is not None and step.action.mode == "draft"


def test_stay_in_touch_follows_the_rejection_note(make_settings: MakeSettings) -> None:
    cfg = make_settings(cadence={"stay_in_touch_after": "6w"})
    first = datetime(2026, 11, 20, 15, 0, tzinfo=NY)
    note = datetime(2026, 11, 25, 10, 0, tzinfo=NY)
    records = (sent("thank_you", DANA, first), sent("rejection", DANA, note))
    outcomes = {"acme": Outcome.REJECTED}
    planned = by_step(plan(facts((interview(),), *records, outcomes=outcomes), note, cfg))
    assert planned[("stay_in_touch", "dana@acme.com")].due == note + timedelta(weeks=6)
    answer = reply(note + timedelta(days=1))
    planned = by_step(
        plan(facts((interview(),), *records, seen=(answer,), outcomes=outcomes), note, cfg)
    )
    assert planned[("stay_in_touch", "dana@acme.com")].reason == "replied"


def test_no_stay_in_touch_after_an_offer(make_settings: MakeSettings) -> None:
    cfg = make_settings(cadence={"stay_in_touch_after": "6w"})
    facts_ = facts((interview(outcome=Outcome.OFFER),))
    step = by_step(plan(facts_, END, cfg))[("stay_in_touch", "dana@acme.com")]
    assert (step.state, step.reason) == (State.CANCELLED, "outcome: offer")


def test_send_or_draft_drafts_a_flagged_send() -> None:
    action = Create(key="acme/thank_you/dana@acme.com", mode="send", thread_id="")
    assert send_or_draft(action, lint_findings=False, too_similar=False) == action
    flagged = send_or_draft(action, lint_findings=True, too_similar=False)
    assert (flagged.mode, flagged.reason) == (
        "draft",
        "drafted instead of sent: the lint found problems",
    )
    close = send_or_draft(action, lint_findings=False, too_similar=True)
    assert close.reason == "drafted instead of sent: too close to another note of the panel"


# --- properties ----------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
zones = st.sampled_from(["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney"])


@st.composite
def histories(draw: st.DrawFn) -> tuple[Facts, datetime]:
    """A random interview with a random history of sends, replies and outcomes."""
    end = draw(instants)
    tz = ZoneInfo(draw(zones))
    record_list = []
    clock = end + timedelta(hours=draw(st.integers(0, 200)))
    for step in ("thank_you", "followup-1", "followup-2"):
        if not draw(st.booleans()):
            break
        record_list.append(sent(step, DANA, clock))
        clock += timedelta(hours=draw(st.integers(1, 400)))
    seen: tuple[Seen, ...] = ()
    if draw(st.booleans()):
        seen = (reply(end + timedelta(hours=draw(st.integers(0, 2000)))),)
    outcome = draw(st.sampled_from(list(Outcome)))
    subject = interview(end=end, start=end - timedelta(hours=1), timezone=tz, outcome=outcome)
    now = end + timedelta(hours=draw(st.integers(0, 3000)))
    return facts((subject,), *record_list, seen=seen), now


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(histories())
def test_plan_properties(cfg: Settings, history: tuple[Facts, datetime]) -> None:
    facts_, now = history
    planned = plan(facts_, now, cfg)
    assert planned == plan(facts_, now, cfg)  # recomputing is idempotent
    window, interview_ = cfg.delivery.send_window, facts_.interviews[0]
    calendar = cfg.calendar(interview_.timezone)
    records = facts_.records
    for step in planned:
        if step.key in records:
            continue
        if step.step == "thank_you" and step.due is not None:
            # a thank-you draft is ready `thank_you_after` after the interview, window or not
            assert step.due == interview_.end + cfg.cadence.thank_you_after.fixed
        elif step.due is not None and step.state is not State.CANCELLED:
            assert window.contains(step.due, calendar)  # every due time is inside the window
            previous = [r.sent_at for r in records.values() if r.sent_at]
            if step.step.startswith("followup-"):
                assert previous and step.due >= max(previous)  # never before its predecessor
        if step.action is not None:
            assert interview_.outcome is not Outcome.WITHDRAWN
            if interview_.outcome is Outcome.REJECTED:
                assert step.step == "rejection"
            first = min((r.sent_at for r in records.values() if r.sent_at), default=None)
            replied = any(s.kind is Kind.HUMAN and first and s.date > first for s in facts_.seen)
            if step.step.startswith("followup-"):
                # nothing is planned after a reply or a non-pending outcome
                assert not replied and interview_.outcome is Outcome.PENDING


def test_the_overdue_mark_is_said_once_however_many_passes_saw_it(cfg: Settings) -> None:
    late = record("thank_you", DANA, Phase.DRAFTED, draft_id="d1", reason="drafted: 30.0h late")
    first = by_step(plan(facts((interview(),), late), END + timedelta(hours=30), cfg))
    shown = first[("thank_you", "dana@acme.com")].reason
    again = replace(late, reason=shown)  # what the ledger keeps after the pass
    second = by_step(plan(facts((interview(),), again), END + timedelta(hours=31), cfg))
    assert second[("thank_you", "dana@acme.com")].reason == shown
    assert shown.count("overdue") == 1 and shown.endswith("drafted: 30.0h late")
