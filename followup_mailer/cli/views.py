"""How steps look to people (rich tables) and to scripts (JSON).

Every cell is a rich Text, never markup: names, addresses, reasons and ids are shown exactly as
written, `[/b]` and `[#3]` included. Times follow cli/times.py: tables in the account's zone,
named in the column header, with the recipient's clock where it differs; JSON in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Column, Table
from rich.text import Text

from followup_mailer.cli.times import iso_utc, place, their_clock, when, zone_name
from followup_mailer.model import REMINDER, Interview, Record, State, StepPlan

T = TypeVar("T")
Zones = Mapping[str, ZoneInfo | None]  # interview id -> the interviewers' zone, when set

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
_NO_WRAP = ("Step", "State", "What")
_LONGEST_WHOLE = 32  # a longer address folds
_REST_OF_A_ROW = 65  # what the other columns of a row need before an address may stay whole


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
    zone: ZoneInfo | None = None  # the recipient's zone (the interview's), when set

    def as_json(self) -> dict[str, Any]:
        """Return the row for scripts: times in ISO 8601, UTC."""
        return {
            "interview": self.interview,
            "step": self.step,
            "to": self.to,
            "state": str(self.state),
            "due": iso_utc(self.due),
            "sent_at": iso_utc(self.sent_at),
            "thread_id": self.thread_id or None,
            "draft_id": self.draft_id or None,
            "message_id": self.message_id or None,
            "reason": self.reason or None,
            "warnings": list(self.warnings),
        }


def zones_of(interviews: Iterable[Interview]) -> dict[str, ZoneInfo | None]:
    """Map each interview to its interviewers' zone."""
    return {interview.id: interview.timezone for interview in interviews}


def rows(
    planned: Iterable[StepPlan], records: Mapping[str, Record], zones: Zones | None = None
) -> list[Row]:
    """Join the plan with the ledger (the plan decides the state, the ledger holds the ids)."""
    joined = []
    for step in planned:
        record = records.get(step.key) or Record(
            key=step.key, interview=step.interview, step=step.step, recipient=step.to
        )
        if step.action is not None and not record.created and record.reason:
            # due, and the last pass could not create it: show why
            step = replace(step, state=record.state, reason=record.reason)
        zone = (zones or {}).get(step.interview)
        joined.append(
            _row(
                step.interview, step.step, step.to, step.state, step.due, step.reason, record, zone
            )
        )
    return joined


def ledger_rows(records: Mapping[str, Record]) -> list[Row]:
    """Show what the ledger last recorded (used when the schedule cannot be read)."""
    return [
        _row(r.interview, r.step, r.recipient, r.state, r.due, r.reason, r, None)
        for r in records.values()
        if r.step != REMINDER  # a note to self belongs to no interview
    ]


def _row(
    interview: str,
    step: str,
    to: str,
    state: State,
    due: datetime | None,
    reason: str,
    r: Record,
    zone: ZoneInfo | None,
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
        zone,
    )


def status_table(items: Iterable[Row], tz: tzinfo, now: datetime) -> Group:
    """Build the `status` view: per interview, a table of its steps."""
    tables: list[RenderableType] = []
    for interview, rows_ in _by_interview(items, lambda r: r.interview):
        table = _table(interview, "Step", "To", "State", _when(tz), "Note")
        for row in rows_:
            note = row.reason or "; ".join(row.warnings)
            # a sent step shows when it went out, any other when it is due
            moment = _cell_time(row.sent_at or row.due, tz, now, row.zone)
            table.add_row(*_cells(row.step, row.to, _state(row.state), moment, note))
        tables.append(_keep_whole(table, "To", [row.to for row in rows_]))
    return Group(*tables)


def timeline(planned: Iterable[StepPlan], items: Iterable[Row], tz: tzinfo, now: datetime) -> Group:
    """Build the `plan` view: per interview, its steps in time order (sent ones when sent)."""
    header = Text(f"Plan as of {when(now, tz, now=now)} ({zone_name(tz)})", style="bold")
    tables: list[RenderableType] = [header]
    steps = list(zip(planned, items, strict=True))
    for interview, group in _by_interview(steps, lambda pair: pair[0].interview):
        table = _table(interview, _when(tz), "Step", "To", "What", "Why")
        for step, row in sorted(group, key=lambda pair: _moment(pair, now)):
            table.add_row(
                *_cells(
                    _plan_when(step, row, tz, now), step.step, step.to, _what(step), step.reason
                )
            )
        tables.append(_keep_whole(table, "To", [step.to for step, _ in group]))
    return Group(*tables)


def _keep_whole(table: Table, name: str, values: list[str]) -> _Whole:
    """Keep a column's values (addresses) whole where the terminal is wide enough."""
    column = next(c for c in table.columns if isinstance(c.header, Text) and c.header.plain == name)
    return _Whole(table, column, min(max(map(len, values), default=0), _LONGEST_WHOLE))


class _Whole:
    """A table that keeps one column unfolded when the width allows: notes wrap first."""

    def __init__(self, table: Table, column: Column, width: int) -> None:
        self.table, self.column, self.width = table, column, width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # a column that may not wrap keeps its width; the others wrap to make room
        self.column.no_wrap = options.max_width >= self.width + _REST_OF_A_ROW
        yield self.table


def _moment(pair: tuple[StepPlan, Row], now: datetime) -> tuple[bool, datetime]:
    step, row = pair
    moment = now if step.action else row.sent_at or step.due
    return moment is None, moment or now


def _plan_when(step: StepPlan, row: Row, tz: tzinfo, now: datetime) -> str:
    if step.action:
        return "now"
    return _cell_time(row.sent_at or step.due, tz, now, row.zone) or "—"


def _cell_time(moment: datetime | None, tz: tzinfo, now: datetime, there: tzinfo | None) -> str:
    """Write a time for a table cell: the recipient's clock, when it differs, on a line below."""
    if moment is None:
        return ""
    return when(moment, tz, now=now) + their_clock(moment, tz, there).replace(" (", "\n(", 1)


def _what(step: StepPlan) -> Text:
    if step.action:
        return Text(f"create {step.action.mode}", style="bold")
    return _state(step.state)


def _state(state: State) -> Text:
    return Text(str(state), style=STATE_STYLE[state])


def _cells(*values: str | Text) -> list[Text]:
    """Make table cells that show user text as written, never as markup."""
    return [value if isinstance(value, Text) else Text(value) for value in values]


def _when(tz: tzinfo) -> str:
    return f"When ({place(tz)})"


def _table(title: str, *names: str) -> Table:
    """Make a light table: short columns never wrap, addresses and notes fold."""
    columns = [
        Column(
            header=Text(name),
            no_wrap=name in _NO_WRAP,
            overflow="fold",
        )
        for name in names
    ]
    return Table(
        *columns,
        title=Text(title, style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )


def _by_interview(
    items: Iterable[T], interview_of: Callable[[T], str]
) -> list[tuple[str, list[T]]]:
    """Group items by interview, keeping the order in which interviews first appear."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(interview_of(item), []).append(item)
    return list(groups.items())


def local(moment: datetime | None, tz: tzinfo, now: datetime | None = None) -> str:
    """Format a moment in the user's timezone, e.g. 'Mon 23 Nov 14:30' (the year if not now's)."""
    return when(moment, tz, now=now or datetime.now(tz))
