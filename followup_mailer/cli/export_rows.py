"""The pipeline as rows for a spreadsheet (CSV) or a job tracker (JSON): one row per step.

Times follow cli/times.py: JSON in ISO 8601, UTC; CSV as "2026-11-20 14:00:00" in the account's
zone, which spreadsheets read as dates, the zone named in the column header
("due (America/New_York)").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from followup_mailer.cli.times import iso_utc, spreadsheet, zone_name
from followup_mailer.cli.views import Row
from followup_mailer.model import Interview, State

COLUMNS = (
    "interview",
    "company",
    "role",
    "interview_start",
    "step",
    "to",
    "state",
    "due",
    "sent_at",
    "reason",
)
TIME_COLUMNS = frozenset({"interview_start", "due", "sent_at"})
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One step with its interview's company, role and start."""

    interview: str
    company: str  # "" when the schedule cannot tell (removed interview, broken file)
    role: str
    interview_start: datetime | None
    step: str
    to: str
    state: State
    due: datetime | None
    sent_at: datetime | None
    reason: str

    def values(self, write_time: Callable[[datetime | None], str | None]) -> dict[str, str | None]:
        """Return the row's columns as text, times written by `write_time`; None when unknown."""
        return {
            "interview": self.interview,
            "company": self.company or None,
            "role": self.role or None,
            "interview_start": write_time(self.interview_start),
            "step": self.step,
            "to": self.to,
            "state": str(self.state),
            "due": write_time(self.due),
            "sent_at": write_time(self.sent_at),
            "reason": self.reason or None,
        }


def export_rows(rows: Iterable[Row], interviews: Iterable[Interview]) -> list[ExportRow]:
    """Join status rows with the interviews they belong to."""
    by_id = {interview.id: interview for interview in interviews}
    exported = []
    for row in rows:
        interview = by_id.get(row.interview)
        exported.append(
            ExportRow(
                interview=row.interview,
                company=interview.company if interview else "",
                role=interview.role if interview else "",
                interview_start=interview.start if interview else None,
                step=row.step,
                to=row.to,
                state=row.state,
                due=row.due,
                sent_at=row.sent_at,
                reason=row.reason,
            )
        )
    return exported


def csv_header(tz: tzinfo) -> list[str]:
    """Return the CSV column names: the time columns name the zone their times are in."""
    zone = zone_name(tz)
    return [f"{name} ({zone})" if name in TIME_COLUMNS else name for name in COLUMNS]


def to_csv(rows: Iterable[ExportRow], tz: tzinfo) -> str:
    """Write the rows as CSV with a header line; empty cells for unknown values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_header(tz))
    for row in rows:
        values = row.values(lambda moment: spreadsheet(moment, tz))
        writer.writerow([_cell(values[name]) for name in COLUMNS])
    return buffer.getvalue()


def to_json(rows: Iterable[ExportRow]) -> str:
    """Write the rows as a JSON list of objects, times in UTC; null for unknown values."""
    data = [row.values(iso_utc) for row in rows]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _cell(value: str | None) -> str:
    """Return a CSV cell; text a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
