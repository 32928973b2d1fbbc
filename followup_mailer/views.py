"""How steps look to people (rich tables) and to scripts (JSON)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from rich.table import Table

from followup_mailer.model import Record, State
from followup_mailer.plan import StepPlan

STATE_STYLE = {
    State.PLANNED: "cyan",
    State.AWAITING_WINDOW: "cyan",
    State.AWAITING_APPROVAL: "yellow",
    State.SENT: "green",
    State.REPLIED: "bold green",
    State.SKIPPED: "dim",
    State.CANCELLED: "dim",
    State.BOUNCED: "red",
    State.IN_DOUBT: "bold red",
    State.FAILED: "bold red",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One step as `status` shows it: the plan's state with the ledger's facts."""

    interview: str
    step: str
    to: str
    state: State
    due: datetime | None
    sent_at: datetime | None
    thread_id: str
    draft_id: str
    message_id: str
    reason: str
    warnings: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "interview": self.interview,
            "step": self.step,
            "to": self.to,
            "state": str(self.state),
            "due": _iso(self.due),
            "sent_at": _iso(self.sent_at),
            "thread_id": self.thread_id or None,
            "draft_id": self.draft_id or None,
            "message_id": self.message_id or None,
            "reason": self.reason or None,
            "warnings": list(self.warnings),
        }


def rows(planned: Iterable[StepPlan], records: Mapping[str, Record]) -> list[Row]:
    """Join the plan with the ledger (the plan decides the state, the ledger holds the ids)."""
    joined = []
    for step in planned:
        record = records.get(step.key) or Record(step.key, step.interview, step.step, step.to)
        if step.action is not None and not record.created and record.reason:
            # due, and the last pass could not create it: show why
            step = replace(step, state=record.state, reason=record.reason)
        joined.append(
            _row(step.interview, step.step, step.to, step.state, step.due, step.reason, record)
        )
    return joined


def ledger_rows(records: Mapping[str, Record]) -> list[Row]:
    """Show what the ledger last recorded (used when the schedule cannot be read)."""
    return [
        _row(r.interview, r.step, r.recipient, r.state, r.due, r.reason, r)
        for r in records.values()
    ]


def _row(
    interview: str, step: str, to: str, state: State, due: datetime | None, reason: str, r: Record
) -> Row:
    return Row(
        interview,
        step,
        to,
        state,
        due,
        r.sent_at,
        r.thread_id,
        r.draft_id,
        r.message_id,
        reason,
        r.warnings,
    )


def status_table(items: Iterable[Row], tz: tzinfo) -> Table:
    """Build the `status` table: one line per step."""
    table = Table(show_lines=False, pad_edge=False, expand=False)
    for column in ("Interview", "Step", "To", "State", "Due", "Sent", "Note"):
        table.add_column(column, overflow="fold")
    for row in items:
        note = row.reason or ("; ".join(row.warnings) if row.warnings else "")
        table.add_row(
            row.interview,
            row.step,
            row.to,
            f"[{STATE_STYLE[row.state]}]{row.state}[/]",
            local(row.due, tz),
            local(row.sent_at, tz),
            note,
        )
    return table


def timeline(planned: Iterable[StepPlan], tz: tzinfo, now: datetime) -> Table:
    """Build the `plan` timeline: every step, the ones with a time first, in time order."""
    table = Table(title=f"Plan as of {local(now, tz)}", pad_edge=False)
    for column in ("When", "Interview", "Step", "To", "State", "Why"):
        table.add_column(column, overflow="fold")
    ordered = sorted(planned, key=lambda p: (p.due is None, p.due or now, p.interview, p.key))
    for step in ordered:
        when = "now" if step.action else local(step.due, tz) or "—"
        what = f"create {step.action.mode}" if step.action else str(step.state)
        style = "bold" if step.action else STATE_STYLE[step.state]
        table.add_row(when, step.interview, step.step, step.to, f"[{style}]{what}[/]", step.reason)
    return table


def local(moment: datetime | None, tz: tzinfo) -> str:
    """Format a moment in the user's timezone, e.g. 'Mon 23 Nov 14:30'."""
    if moment is None:
        return ""
    return moment.astimezone(tz).strftime("%a %d %b %H:%M")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
