"""The date and time forms every command and the schedule file take, read one way."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import click
import pytest
from click.testing import CliRunner

from followup_mailer.cli.params import DATE, DATETIME, DAY_OR_DATETIME, in_zone
from followup_mailer.intake.schedule import parse_schedule

NY = ZoneInfo("America/New_York")
FORMS = [
    ("2026-11-20T14:00", datetime(2026, 11, 20, 14, 0)),
    ("2026-11-20 14:00", datetime(2026, 11, 20, 14, 0)),
    ("2026-11-20T14:00:00", datetime(2026, 11, 20, 14, 0)),
    ("2026-11-20T9:30", datetime(2026, 11, 20, 9, 30)),
    ("2026-11-20T14:00-05:00", datetime(2026, 11, 20, 14, 0, tzinfo=timezone(timedelta(hours=-5)))),
    (
        "2026-11-20 14:00:00+0100",
        datetime(2026, 11, 20, 14, 0, tzinfo=timezone(timedelta(hours=1))),
    ),
    ("2026-11-20T19:00Z", datetime(2026, 11, 20, 19, 0, tzinfo=UTC)),
]


@click.command()
@click.option("--at", type=DATETIME)
@click.option("--until", type=DATE)
@click.option("--by", type=DAY_OR_DATETIME)
def probe(at: datetime | None, until: date | None, by: date | None) -> None:
    click.echo(repr((at, until, by)))


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_the_command_line_takes_every_form(text: str, expected: datetime) -> None:
    assert DATETIME.convert(text, None, None) == expected
    assert DATETIME.convert(text, None, None).tzinfo == expected.tzinfo


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_the_schedule_file_takes_the_same_forms(text: str, expected: datetime) -> None:
    schedule = f"""\
[[interview]]
id = "acme"
company = "Acme Corp"
role = "Backend Engineer"
start = "{text}"

  [[interview.interviewer]]
  name = "Dana Smith"
  email = "dana@acme.example"
"""
    (interview,) = parse_schedule(schedule, file="interviews.toml", default_tz=NY)
    assert interview.start == in_zone(expected, NY)


def test_a_toml_date_time_without_seconds_is_read_too() -> None:
    schedule = """\
[[interview]]
id = "acme"
company = "Acme Corp"
role = "Backend Engineer"
start = 2026-11-20T14:00   # TOML 1.1 allows leaving out the seconds
end = 2026-11-20 15:30-05:00

  [[interview.interviewer]]
  name = "Dana Smith"
  email = "dana@acme.example"
"""
    (interview,) = parse_schedule(schedule, file="interviews.toml", default_tz=NY)
    assert interview.start == datetime(2026, 11, 20, 14, 0, tzinfo=NY)
    assert interview.end - interview.start == timedelta(minutes=90)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--at", "2026-11-20"], "is a date without a time"),
        (["--at", "next friday"], "like 2026-11-20T14:00"),
        (["--at", "2026-02-30T10:00"], "is not a real date and time"),
        (["--until", "2026-11-20T10:00"], "like 2026-11-27"),
        (["--by", "soon"], "is not a date"),
    ],
)
def test_a_value_it_cannot_read_is_a_usage_error_saying_what_to_write(
    args: list[str], words: str
) -> None:
    result = CliRunner().invoke(probe, args)
    assert result.exit_code == 2 and words in result.output, result.output


def test_dates_and_dates_with_times() -> None:
    shown = CliRunner().invoke(probe, ["--until", "2026-11-27", "--by", "2026-11-27"]).output
    assert "datetime.date(2026, 11, 27), datetime.date(2026, 11, 27)" in shown
    assert DAY_OR_DATETIME.convert("2026-11-27 10:00", None, None) == datetime(2026, 11, 27, 10)


def test_a_time_without_offset_is_read_in_the_zone_by_the_schedule_dst_rule() -> None:
    gap = DATETIME.convert("2026-03-08T02:30", None, None)  # clocks spring forward at 02:00
    assert in_zone(gap, NY) == datetime(2026, 3, 8, 3, 30, tzinfo=NY)
    fixed = DATETIME.convert("2026-11-20T14:00-08:00", None, None)
    assert in_zone(fixed, NY) is fixed
