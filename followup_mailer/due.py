"""When each step is due: the time rules of the planner (pure).

`StepTimes` knows one interview's chain of steps (which message each one
follows), works out when a step is due from when its predecessor was sent,
and places it in time: planned, waiting for the send window, or due now
with the action that creates it. plan.py decides *whether* a step happens;
this module decides *when*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from followup_mailer.history import History
from followup_mailer.model import (
    REJECTION,
    STAY_IN_TOUCH,
    THANK_YOU,
    Create,
    Hold,
    Interview,
    Outcome,
    Person,
    Phase,
    Record,
    State,
    StepPlan,
    followup_number,
    followup_step,
    step_key,
    updated,
)
from followup_mailer.settings import Settings

DRAFT, SEND = "draft", "send"


class Clock:
    """Now, for the time rules: a comparison that says "not yet" notes when that will change.

    The clock enters a plan only through `before`, so the earliest moment noted is when the
    plan could next change with time alone (plan_memory.py keeps a plan until then).
    """

    __slots__ = ("next_change", "now")

    def __init__(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)
        self.next_change: datetime | None = None

    def before(self, moment: datetime) -> bool:
        """Tell whether now is before a moment."""
        if self.now >= moment:
            return False
        if self.next_change is None or moment < self.next_change:
            self.next_change = moment
        return True


@dataclass(frozen=True, slots=True)
class Due:
    """When a step may be created, or None and why it still waits; `why` explains a delay."""

    at: datetime | None
    why: str = ""


class StepTimes:
    """The time rules for the steps of one interview."""

    def __init__(
        self,
        *,
        interview: Interview,
        history: History,
        records: dict[str, Record],
        outcome: Outcome,
        hold: Hold | None,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.interview, self.history, self.records = interview, history, records
        self.outcome, self.hold, self.settings = outcome, hold, settings
        self.clock = clock
        self.calendar = settings.calendar(interview.timezone)

    def due(self, step: str, person: Person) -> Due:
        cadence = self.settings.cadence
        if step in (THANK_YOU, REJECTION):
            return Due(cadence.thank_you_after.after(self.interview.end, self.calendar))
        previous = self.previous(step, person)
        if previous is None or previous.phase is not Phase.SENT or previous.sent_at is None:
            return Due(None, self._waiting_reason(step, person, previous))
        if step == STAY_IN_TOUCH:
            assert cadence.stay_in_touch_after is not None  # the step exists only when set
            return Due(cadence.stay_in_touch_after.after(previous.sent_at, self.calendar))
        return self._after_return_date(self._nudge_due(step, previous.sent_at), person, previous)

    def _nudge_due(self, step: str, sent_at: datetime) -> Due:
        cadence = self.settings.cadence
        expected = self.interview.expect_response_by
        if followup_number(step) == 1 and expected is not None:
            # the first open slot of the next business day after the date they gave
            day = _local_day(expected, self.calendar.tz)
            start = self.calendar.start_of_next_business_day(day)
            return Due(
                max(_utc(start), _utc(sent_at)), f"they said they would answer by {day:%a %d %b}"
            )
        wait = cadence.followup_after if followup_number(step) == 1 else cadence.followup_every
        return Due(wait.after(sent_at, self.calendar))

    def _after_return_date(self, due: Due, person: Person, previous: Record) -> Due:
        """Push a nudge past the business day after the return date its recipient gave."""
        assert due.at is not None and previous.sent_at is not None
        email = person.email.lower()
        away = [s for s in self.history.return_dates(previous.sent_at) if s.sender == email]
        if not away:
            return due
        latest = max(away, key=lambda s: (s.return_date, s.date))
        assert latest.return_date is not None
        back = latest.return_date
        resume = _utc(self.calendar.start_of_next_business_day(back))
        if resume <= _utc(due.at):
            return due
        return Due(resume, f"{email} is away (auto-reply: back {back:%a %d %b %Y})")

    def previous(self, step: str, person: Person) -> Record | None:
        """Return the record of the step this one follows (None: not created, or none)."""
        if step in (THANK_YOU, REJECTION):
            return None
        if step == STAY_IN_TOUCH:
            return self._stay_in_touch_after(person)
        number = followup_number(step)
        if number > 1:
            return self.records.get(self.key(followup_step(number - 1), person))
        own = self.records.get(self.key(THANK_YOU, person))
        if own is not None or person in self.interview.interviewers:
            return own
        # a contact: the first thank-you of the interview that was sent
        return self.history.first_sent_of(THANK_YOU)

    def _stay_in_touch_after(self, person: Person) -> Record | None:
        """Return what a stay-in-touch draft follows: the rejection note, else the last nudge."""
        cadence = self.settings.cadence
        if self.outcome is Outcome.REJECTED and cadence.rejection_note:
            return self.records.get(self.key(REJECTION, person))
        if self.outcome is Outcome.REJECTED or cadence.max_followups == 0:
            sent = [r for r in self.history.sent if r.recipient == person.email.lower()]
            return sent[-1] if sent else self.history.first_sent_of(THANK_YOU)
        return self.records.get(self.key(followup_step(cadence.max_followups), person))

    def previous_key(self, step: str, person: Person) -> str:
        """Return the key of the step this one follows in the chain to the same person."""
        number, cadence = followup_number(step), self.settings.cadence
        rejected = self.outcome is Outcome.REJECTED
        if number > 1:
            name = followup_step(number - 1)
        elif step == STAY_IN_TOUCH and rejected and cadence.rejection_note:
            name = REJECTION
        elif step == STAY_IN_TOUCH and not rejected and cadence.max_followups:
            name = followup_step(cadence.max_followups)
        else:
            name = THANK_YOU
        return self.key(name, person)

    def _waiting_reason(self, step: str, person: Person, previous: Record | None) -> str:
        name = self.previous_key(step, person).split("/")[1]
        if previous is not None and previous.phase is Phase.DRAFTED:
            return f"waits until you send the {name} draft"
        return f"waits until the {name} is sent"

    # --- placing a step in time ---------------------------------------------------------

    def timed(self, base: StepPlan, due: Due) -> StepPlan:
        """Place a step in time: planned, waiting for the window, or due now."""
        assert due.at is not None
        at, opens = self._opening(base.step, _utc(due.at))
        why = due.why
        if self.hold is not None:
            # nothing is created while the interview is on hold
            held = self._hold_ends()
            if held is None:
                return updated(base, due=opens, reason="on hold: `followup-mailer resume` to go on")
            if held > opens:
                local = held.astimezone(self.calendar.tz)
                at, opens, why = held, held, f"on hold until {local:%a %d %b %Y}"
        # compare in UTC: within one zone, datetimes compare by wall time and ignore fold
        if self.clock.before(at):
            return updated(base, state=State.PLANNED, due=opens, reason=why)
        if self.clock.before(opens):
            return updated(
                base, state=State.AWAITING_WINDOW, due=opens, reason="outside the send window"
            )
        return updated(base, due=opens, reason=why, action=self._create(base, opens))

    def _opening(self, step: str, due: datetime) -> tuple[datetime, datetime]:
        """Return when a step is due and the first moment inside the window it may be created."""
        window, mode = self.settings.delivery.send_window, self.settings.delivery.mode
        if step == THANK_YOU and mode == DRAFT:
            return due, due  # the user decides when to press Send
        opens = _utc(window.next_open(due, self.calendar))
        if step == THANK_YOU and opens > self.thank_you_mark():
            return due, due  # never wait for the window past the thank_you_by mark
        return due, opens

    def _hold_ends(self) -> datetime | None:
        """Return the first open moment after a hold ends, or None while held until resumed."""
        assert self.hold is not None
        if self.hold.until is None:
            return None
        return _utc(self.settings.delivery.send_window.next_open(self.hold.until, self.calendar))

    def thank_you_mark(self) -> datetime:
        return _utc(self.interview.end) + self.settings.cadence.thank_you_by

    def _create(self, base: StepPlan, opens: datetime) -> Create:
        mode, reason = self.settings.delivery.mode, ""
        late = self.clock.now - opens  # due now: such a plan is never kept
        if base.step == STAY_IN_TOUCH:
            mode = DRAFT  # always for the user to read first
        elif mode == SEND and base.step != REJECTION and late > self.settings.delivery.max_lateness:
            # the machine was off: a stale message is better reviewed than sent
            mode, reason = DRAFT, f"drafted instead of sent: {hours(late)} late"
        return Create(key=base.key, mode=mode, thread_id=self._thread_for(base), reason=reason)

    def _thread_for(self, base: StepPlan) -> str:
        """Return the thread a step replies in ("" for a new thread)."""
        if base.step == THANK_YOU:
            return ""
        # the recruiter thread when given, else where we last wrote to them ("": a new one)
        return self.interview.thread or self.history.last_thread_with(base.to)

    def key(self, step: str, person: Person) -> str:
        return step_key(self.interview.id, step, person.email)


def _local_day(moment: date, tz: ZoneInfo) -> date:
    """Return the day a date, or a moment, is in a timezone."""
    return moment.astimezone(tz).date() if isinstance(moment, datetime) else moment


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}h"
