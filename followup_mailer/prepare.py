"""Render what the plan says is due, before anything is recorded or created.

A bad value, thread or template fails that step alone (nothing was announced, so nothing is
in doubt); in send mode, a note the lint flags or one too like another panelist's becomes a
draft, by the planner's rule. `apply.create` then announces and makes what is prepared.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage

from followup_mailer.compose.parts import Composed, Previous, Writer
from followup_mailer.errors import FollowupError
from followup_mailer.mailbox.protocol import Mailbox, MailboxError
from followup_mailer.model import THANK_YOU, Create, Interview, Record, State, StepPlan
from followup_mailer.plan import send_or_draft

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """What creating a step did; for a step left uncreated, the state and reason to show."""

    summary: str
    state: State | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
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
    similar = _too_similar(rendered, interviews, writer) if rendered else set()
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
    # imported at the first render: a pass with nothing due, and the commands that never
    # render (status, plan), skip Jinja2 and the lint
    from followup_mailer.compose.headers import unsafe_reason
    from followup_mailer.compose.message import render

    assert step.action is not None
    action = step.action
    if reason := unsafe_reason(action.thread_id):
        return Prepared(
            step=step, action=action, failure=_failed(f"thread {action.thread_id!r}: {reason}")
        )
    try:
        previous = previous_in(mailbox, action.thread_id, records)
    except MailboxError as error:
        return Prepared(
            step=step,
            action=action,
            failure=Result(
                summary=f"not created yet: {error}",
                state=State.PLANNED,
                reason=f"will retry: {error}",
            ),
        )
    try:
        composed = render(
            writer, interview=interview, to=step.to, step=step.step, previous=previous, date=now
        )
    except FollowupError as error:
        # nothing was created: the step shows failed until the schedule or template is fixed
        return Prepared(step=step, action=action, failure=_failed(str(error)))
    except Exception as error:  # a bug must not keep the other interviews' mail from going out
        log.exception("%s: could not be rendered", step.key)
        return Prepared(
            step=step, action=action, failure=_failed(f"could not be rendered: {error!r}")
        )
    return Prepared(step=step, action=action, composed=composed)


def _failed(reason: str) -> Result:
    return Result(summary=f"failed: {reason}", state=State.FAILED, reason=reason)


def _too_similar(
    prepared: Iterable[Prepared], interviews: Mapping[str, Interview], writer: Writer
) -> set[str]:
    """Return the keys of thank-yous too close to another note of the same panel."""
    from followup_mailer.compose.lint import lint_panel  # with the render: see _render

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
    return Previous(
        subject=tail.subject,
        message_id=tail.message_id,
        references=tail.references,
        sent_at=sent_at,
    )
