"""The pipeline as rows for a spreadsheet (CSV) or a job tracker (JSON): one row per step."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

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

    def values(self, tz: tzinfo) -> dict[str, str | None]:
        """Return the row's columns as text, times in ISO 8601 in `tz`; None when unknown."""
        return {
            "interview": self.interview,
            "company": self.company or None,
            "role": self.role or None,
            "interview_start": _iso(self.interview_start, tz),
            "step": self.step,
            "to": self.to,
            "state": str(self.state),
            "due": _iso(self.due, tz),
            "sent_at": _iso(self.sent_at, tz),
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


def to_csv(rows: Iterable[ExportRow], tz: tzinfo) -> str:
    """Write the rows as CSV with a header line; empty cells for unknown values."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.values(tz).items()})
    return buffer.getvalue()


def to_json(rows: Iterable[ExportRow], tz: tzinfo) -> str:
    """Write the rows as a JSON list of objects; null for unknown values."""
    return json.dumps([row.values(tz) for row in rows], indent=2, ensure_ascii=False) + "\n"


def _cell(value: str | None) -> str:
    """Return a CSV cell; text a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _iso(moment: datetime | None, tz: tzinfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment else None
