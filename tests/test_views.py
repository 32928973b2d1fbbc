"""How `status` and `plan` show steps: exact text, zones named, user text never read as markup."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rich.console import Console, RenderableType

from followup_mailer.cli.times import iso_utc, spreadsheet, when
from followup_mailer.cli.views import Row, rows, status_table, timeline
from followup_mailer.model import Create, Record, State, StepPlan

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def shown(renderable: RenderableType, width: int = 100) -> str:
    """Render as a terminal of that width would show it, without colours."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, legacy_windows=False).print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def row(
    step: str,
    to: str,
    state: State,
    *,
    interview: str = "acme",
    due: datetime | None = None,
    sent_at: datetime | None = None,
    reason: str = "",
    warnings: tuple[str, ...] = (),
    zone: ZoneInfo | None = None,
) -> Row:
    return Row(
        interview=interview,
        step=step,
        to=to,
        state=state,
        due=due,
        sent_at=sent_at,
        thread_id="",
        draft_id="",
        message_id="",
        reason=reason,
        warnings=warnings,
        zone=zone,
    )


def test_status_shows_user_text_as_written_and_names_the_zone() -> None:
    items = [
        row(
            "thank_you",
            "dana[/b]@acme.example",
            State.SENT,
            sent_at=datetime(2026, 11, 17, 19, 5, tzinfo=UTC),
            interview="acme[#3]",
        ),
        row(
            "followup-1",
            "sam@acme.example",
            State.FAILED,
            due=datetime(2026, 11, 24, 14, 0, tzinfo=UTC),
            reason="interview[#3].role: [bold]is empty[/b]",
            interview="acme[#3]",
            zone=BERLIN,
        ),
        row(
            "followup-2",
            "sam@acme.example",
            State.PLANNED,
            due=datetime(2027, 1, 6, 14, 0, tzinfo=UTC),
            warnings=("[red]greeting[/red]: no name",),
            interview="acme[#3]",
        ),
    ]
    assert shown(status_table(items, NY, NOW)) == "\n".join(
        [
            "acme[#3]",
            "",
            " Step         To                      State     When (New York)         Note",
            " " + "─" * 98,
            " thank_you    dana[/b]@acme.example   sent      Tue 17 Nov 14:05",
            " followup-1   sam@acme.example        failed    Tue 24 Nov 09:00        "
            "interview[#3].role:",
            "                                                (15:00 Berlin)          "
            "[bold]is empty[/b]",
            " followup-2   sam@acme.example        planned   Wed 06 Jan 2027 09:00   "
            "[red]greeting[/red]: no",
            "                                                                        name",
            "",
        ]
    )


def test_tables_never_grow_wider_than_the_terminal() -> None:
    long_note = "waits until the thank_you is sent, and then some more words to wrap"
    items = [
        row("thank_you", "jordan.weber@globex.example", State.PLANNED, due=NOW, zone=BERLIN),
        row("followup-1", "taylor@globex.example", State.PLANNED, reason=long_note),
    ]
    for width in (60, 80, 100, 120):
        text = shown(status_table(items, NY, NOW), width)
        assert max(len(line) for line in text.splitlines()) <= width
    assert "jordan.weber@globex.example" in shown(status_table(items, NY, NOW), 100)


def test_times_follow_one_convention() -> None:
    moment = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    assert when(moment, NY, now=NOW) == "Wed 02 Dec 21:00"
    assert when(moment, NY, now=NOW, there=BERLIN) == "Wed 02 Dec 21:00 (Thu 03:00 Berlin)"
    assert when(moment, NY, now=NOW, there=ZoneInfo("America/Toronto")) == "Wed 02 Dec 21:00"
    assert when(moment + timedelta(days=60), NY, now=NOW) == "Sun 31 Jan 2027 21:00"
    assert iso_utc(moment.astimezone(NY)) == "2026-12-03T02:00:00+00:00"
    assert spreadsheet(moment, NY) == "2026-12-02 21:00:00"


def test_json_rows_are_in_utc() -> None:
    due = datetime(2026, 11, 24, 9, 0, tzinfo=NY)
    data = row("thank_you", "dana@acme.example", State.PLANNED, due=due).as_json()
    assert data["due"] == "2026-11-24T14:00:00+00:00" and data["sent_at"] is None


def test_plan_shows_when_a_sent_step_was_sent_not_when_it_was_due() -> None:
    due = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
    sent = datetime(2026, 11, 17, 20, 30, tzinfo=UTC)
    key = "acme/thank_you/dana@acme.example"
    planned = [
        StepPlan(
            key=key,
            interview="acme",
            step="thank_you",
            to="dana@acme.example",
            name="Dana",
            state=State.SENT,
            due=due,
        ),
        StepPlan(
            key="acme/followup-1/dana@acme.example",
            interview="acme",
            step="followup-1",
            to="dana@acme.example",
            name="Dana",
            state=State.PLANNED,
            due=NOW,
            action=Create(key="acme/followup-1/dana@acme.example", mode="draft", thread_id="t1"),
        ),
    ]
    records = {
        key: Record(
            key=key, interview="acme", step="thank_you", recipient="dana@acme.example", sent_at=sent
        )
    }
    text = shown(timeline(planned, rows(planned, records, {"acme": BERLIN}), NY, NOW))
    assert text.splitlines()[0] == "Plan as of Wed 18 Nov 10:00 (America/New_York)"
    assert " When (New York)" in text
    lines = text.splitlines()
    sent_line = next(i for i, line in enumerate(lines) if "thank_you" in line)
    assert lines[sent_line].startswith(" Tue 17 Nov 15:30 ")  # when sent, not due at 09:00
    assert lines[sent_line + 1].strip() == "(21:30 Berlin)"  # the recipient's clock below
    assert "now" in text and "create draft" in text
