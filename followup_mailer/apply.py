"""Side effects, each announced in the ledger first: intent, mailbox call, outcome.

A step is created at most once: its intent row is committed before the
mailbox call, and an intent that never got its outcome (a crash, a timeout)
is settled by looking in the mailbox for the step's key, never by calling
again blindly. Only a process holding the state folder's pass lock (see
lock.py) creates or settles, so an intent found unsettled is an orphan.

`prepare` renders what the plan says is due (nothing is recorded yet: a bad
value or template fails that step alone); `create` records the intent, makes
the call and records the outcome; `settle` looks for an orphaned intent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage

from followup_mailer.compose.headers import unsafe_reason
from followup_mailer.compose.lint import lint_panel
from followup_mailer.compose.message import Composed, Writer, render
from followup_mailer.compose.parts import Previous
from followup_mailer.errors import AuthError, FollowupError
from followup_mailer.faults import faultpoint
from followup_mailer.mailbox.protocol import (
    Mailbox,
    MailboxError,
    OutcomeUnknown,
    Rejected,
    Unconfigured,
)
from followup_mailer.model import (
    KEY_HEADER,
    REMINDER,
    THANK_YOU,
    Create,
    Interview,
    Phase,
    Placed,
    Record,
    State,
    StepPlan,
)
from followup_mailer.plan import send_or_draft
from followup_mailer.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Result:
    """What creating a step did; for a step left uncreated, the state and reason to show."""

    summary: str
    state: State | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Prepared:
    """A due step with its rendered message, ready to be created (or why it cannot be)."""

    step: StepPlan
    action: Create
    composed: Composed | None = None
    failure: Result | None = None


def prepare(
    due: Sequence[StepPlan],
    *,
    interviews: Mapping[str, Interview],
    writer: Writer,
    records: Mapping[str, Record],
    mailbox: Mailbox,
    now: datetime,
) -> list[Prepared]:
    """Render every due step; in send mode, a flagged or look-alike note becomes a draft."""
    rendered = [
        _render(step, interviews[step.interview], writer, records, mailbox, now) for step in due
    ]
    similar = _too_similar(rendered, interviews, writer)
    return [_decided(p, similar) for p in rendered]


def _render(
    step: StepPlan,
    interview: Interview,
    writer: Writer,
    records: Mapping[str, Record],
    mailbox: Mailbox,
    now: datetime,
) -> Prepared:
    """Render one step's message; a failure here creates nothing and fails this step only."""
    assert step.action is not None
    action = step.action
    if reason := unsafe_reason(action.thread_id):
        return Prepared(step, action, failure=_failed(f"thread {action.thread_id!r}: {reason}"))
    try:
        previous = previous_in(mailbox, action.thread_id, records)
    except MailboxError as error:
        return Prepared(
            step,
            action,
            failure=Result(f"not created yet: {error}", State.PLANNED, f"will retry: {error}"),
        )
    try:
        composed = render(
            writer, interview=interview, to=step.to, step=step.step, previous=previous, date=now
        )
    except FollowupError as error:
        # nothing was created: the step shows failed until the schedule or template is fixed
        return Prepared(step, action, failure=_failed(str(error)))
    except Exception as error:  # a bug must not keep the other interviews' mail from going out
        log.exception("%s: could not be rendered", step.key)
        return Prepared(step, action, failure=_failed(f"could not be rendered: {error!r}"))
    return Prepared(step, action, composed)


def _failed(reason: str) -> Result:
    return Result(f"failed: {reason}", State.FAILED, reason)


def _too_similar(
    prepared: Iterable[Prepared], interviews: Mapping[str, Interview], writer: Writer
) -> set[str]:
    """Return the keys of thank-yous too close to another note of the same panel."""
    by_interview: dict[str, dict[str, Prepared]] = {}
    for p in prepared:
        if p.composed is not None and p.step.step == THANK_YOU:
            by_interview.setdefault(p.step.interview, {})[p.step.to] = p
    flagged: set[str] = set()
    for interview_id, notes in by_interview.items():
        bodies = {to: body_text(p.composed.message) for to, p in notes.items() if p.composed}
        names = [person.name for person in interviews[interview_id].people]
        for _, second, _finding in lint_panel(bodies, names, writer.limits):
            flagged.add(notes[second].step.key)
    return flagged


def _decided(prepared: Prepared, similar: set[str]) -> Prepared:
    """Apply the planner's rule for a send that the lint or the panel check flagged."""
    if prepared.composed is None:
        return prepared
    action = send_or_draft(
        prepared.action,
        lint_findings=bool(prepared.composed.findings),
        too_similar=prepared.step.key in similar,
    )
    return replace(prepared, action=action)


def body_text(message: EmailMessage) -> str:
    """Return the plain-text body of a message we composed."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def previous_in(mailbox: Mailbox, thread_id: str, records: Mapping[str, Record]) -> Previous | None:
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


def create(prepared: Prepared, *, store: Store, mailbox: Mailbox, now: datetime) -> Result:
    """Create one step's message exactly once; return what happened."""
    if prepared.failure is not None:
        return prepared.failure
    assert prepared.composed is not None
    step, action, composed = prepared.step, prepared.action, prepared.composed
    try:
        cursor = mailbox.cursor()
    except MailboxError as error:
        return Result(f"not created yet: {error}", State.PLANNED, f"will retry: {error}")
    warnings = tuple(f"{f.rule}: {f.explanation} ({f.text})" for f in composed.findings)
    intent = Record(
        step.key, step.interview, step.step, step.to, due=step.due, intent_at=now, cursor=cursor,
        mode=action.mode, subject=str(composed.message["Subject"]), reason=action.reason,
        warnings=warnings,
    )  # fmt: skip
    if not store.record_intent(intent):
        return Result("already created")
    faultpoint("after_intent")
    return _call(mailbox, store, intent, composed.message, action.thread_id, now)


def _call(
    mailbox: Mailbox,
    store: Store,
    intent: Record,
    message: EmailMessage,
    thread_id: str,
    now: datetime,
) -> Result:
    """Make the mailbox call an intent announced, and record its outcome."""
    key, send = intent.key, intent.mode in ("send", "note")
    try:
        placed = _make(mailbox, intent.mode, message, thread_id)
    except OutcomeUnknown as error:
        store.record_phase(key, Phase.IN_DOUBT, f"outcome unknown, will look again: {error}")
        return Result("in doubt")
    except Rejected as error:
        store.record_phase(key, Phase.FAILED, f"refused by the mailbox: {error}")
        return Result(f"failed: {error}")
    except Unconfigured as error:
        # certainly not created, and not worth a try until the settings are fixed
        store.record_phase(key, None, "")
        return Result(f"failed: {error}", State.FAILED, f"{error} (tried again once fixed)")
    except MailboxError as error:
        # certainly not created: forget the intent so the next pass tries again
        store.record_phase(key, None, "")
        return Result(f"not created yet: {error}", State.PLANNED, f"will retry: {error}")
    except AuthError:
        # refused before anything was created: forget the intent, then pause for sign-in
        store.record_phase(key, None, "")
        raise
    except Exception as error:  # unknown: it may have taken effect, so never try blindly again
        log.exception("%s: the mailbox call failed unexpectedly", key)
        store.record_phase(key, Phase.IN_DOUBT, f"outcome unknown, will look again: {error!r}")
        return Result("in doubt")
    faultpoint("after_mailbox_call")
    if send:
        store.record_placed(
            key, Phase.SENT, replace(placed, sent_at=placed.sent_at or now), intent.reason
        )
        return Result("sent")
    store.record_placed(key, Phase.DRAFTED, placed, intent.reason)
    return Result("drafted")


def note_to_self(
    message: EmailMessage, *, store: Store, mailbox: Mailbox, own: str, now: datetime
) -> Result:
    """Deliver a reminder to the user's own mailbox once, announced in the ledger like a step."""
    key = str(message[KEY_HEADER])
    intent = Record(
        key, "", REMINDER, own.lower(), intent_at=now, mode="note", subject=str(message["Subject"])
    )
    if not store.record_intent(intent):
        return Result("already created")
    return _call(mailbox, store, intent, message, "", now)


def _make(mailbox: Mailbox, mode: str, message: EmailMessage, thread_id: str) -> Placed:
    """Make the one mailbox call a mode calls for."""
    if mode == "note":
        return mailbox.note_to_self(message)
    if mode == "send":
        return mailbox.send(message, thread_id=thread_id)
    return mailbox.create_draft(message, thread_id=thread_id)


def settle(store: Store, record: Record, mailbox: Mailbox) -> str:
    """Settle one orphaned intent by looking for its key, and record what the look found."""
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
