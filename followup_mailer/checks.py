"""Render planned messages without creating them: for `check` and `preview`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage

from rich.table import Table
from rich.text import Text

from followup_mailer.compose.lint import Finding, lint_panel
from followup_mailer.compose.message import render
from followup_mailer.compose.parts import Composed, Previous, Writer
from followup_mailer.errors import Problem, TemplateError, UserError
from followup_mailer.model import (
    THANK_YOU,
    Interview,
    Record,
    State,
    StepPlan,
)
from followup_mailer.reconcile import current_plan
from followup_mailer.settings import LintLimits, Settings
from followup_mailer.store import Store
from followup_mailer.template_check import check_templates

PREVIEW_HEADERS = ("From", "To", "Subject", "In-Reply-To", "References")


@dataclass
class CheckReport:
    """What `check` found: counts, lint findings, and messages that cannot be made."""

    rendered: int = 0
    findings: list[tuple[StepPlan, Finding]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def check_messages(
    *,
    settings: Settings,
    interviews: tuple[Interview, ...],
    store: Store,
    writer: Writer,
    now: datetime,
) -> CheckReport:
    """Render and lint every message the plan still holds."""
    problems = delivery_problems(settings) + check_templates(writer.templates_dir, writer, now)
    report = CheckReport(problems=problems)
    planned = current_plan(settings=settings, interviews=interviews, store=store, now=now)
    records = store.records()
    by_interview: dict[str, list[StepPlan]] = {}
    for step in planned:
        by_interview.setdefault(step.interview, []).append(step)
    for interview in interviews:
        steps = by_interview.get(interview.id, [])
        rendered = _render_all(steps, interview, writer, records, now, report)
        _lint_panel(steps, rendered, interview, report, writer.limits)
    report.problems = list(dict.fromkeys(report.problems))  # a broken template fails each step
    report.findings = _once_per_note(report.findings)
    return report


def delivery_problems(settings: Settings) -> list[Problem]:
    """Check what delivering will need: a sendmail command that exists and runs (send mode)."""
    delivery = settings.delivery
    if delivery.backend != "maildir" or delivery.mode != "send":
        return []
    command = delivery.sendmail[0] if delivery.sendmail else ""
    found = shutil.which(command) if command else None
    if found and os.access(found, os.X_OK):
        return []
    what = f"{command!r} is not a program that can be run" if command else "is empty"
    fix = 'give the full path of a sendmail-compatible program, e.g. "/usr/sbin/sendmail -t -i"'
    return [Problem(str(settings.path), what, key="delivery.sendmail", fix=fix)]


def _once_per_note(findings: list[tuple[StepPlan, Finding]]) -> list[tuple[StepPlan, Finding]]:
    """Keep one `note` finding per interview and text: a highlight reaches every panelist."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for step, finding in findings:
        key = (step.interview, finding.text)
        if finding.rule == "note" and key in seen:
            continue
        seen.add(key)
        kept.append((step, finding))
    return kept


def _render_all(
    steps: list[StepPlan],
    interview: Interview,
    writer: Writer,
    records: Mapping[str, Record],
    now: datetime,
    report: CheckReport,
) -> dict[str, Composed]:
    """Render the steps not yet created, collecting findings and problems."""
    rendered: dict[str, Composed] = {}
    for step in steps:
        record = records.get(step.key)
        if step.state is State.CANCELLED or (record is not None and record.created):
            continue
        try:
            composed = _render(step, interview, writer, _previous(step, rendered, records), now)
        except TemplateError as error:
            report.problems.extend(error.problems or [Problem(interview.id, str(error))])
            continue
        rendered[step.key] = composed
        report.rendered += 1
        report.findings.extend((step, finding) for finding in composed.findings)
    return rendered


def _render(
    step: StepPlan, interview: Interview, writer: Writer, previous: Previous | None, now: datetime
) -> Composed:
    """Render one planned step with the writer."""
    return render(
        writer, interview=interview, to=step.to, step=step.step, previous=previous, date=now
    )


def _lint_panel(
    steps: list[StepPlan],
    rendered: Mapping[str, Composed],
    interview: Interview,
    r: CheckReport,
    limits: LintLimits,
) -> None:
    """Add a finding for each pair of thank-yous of the interview that are too alike."""
    notes = {s.to: rendered[s.key] for s in steps if s.step == THANK_YOU and s.key in rendered}
    bodies = {to: _body(c.message) for to, c in notes.items()}
    by_to = {s.to: s for s in steps if s.step == THANK_YOU}
    names = [p.name for p in interview.people]
    for first, _second, finding in lint_panel(bodies, names, limits):
        r.findings.append((by_to[first], finding))


def _previous(
    step: StepPlan, rendered: Mapping[str, Composed], records: Mapping[str, Record]
) -> Previous | None:
    """Return the message a nudge would follow: the last one to that person, made or rendered."""
    if step.step == THANK_YOU:
        return None
    to_them = [c for key, c in rendered.items() if key.endswith("/" + step.to) and key != step.key]
    if to_them:
        message = to_them[-1].message
        return Previous(
            subject=str(message["Subject"]),
            message_id=str(message["Message-ID"]),
            references="",
            sent_at=None,
        )
    made = [
        r
        for r in records.values()
        if r.interview == step.interview and r.recipient == step.to and r.message_id
    ]
    if not made:
        return None
    last = max(made, key=lambda r: r.intent_at or r.sent_at or datetime.min.replace(tzinfo=UTC))
    return Previous(
        subject=last.subject, message_id=last.message_id, references="", sent_at=last.sent_at
    )


def findings_table(findings: Iterable[tuple[StepPlan, Finding]]) -> Table:
    """Build the lint table of `check`."""
    table = Table(title="Lint", pad_edge=False)
    for column in ("Interview", "Step", "To", "Rule", "Why", "Found"):
        table.add_column(column, overflow="fold")
    for step, finding in findings:
        cells = (step.interview, step.step, step.to, finding.rule, finding.explanation)
        # user text, never read as markup
        table.add_row(*(Text(cell) for cell in (*cells, finding.text)))
    return table


def preview(
    *,
    settings: Settings,
    interviews: tuple[Interview, ...],
    store: Store,
    writer: Writer,
    interview_id: str,
    to: str | None,
    step: str | None,
    now: datetime,
) -> str:
    """Render one step's message as text: headers, body, lint results."""
    interview = next((i for i in interviews if i.id == interview_id), None)
    if interview is None:
        known = ", ".join(i.id for i in interviews) or "none"
        raise UserError(f"no interview {interview_id!r} in the schedule (known: {known})")
    planned = current_plan(settings=settings, interviews=interviews, store=store, now=now)
    chosen = _choose(planned, interview_id, to, step)
    records = store.records()
    # the steps before it are rendered as check renders them, so its `previous` is the same
    mine = [p for p in planned if p.interview == interview_id]
    earlier = mine[: mine.index(chosen)]
    rendered = _render_all(earlier, interview, writer, records, now, CheckReport())
    composed = _render(chosen, interview, writer, _previous(chosen, rendered, records), now)
    return _as_text(chosen, composed)


def _choose(
    planned: list[StepPlan], interview_id: str, to: str | None, step: str | None
) -> StepPlan:
    """Pick the step `preview` shows: the next one waiting, else the first that matches."""
    mine = [p for p in planned if p.interview == interview_id]
    if to:
        mine = [p for p in mine if p.to == to.lower()]
    if step:
        mine = [p for p in mine if p.step == step]
    waiting = [p for p in mine if p.state not in (State.CANCELLED, State.SENT, State.REPLIED)]
    if not (waiting or mine):
        steps = ", ".join(
            sorted({p.step + " to " + p.to for p in planned if p.interview == interview_id})
        )
        raise UserError(f"no such step in {interview_id}; it has: {steps}")
    return (waiting or mine)[0]


def _as_text(step: StepPlan, composed: Composed) -> str:
    """Show a composed message as `preview` prints it."""
    message = composed.message
    lines = [f"{name}: {message[name]}" for name in PREVIEW_HEADERS if message[name]]
    lines += ["", _body(message).rstrip(), "", f"-- lint ({step.step} to {step.to}) --"]
    lines += [f"{f.rule}: {f.explanation} ({f.text})" for f in composed.findings] or ["all clear"]
    return "\n".join(lines)


def _body(message: EmailMessage) -> str:
    """Return a message's plain-text body."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
