"""Export rows: one per step, with the interview's company, role and start, as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from followup_mailer.cli.export_rows import COLUMNS, ExportRow, export_rows, to_csv, to_json
from followup_mailer.cli.views import Row
from followup_mailer.model import Interview, Person, State

NY = ZoneInfo("America/New_York")
START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
ACME = Interview(
    id="acme",
    company="Acme Corp",
    role="Backend Engineer",
    start=START,
    end=START + timedelta(hours=1),
    interviewers=(Person(name="Dana Smith", email="dana@acme.com"),),
)


def row(interview: str, step: str, state: State, **times: datetime | None) -> Row:
    return Row(
        interview=interview,
        step=step,
        to="dana@acme.com",
        state=state,
        due=times.get("due"),
        sent_at=times.get("sent_at"),
        thread_id="t1",
        draft_id="",
        message_id="<m1@example.com>",
        reason="waits until the thank_you is sent" if step != "thank_you" else "",
        warnings=(),
    )


ROWS = [
    row("acme", "thank_you", State.SENT, due=START + timedelta(days=1), sent_at=START),
    row("acme", "followup-1", State.PLANNED),
    row("removed-one", "thank_you", State.CANCELLED),  # no longer in the schedule
]


def exported() -> list[ExportRow]:
    return export_rows(ROWS, [ACME])


def test_rows_carry_company_role_and_start_of_their_interview() -> None:
    sent, nudge, removed = exported()
    assert (sent.company, sent.role, sent.interview_start) == (
        "Acme Corp",
        "Backend Engineer",
        START,
    )
    assert (nudge.step, nudge.state, nudge.reason) == (
        "followup-1",
        State.PLANNED,
        "waits until the thank_you is sent",
    )
    assert (removed.company, removed.role, removed.interview_start) == ("", "", None)


def test_csv_times_read_as_dates_in_your_timezone_which_the_header_names() -> None:
    lines = list(csv.reader(io.StringIO(to_csv(exported(), NY))))
    assert lines[0] == [
        "interview",
        "company",
        "role",
        "interview_start (America/New_York)",
        "step",
        "to",
        "state",
        "due (America/New_York)",
        "sent_at (America/New_York)",
        "reason",
    ]
    rows = [dict(zip(COLUMNS, line, strict=True)) for line in lines[1:]]
    assert [(row["interview"], row["step"], row["state"]) for row in rows] == [
        ("acme", "thank_you", "sent"),
        ("acme", "followup-1", "planned"),
        ("removed-one", "thank_you", "cancelled"),
    ]
    # the form spreadsheets read as a date and time
    assert rows[0]["interview_start"] == "2026-11-20 14:00:00"
    assert rows[0]["sent_at"] == "2026-11-20 14:00:00"
    assert rows[0]["due"] == "2026-11-21 14:00:00"
    assert rows[1]["due"] == "" and rows[2]["company"] == ""


def test_json_times_are_iso_8601_in_utc_with_nulls_for_unknowns() -> None:
    data = json.loads(to_json(exported()))
    assert [tuple(item) for item in data] == [COLUMNS] * 3
    assert data[0]["due"] == "2026-11-21T19:00:00+00:00" and data[0]["reason"] is None
    assert data[0]["interview_start"] == "2026-11-20T19:00:00+00:00"
    assert data[2]["company"] is None and data[2]["interview_start"] is None


def test_json_times_are_those_of_status_json() -> None:
    (sent, _, _) = exported()
    assert json.loads(to_json([sent]))[0]["due"] == ROWS[0].as_json()["due"]


def test_csv_cells_never_run_as_spreadsheet_formulas() -> None:
    sneaky = replace(ACME, company='=HYPERLINK("http://x")', role="+1")
    (line,) = list(csv.reader(io.StringIO(to_csv(export_rows(ROWS[:1], [sneaky]), NY))))[1:]
    row = dict(zip(COLUMNS, line, strict=True))
    assert row["company"] == '\'=HYPERLINK("http://x")' and row["role"] == "'+1"
    assert json.loads(to_json(export_rows(ROWS[:1], [sneaky])))[0]["role"] == "+1"


def test_no_steps_is_a_header_alone_or_an_empty_list() -> None:
    assert to_csv([], UTC).splitlines() == [
        "interview,company,role,interview_start (UTC),step,to,state,due (UTC),sent_at (UTC),reason"
    ]
    assert json.loads(to_json([])) == []
