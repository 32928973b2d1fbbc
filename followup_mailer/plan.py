"""The planner: what should happen to every step, given what did happen.

`plan(facts, now, settings)` is pure. It is the only place with cadence
rules; everything else executes or shows its answer. For every interview it
lists the steps (a thank-you per interviewer, or one to the lead for a group
interview; then up to `max_followups` nudges to the first contact, else the
lead; and a rejection note when the outcome is "rejected"), and decides each
step's state:

* A step the mailbox already holds (the ledger has a phase for it) keeps the
  state of that phase: awaiting approval, sent, skipped (draft deleted),
  in doubt, failed; a sent step a human answered shows `replied`, one whose
  delivery failed shows `bounced`.
* A step not yet created is cancelled when a stop rule applies (a human
  reply from the company after the first thank-you was sent, an outcome
  other than pending, a bounce to that recipient, the user writing to that
  person by hand, the interview removed from the schedule). Otherwise it
  waits for its predecessor to be sent, then is due:
    thank-you   `thank_you_after` after the interview ends;
    followup-1  `followup_after` after the thank-you to that person was sent
                (a contact: the first thank-you sent), or `expect_response_by`;
    followup-n  `followup_every` after followup-(n-1) was sent;
    rejection   when the thank-yous were due;
  and never before an auto-reply's stated return date. The due time moves
  forward into the send window, in the recipient's timezone. Once that time
  has come, the step gets a Create action: a draft in draft mode; in send
  mode a sent message, or a draft when it is more than `max_lateness` late.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from followup_mailer.history import History, Index
from followup_mailer.intake.config import Settings
from followup_mailer.model import (
    REJECTION,
    THANK_YOU,
    Facts,
    Format,
    Interview,
    Outcome,
    Person,
    Phase,
    Record,
    State,
    followup_number,
    followup_step,
    step_key,
)

# A rule giving a step's due time, or None and why it still waits.
_DueRule = Callable[[str, Person], tuple[datetime | None, str]]


@dataclass(frozen=True, slots=True)
class Create:
    """Create the message for a step now: a draft, or (send mode) a sent message."""

    key: str
    mode: str  # "draft" or "send"
    thread_id: str  # "" starts a new thread
    reason: str = ""


@dataclass(frozen=True, slots=True)
class StepPlan:
    """One step as the planner sees it: who, what state, when, and what to do now."""

    key: str
    interview: str
    step: str
    to: str
    name: str
    state: State
    due: datetime | None = None
    reason: str = ""
    action: Create | None = None


def plan(facts: Facts, now: datetime, settings: Settings) -> list[StepPlan]:
    """Decide the state of every step of every interview, and what to create now."""
    planned: list[StepPlan] = []
    index = Index(facts)
    for interview in facts.interviews:
        planned.extend(_InterviewPlanner(interview, facts, index, now, settings).steps())
    scheduled = {p.interview for p in planned}
    for record in facts.records.values():
        if record.interview not in scheduled:
            planned.append(_removed(record))
    return planned


def actions(planned: Iterable[StepPlan]) -> list[Create]:
    """Return the actions of a plan, in order."""
    return [p.action for p in planned if p.action is not None]


def _removed(record: Record) -> StepPlan:
    """Show a step of an interview no longer in the schedule."""
    if record.created:
        state, reason = _created_state(record), record.reason
    else:
        state, reason = State.CANCELLED, "removed from the schedule"
    return StepPlan(
        record.key, record.interview, record.step, record.recipient, "", state, record.due, reason
    )


def _created_state(record: Record) -> State:
    """Return the state a step the mailbox holds shows, before replies and bounces."""
    return {
        Phase.INTENT: State.IN_DOUBT,
        Phase.IN_DOUBT: State.IN_DOUBT,
        Phase.DRAFTED: State.AWAITING_APPROVAL,
        Phase.SENT: State.SENT,
        Phase.DECLINED: State.SKIPPED,
        Phase.FAILED: State.FAILED,
    }[record.phase or Phase.FAILED]


class _InterviewPlanner:
    """Plans the steps of one interview; holds the facts about it so rules stay one-liners."""

    def __init__(
        self, interview: Interview, facts: Facts, index: Index, now: datetime, settings: Settings
    ):
        self.interview = interview
        self.now = now.astimezone(UTC)
        self.settings = settings
        self.records = facts.records
        self.history = History(interview, facts, index)
        self.outcome = facts.outcomes.get(interview.id, interview.outcome)
        self.calendar = settings.calendar(interview.timezone)

    # --- the steps of the interview -------------------------------------------------

    def steps(self) -> Iterator[StepPlan]:
        """Plan the thank-yous, the nudges and the rejection note, in order."""
        for person in self._thank_you_recipients():
            yield self._step(THANK_YOU, person, self._thank_you_due)
        target = self._nudge_target()
        for number in range(1, self.settings.cadence.max_followups + 1):
            yield self._step(followup_step(number), target, self._followup_due)
        if self.outcome is Outcome.REJECTED and self.settings.cadence.rejection_note:
            yield self._step(REJECTION, target, self._rejection_due)

    def _thank_you_recipients(self) -> tuple[Person, ...]:
        if self.interview.format is Format.GROUP:
            return (self.interview.lead,)
        return self.interview.interviewers

    def _nudge_target(self) -> Person:
        contacts = self.interview.contacts
        return contacts[0] if contacts else self.interview.lead

    def _step(self, step: str, person: Person, due_rule: _DueRule) -> StepPlan:
        key = step_key(self.interview.id, step, person.email)
        record = self.records.get(key)
        base = StepPlan(
            key, self.interview.id, step, person.email.lower(), person.name, State.PLANNED
        )
        if record is not None and record.created:
            return self._created(base, record)
        return self._uncreated(base, person, due_rule)

    # --- a step the mailbox holds -----------------------------------------------------

    def _created(self, base: StepPlan, record: Record) -> StepPlan:
        state, reason = _created_state(record), record.reason
        if state is State.SENT and record.key == self.history.replied_key:
            # a human answered this message
            reply = self.history.reply
            state, reason = State.REPLIED, f"reply from {reply.sender}" if reply else ""
        elif state is State.SENT and record.key in self.history.bounced_keys:
            # the delivery to this recipient failed
            state, reason = State.BOUNCED, "delivery failed (bounce)"
        elif state is State.AWAITING_APPROVAL and self.history.reply and record.step != THANK_YOU:
            # a draft still waits though they answered: the user should not send it
            reason = "they replied: delete this draft instead of sending it"
        return replace(base, state=state, due=record.due, reason=reason)

    # --- a step not created yet: the decision table -----------------------------------

    def _uncreated(self, base: StepPlan, person: Person, due_rule: _DueRule) -> StepPlan:
        stop = self._stop_reason(base.step, person)
        if stop:
            return replace(base, state=State.CANCELLED, reason=stop)
        due, waiting = due_rule(base.step, person)
        if due is None:
            # its predecessor has not been sent yet
            return replace(base, reason=waiting)
        return self._timed(base, due)

    def _stop_reason(self, step: str, person: Person) -> str:
        """Return why a step will never be created, or "" if it still may be."""
        email = person.email.lower()
        is_nudge = followup_number(step) > 0
        if self.outcome is Outcome.WITHDRAWN:
            return "outcome: withdrawn"
        if step == THANK_YOU and self.outcome is Outcome.REJECTED:
            return "outcome: rejected"
        if is_nudge and self.outcome is not Outcome.PENDING:
            return f"outcome: {self.outcome}"
        if is_nudge and self.history.reply is not None:
            return "replied"
        if is_nudge and self._declined_before(step, person):
            return "you deleted the draft it would follow"
        if email in self.history.bounced:
            return "bounced"
        since = self.interview.end if step == THANK_YOU else self.history.first_sent
        if since is not None and self.history.wrote_by_hand(email, since):
            return "you wrote to them yourself"
        return ""

    def _thank_you_due(self, step: str, person: Person) -> tuple[datetime | None, str]:
        return self.settings.cadence.thank_you_after.after(self.interview.end, self.calendar), ""

    def _rejection_due(self, step: str, person: Person) -> tuple[datetime | None, str]:
        return self._thank_you_due(step, person)

    def _followup_due(self, step: str, person: Person) -> tuple[datetime | None, str]:
        number = followup_number(step)
        previous = self._previous_record(number, person)
        if previous is None or previous.phase is not Phase.SENT or previous.sent_at is None:
            return None, self._waiting_reason(number, previous)
        cadence = self.settings.cadence
        if number == 1 and self.interview.expect_response_by:
            due = max(_utc(self.interview.expect_response_by), _utc(previous.sent_at))
        else:
            wait = cadence.followup_after if number == 1 else cadence.followup_every
            due = wait.after(previous.sent_at, self.calendar)
        return self._after_return_date(due, previous.sent_at), ""

    def _previous_record(self, number: int, person: Person) -> Record | None:
        """Return the step a nudge follows: the previous nudge, else the thank-you it answers."""
        if number > 1:
            return self.records.get(self._key(followup_step(number - 1), person))
        own = self.records.get(self._key(THANK_YOU, person))
        if own is not None:
            return own
        # a contact: the first thank-you of the interview that was sent
        return self.history.first_sent_of(THANK_YOU)

    def _declined_before(self, step: str, person: Person) -> bool:
        previous = self._previous_record(followup_number(step), person)
        return previous is not None and previous.phase is Phase.DECLINED

    def _waiting_reason(self, number: int, previous: Record | None) -> str:
        name = followup_step(number - 1) if number > 1 else THANK_YOU
        if previous is not None and previous.phase is Phase.DRAFTED:
            return f"waits until you send the {name} draft"
        return f"waits until the {name} is sent"

    def _after_return_date(self, due: datetime, since: datetime) -> datetime:
        """Push a nudge past the return date an auto-reply gave."""
        back = [_utc(s.return_date) for s in self.history.return_dates(since) if s.return_date]
        return max([_utc(due), *back])

    def _timed(self, base: StepPlan, due: datetime) -> StepPlan:
        """Place a step in time: planned, waiting for the window, or due now."""
        window = self.settings.delivery.send_window
        # compare in UTC: within one zone, datetimes compare by wall time and ignore fold
        due, opens = _utc(due), _utc(window.next_open(due, self.calendar))
        if self.now < due:
            return replace(base, state=State.PLANNED, due=opens)
        if self.now < opens:
            return replace(
                base, state=State.AWAITING_WINDOW, due=opens, reason="outside the send window"
            )
        return replace(base, due=opens, action=self._create(base, opens))

    def _create(self, base: StepPlan, opens: datetime) -> Create:
        mode, reason = self.settings.delivery.mode, ""
        late = self.now - opens
        if mode == "send" and base.step != REJECTION and late > self.settings.delivery.max_lateness:
            # the machine was off: a stale message is better reviewed than sent
            mode, reason = "draft", f"drafted instead of sent: {_hours(late)} late"
        return Create(base.key, mode, self._thread_for(base), reason)

    def _thread_for(self, base: StepPlan) -> str:
        """Return the thread a step replies in ("" for a new thread)."""
        if base.step == THANK_YOU:
            return ""
        # the recruiter thread when given, else where we last wrote to them ("": a new one)
        return self.interview.thread or self.history.last_thread_with(base.to)

    def _key(self, step: str, person: Person) -> str:
        return step_key(self.interview.id, step, person.email)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}h"
