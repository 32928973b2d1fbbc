"""The planner: what should happen to every step, given what did happen.

`plan(facts, now, settings)` is pure. It is the only place with cadence
rules; everything else executes or shows its answer. For every interview it
lists the steps: a thank-you per interviewer (one, to the lead, for a group
interview); up to `max_followups` nudges to the first contact, else the lead;
a rejection note when the outcome is "rejected"; and, when
`stay_in_touch_after` is set, a "stay in touch" draft. Each step's state:

* A step the mailbox already holds (the ledger has a phase for it) keeps the
  state of that phase: awaiting approval, sent, skipped (draft deleted), in
  doubt, failed; a sent step a human answered shows `replied`, one whose
  delivery failed shows `bounced`; a thank-you draft left unsent past
  `thank_you_by` is overdue.
* A step not yet created is cancelled when a stop rule applies (see
  `_stop_reason`). Otherwise it waits for its predecessor to be sent, then
  is due:
    thank-you      `thank_you_after` after the interview ends;
    followup-1     `followup_after` after the thank-you to that person was
                   sent (a contact: the first thank-you sent), or the start
                   of the next business day after `expect_response_by`;
    followup-n     `followup_every` after followup-(n-1) was sent;
    rejection      when the thank-yous were due;
    stay_in_touch  `stay_in_touch_after` after the rejection note, or after
                   the last nudge went unanswered;
  a nudge never before the business day after the return date an
  auto-reply from its recipient gave, and nothing before a hold ends.
* The due time moves forward into the send window, in the interviewers'
  timezone, except a thank-you: in draft mode the window never holds it
  back, and in send mode it never waits for the window past `thank_you_by`.
  Once the time has come the step gets a Create action: a draft in draft
  mode (and always for stay_in_touch); in send mode a sent message, or a
  draft when it is more than `max_lateness` late.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime

from followup_mailer.due import DRAFT, SEND, Clock, StepTimes
from followup_mailer.history import History, Index
from followup_mailer.model import (
    REJECTION,
    REMINDER,
    STAY_IN_TOUCH,
    THANK_YOU,
    Create,
    Facts,
    Format,
    Interview,
    Outcome,
    Person,
    Phase,
    Record,
    State,
    StepPlan,
    followup_number,
    followup_step,
    updated,
)
from followup_mailer.plan_memory import PlanMemory, made_from
from followup_mailer.settings import Settings


def plan(
    facts: Facts, now: datetime, settings: Settings, memory: PlanMemory | None = None
) -> list[StepPlan]:
    """Decide the state of every step of every interview, and what to create now (an
    interview whose plan in memory still holds is not planned again: plan_memory.py)."""
    memory = PlanMemory() if memory is None else memory
    planned: list[StepPlan] = []
    index = Index(facts)
    for interview in facts.interviews:
        inputs = made_from(interview, facts, index, settings)
        steps = memory.recall(interview.id, inputs, now)
        if steps is None:
            planner = _InterviewPlanner(interview, facts, index, now, settings)
            steps = tuple(planner.steps())
            memory.keep(interview.id, inputs, steps, now, planner.clock.next_change)
        planned.extend(steps)
    scheduled = {i.id for i in facts.interviews}
    for record in facts.records.values():
        if record.interview not in scheduled and record.step != REMINDER:
            planned.append(_removed(record))
    return planned


def actions(planned: Iterable[StepPlan]) -> list[Create]:
    """Return the actions of a plan, in order."""
    return [p.action for p in planned if p.action is not None]


def send_or_draft(action: Create, *, lint_findings: bool, too_similar: bool) -> Create:
    """Turn a send into a draft when its rendered message needs the user's eyes first."""
    if action.mode != SEND or not (lint_findings or too_similar):
        return action
    why = "too close to another note of the panel" if too_similar else "the lint found problems"
    return replace(action, mode=DRAFT, reason=f"drafted instead of sent: {why}")


def _removed(record: Record) -> StepPlan:
    """Show a step of an interview no longer in the schedule."""
    return StepPlan(
        key=record.key,
        interview=record.interview,
        step=record.step,
        to=record.recipient,
        name="",
        state=_created_state(record) if record.created else State.CANCELLED,
        due=record.due,
        reason=record.reason if record.created else "removed from the schedule",
    )


OVERDUE = "overdue: send it now ("  # how status marks a thank-you draft past its mark
_OVERDUE_END = "); "
# the state a step the mailbox holds shows, before replies and bounces
_SHOWN = {
    Phase.INTENT: State.IN_DOUBT,
    Phase.IN_DOUBT: State.IN_DOUBT,
    Phase.DRAFTED: State.AWAITING_APPROVAL,
    Phase.SENT: State.SENT,
    Phase.DECLINED: State.SKIPPED,
    Phase.FAILED: State.FAILED,
}


def _created_state(record: Record) -> State:
    """Return the state a step the mailbox holds shows, before replies and bounces."""
    return _SHOWN[record.phase or Phase.FAILED]


class _InterviewPlanner:
    """Plans the steps of one interview; holds the facts about it so rules stay one-liners."""

    def __init__(
        self, interview: Interview, facts: Facts, index: Index, now: datetime, settings: Settings
    ) -> None:
        self.interview = interview
        self.clock = Clock(now)
        self.settings = settings
        self.records = facts.records
        self.history = History(interview, facts, index)
        self.outcome = facts.outcomes.get(interview.id, interview.outcome)
        self.times = StepTimes(
            interview=interview,
            history=self.history,
            records=facts.records,
            outcome=self.outcome,
            hold=facts.holds.get(interview.id),
            settings=settings,
            clock=self.clock,
        )
        self.planned: dict[str, StepPlan] = {}  # this interview's steps so far, by key

    # --- the steps of the interview -------------------------------------------------

    def steps(self) -> Iterator[StepPlan]:
        """Plan the thank-yous, the nudges, the rejection note and stay-in-touch, in order."""
        cadence = self.settings.cadence
        for person in self._thank_you_recipients():
            yield self._step(THANK_YOU, person)
        target = self._nudge_target()
        for number in range(1, cadence.max_followups + 1):
            yield self._step(followup_step(number), target)
        if self.outcome is Outcome.REJECTED and cadence.rejection_note:
            yield self._step(REJECTION, target)
        if cadence.stay_in_touch_after is not None:
            yield self._step(STAY_IN_TOUCH, target)

    def _thank_you_recipients(self) -> tuple[Person, ...]:
        if self.interview.format is Format.GROUP:
            return (self.interview.lead,)
        return self.interview.interviewers

    def _nudge_target(self) -> Person:
        contacts = self.interview.contacts
        return contacts[0] if contacts else self.interview.lead

    def _step(self, step: str, person: Person) -> StepPlan:
        key = sys.intern(self.times.key(step, person))  # one copy each, as the ledger (rows.py)
        record = self.records.get(key)
        base = StepPlan(
            key=key,
            interview=self.interview.id,
            step=step,
            to=sys.intern(person.email.lower()),
            name=person.name,
            state=State.PLANNED,
        )
        if record is not None and record.created:
            planned = self._created(base, record)
        else:
            planned = self._uncreated(base, person)
        self.planned[key] = planned
        return planned

    # --- a step the mailbox holds -----------------------------------------------------

    def _created(self, base: StepPlan, record: Record) -> StepPlan:
        state, reason = _created_state(record), record.reason
        history = self.history
        if state is State.SENT and record.key == history.replied_key:
            # a human answered this message
            state, reason = (
                State.REPLIED,
                f"reply from {history.reply.sender}" if history.reply else "",
            )
        elif state is State.SENT and record.key in history.bounced_keys:
            # the delivery to this recipient failed
            state, reason = State.BOUNCED, "delivery failed (bounce)"
        elif state is State.AWAITING_APPROVAL and history.reply and record.step != THANK_YOU:
            # a draft still waits though they answered: the user should not send it
            reason = "they replied: delete this draft instead of sending it"
        elif state is State.AWAITING_APPROVAL and record.step == THANK_YOU:
            reason = self._overdue(reason)
        return updated(base, state=state, due=record.due, reason=reason)

    def _overdue(self, reason: str) -> str:
        """Say so when a thank-you draft is still unsent past its thank_you_by mark."""
        # the ledger keeps the reason last shown: take an earlier "overdue" off before adding it
        reason = reason.split(_OVERDUE_END, 1)[1] if _OVERDUE_END in reason else reason
        if reason.startswith(OVERDUE):
            reason = ""
        if self.clock.before(self.times.thank_you_mark()):
            return reason
        span = self.settings.cadence.thank_you_by.total_seconds() / 3600
        overdue = f"{OVERDUE}the {span:g}-hour mark after the interview has passed)"
        return f"{overdue}{_OVERDUE_END}{reason}" if reason else overdue

    # --- a step not created yet: the decision table -----------------------------------

    def _uncreated(self, base: StepPlan, person: Person) -> StepPlan:
        stop = self._stop_reason(base.step, person)
        if stop:
            return updated(base, state=State.CANCELLED, reason=stop)
        due = self.times.due(base.step, person)
        if due.at is None:
            # its predecessor has not been sent yet
            return updated(base, reason=due.why)
        return self.times.timed(base, due)

    def _stop_reason(self, step: str, person: Person) -> str:
        """Return why a step will never be created, or "" if it still may be."""
        email = person.email.lower()
        is_nudge = followup_number(step) > 0
        outcome, history = self.outcome, self.history
        later = is_nudge or step == STAY_IN_TOUCH  # the steps a reply or a new round makes moot
        if outcome is Outcome.WITHDRAWN:
            return "outcome: withdrawn"
        if step == THANK_YOU and outcome is Outcome.REJECTED:
            return "outcome: rejected"
        if is_nudge and outcome is not Outcome.PENDING:
            return f"outcome: {outcome}"
        if step == STAY_IN_TOUCH and outcome not in (Outcome.PENDING, Outcome.REJECTED):
            return f"outcome: {outcome}"
        if later and history.invite is not None:
            return "invited"
        if is_nudge and history.reply is not None:
            return "replied"
        if step == STAY_IN_TOUCH and self._answered_since(self.times.previous(step, person)):
            return "replied"
        if email in history.bounced:
            return "bounced"
        if later and (dropped := self._dropped_predecessor(step, person)):
            return dropped
        since = self.interview.end if step == THANK_YOU else history.first_sent
        if since is not None and history.wrote_by_hand(email, since):
            return "you wrote to them yourself"
        return ""

    def _dropped_predecessor(self, step: str, person: Person) -> str:
        """Return why the step this one follows will never be sent, or ""."""
        previous = self.times.previous(step, person)
        if previous is not None and previous.phase is Phase.DECLINED:
            return "you deleted the draft it would follow"
        if previous is not None and previous.phase is Phase.FAILED:
            return "the message it would follow failed"
        planned = self.planned.get(self.times.previous_key(step, person))
        if previous is None and planned is not None and planned.state is State.CANCELLED:
            return planned.reason  # the chain stops where it was cut
        if previous is None and followup_number(step) == 1 and self._no_thank_you_left():
            return "no thank-you was sent"
        return ""

    def _no_thank_you_left(self) -> bool:
        """Tell whether every thank-you of the interview ended without being sent."""
        finished = (State.SKIPPED, State.FAILED, State.CANCELLED, State.BOUNCED)
        notes = [p for p in self.planned.values() if p.step == THANK_YOU]
        return bool(notes) and all(p.state in finished for p in notes)

    def _answered_since(self, previous: Record | None) -> bool:
        """Tell whether a human replied after the message a step follows was sent."""
        reply = (
            self.history.reply_after(previous.sent_at) if previous and previous.sent_at else None
        )
        return reply is not None
