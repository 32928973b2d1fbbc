"""Side effects, each announced in the ledger first: intent, mailbox call, outcome.

A step is created at most once: its intent row is committed before the
mailbox call, and an intent that never got its outcome (a crash, a timeout)
is settled by looking in the mailbox for the step's key, never by calling
again blindly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from followup_mailer.compose.message import Composed, Writer, render
from followup_mailer.compose.parts import Previous
from followup_mailer.errors import AuthError, FollowupError
from followup_mailer.faults import faultpoint
from followup_mailer.mailbox.protocol import Mailbox, MailboxError, OutcomeUnknown, Rejected
from followup_mailer.model import Interview, Phase, Record, State
from followup_mailer.plan import Create, StepPlan
from followup_mailer.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Result:
    """What creating a step did; for a step left uncreated, the state and reason to show."""

    summary: str
    state: State | None = None
    reason: str = ""


def previous_in(mailbox: Mailbox, thread_id: str, records: dict[str, Record]) -> Previous | None:
    """Return what a reply in thread_id answers, from the mailbox (the truth about the thread)."""
    if not thread_id:
        return None
    tail = mailbox.thread_tail(thread_id)
    if tail is None:
        return None
    sent_at = max(
        (r.sent_at for r in records.values() if r.thread_id == thread_id and r.sent_at),
        default=None,
    )
    return Previous(tail.subject, tail.message_id, tail.references, sent_at)


def create(
    action: Create,
    step: StepPlan,
    *,
    interview: Interview,
    writer: Writer,
    store: Store,
    mailbox: Mailbox,
    now: datetime,
) -> Result:
    """Create one step's message exactly once; return what happened."""
    try:
        previous = previous_in(mailbox, action.thread_id, store.records())
    except MailboxError as error:
        return Result(f"not created yet: {error}", State.PLANNED, f"will retry: {error}")
    try:
        composed = render(
            writer, interview=interview, to=step.to, step=step.step, previous=previous, date=now
        )
    except FollowupError as error:
        # nothing was created: the step shows failed until the schedule or template is fixed
        return Result(f"failed: {error}", State.FAILED, str(error))
    mode, reason = action.mode, action.reason
    warnings = tuple(f"{f.rule}: {f.explanation} ({f.text})" for f in composed.findings)
    if mode == "send" and warnings:
        # a message that fails the lint is left for the user to review
        mode, reason = "draft", "drafted instead of sent: the lint found problems"
    try:
        cursor = mailbox.cursor()
    except MailboxError as error:
        return Result(f"not created yet: {error}", State.PLANNED, f"will retry: {error}")
    intent = replace(
        _blank(step),
        due=step.due,
        intent_at=now,
        cursor=cursor,
        mode=mode,
        subject=str(composed.message["Subject"]),
        reason=reason,
        warnings=warnings,
    )
    if not store.record_intent(intent):
        return Result("already created")
    faultpoint("after_intent")
    return _call(mailbox, store, step.key, mode, composed, action.thread_id, reason, now)


def _call(
    mailbox: Mailbox,
    store: Store,
    key: str,
    mode: str,
    composed: Composed,
    thread_id: str,
    reason: str,
    now: datetime,
) -> Result:
    """Make the mailbox call an intent announced, and record its outcome."""
    try:
        if mode == "send":
            placed = mailbox.send(composed.message, thread_id=thread_id)
        else:
            placed = mailbox.create_draft(composed.message, thread_id=thread_id)
    except OutcomeUnknown as error:
        store.record_phase(key, Phase.IN_DOUBT, f"outcome unknown, will look again: {error}")
        return Result("in doubt")
    except Rejected as error:
        store.record_phase(key, Phase.FAILED, f"refused by the mailbox: {error}")
        return Result(f"failed: {error}")
    except MailboxError as error:
        # certainly not created: forget the intent so the next pass tries again
        store.record_phase(key, None, "")
        return Result(f"not created yet: {error}", State.PLANNED, f"will retry: {error}")
    except AuthError:
        # refused before anything was created: forget the intent, then pause for sign-in
        store.record_phase(key, None, "")
        raise
    faultpoint("after_mailbox_call")
    if mode == "send":
        store.record_placed(key, Phase.SENT, replace(placed, sent_at=placed.sent_at or now), reason)
        return Result("sent")
    store.record_placed(key, Phase.DRAFTED, placed, reason)
    return Result("drafted")


def settle(store: Store, record: Record, mailbox: Mailbox) -> str:
    """Settle one intent and record what the look found."""
    try:
        placed = mailbox.find(record.key, since=record.cursor)
    except OutcomeUnknown as error:
        store.record_phase(record.key, Phase.IN_DOUBT, f"still in doubt: {error}")
        return "in doubt"
    if placed is None:
        # looked, and it is not there: safe to create it again
        store.record_phase(record.key, None, "")
        return "not created: will create"
    phase = Phase.SENT if placed.sent_at else Phase.DRAFTED
    store.record_placed(record.key, phase, placed, "")
    return "found " + ("sent" if placed.sent_at else "draft")


def _blank(step: StepPlan) -> Record:
    return Record(step.key, step.interview, step.step, step.to)
