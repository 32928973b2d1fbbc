"""How steps look to people (rich tables) and to scripts (JSON)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from followup_mailer.model import Record, State
from followup_mailer.plan import StepPlan

T = TypeVar("T")

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


def status_table(items: Iterable[Row], tz: tzinfo) -> Group:
    """Build the `status` view: per interview, a table of its steps."""
    tables = []
    for interview, rows_ in _by_interview(items, lambda r: r.interview):
        table = _table(interview, "Step", "To", "State", "When", "Note")
        for row in rows_:
            note = row.reason or "; ".join(row.warnings)
            state = f"[{STATE_STYLE[row.state]}]{row.state}[/]"
            # a sent step shows when it went out, any other when it is due
            when = local(row.sent_at or row.due, tz)
            table.add_row(row.step, row.to, state, when, note)
        tables.append(table)
    return Group(*tables)


def timeline(planned: Iterable[StepPlan], tz: tzinfo, now: datetime) -> Group:
    """Build the `plan` view: per interview, its steps in time order."""
    tables: list[RenderableType] = [Text(f"Plan as of {local(now, tz)}", style="bold")]
    for interview, steps in _by_interview(planned, lambda p: p.interview):
        table = _table(interview, "When", "Step", "To", "What", "Why")
        for step in sorted(steps, key=lambda p: (p.due is None, p.due or now)):
            when = "now" if step.action else local(step.due, tz) or "—"
            what = f"create {step.action.mode}" if step.action else str(step.state)
            style = "bold" if step.action else STATE_STYLE[step.state]
            table.add_row(when, step.step, step.to, f"[{style}]{what}[/]", step.reason)
        tables.append(table)
    return Group(*tables)


def _table(title: str, *columns: str) -> Table:
    """Make a light table: short columns never wrap, addresses and notes fold."""
    table = Table(
        *columns,
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for column in table.columns:
        column.no_wrap = column.header in ("When", "Step", "State", "What")
        column.overflow = "fold"
    return table


def _by_interview(
    items: Iterable[T], interview_of: Callable[[T], str]
) -> list[tuple[str, list[T]]]:
    """Group items by interview, keeping the order in which interviews first appear."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(interview_of(item), []).append(item)
    return list(groups.items())


def local(moment: datetime | None, tz: tzinfo) -> str:
    """Format a moment in the user's timezone, e.g. 'Mon 23 Nov 14:30'."""
    if moment is None:
        return ""
    return moment.astimezone(tz).strftime("%a %d %b %H:%M")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
