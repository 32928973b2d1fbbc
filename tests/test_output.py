"""What `run --once`, `status`, `plan` and `check` print, exactly (times masked, width pinned).

The terminal output is an interface people read; these tests hold it to the files in
tests/output/. Regenerate after a deliberate change with
`UPDATE_GOLDEN=1 pytest tests/test_output.py`, and read the diff as a user would.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_mailer.cli import output
from followup_mailer.cli.main import main
from tests.conftest import config_text

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
EXPECTED = Path(__file__).parent / "output"
WIDTH = "110"
# a time as the views write it ("Thu 03 Dec 14:00", "Thu 03 Dec 2027 14:00", "in 2 h"), a date
_TIMES = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
    r"Nov|Dec)(?: \d{4})?(?: \d{2}:\d{2})?|\b\d{2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b"
)


def interview(interview_id: str, end: datetime, name: str, email: str, company: str) -> str:
    start = end - timedelta(hours=1)
    return (
        f'[[interview]]\nid = "{interview_id}"\ncompany = "{company}"\n'
        f'role = "Backend Engineer"\nstart = {start.isoformat(timespec="seconds")}\n'
        f'end = {end.isoformat(timespec="seconds")}\nhighlights = ["the move to event sourcing"]\n'
        f'[[interview.interviewer]]\nname = "{name}"\nemail = "{email}"\n'
        'notes = "asked how I would cut on-call load"\n\n'
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A config and a schedule: one interview just over, one last week (a name with brackets)."""
    monkeypatch.setenv("COLUMNS", WIDTH)
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("NO_COLOR", "1")
    output.stdout.cache_clear()
    output.stderr.cache_clear()
    (tmp_path / "config.toml").write_text(
        config_text({"delivery": {"send_window": "always"}, "reminders": {"desktop": False}}),
        encoding="utf-8",
    )
    now = datetime.now(UTC).replace(microsecond=0)
    (tmp_path / "interviews.toml").write_text(
        interview("acme", now - timedelta(hours=3), "Dana Smith", "dana@acme.com", "Acme Corp")
        + interview(
            "initech", now - timedelta(days=7), "Lee [/b] Park", "lee@initech.com", "Initech [#3]"
        ),
        encoding="utf-8",
    )
    yield tmp_path
    output.stdout.cache_clear()
    output.stderr.cache_clear()


def shown(home: Path, *args: str) -> str:
    """Run a command in process; return what it printed, times and folders masked."""
    result = CliRunner().invoke(main, ["--config", str(home / "config.toml"), *args])
    assert result.exit_code == 0, result.output
    text = result.output.replace(str(home), "<home>")
    return "\n".join(line.rstrip() for line in _TIMES.sub("<time>", text).splitlines()) + "\n"


def expect(name: str, text: str) -> None:
    path = EXPECTED / f"{name}.txt"
    if UPDATE:
        EXPECTED.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_run_once_says_what_it_did(home: Path) -> None:
    expect("run-once", shown(home, "run", "--once"))
    expect("run-once-idle", shown(home, "run", "--once"))


def test_status_shows_every_step_and_never_reads_user_text_as_markup(home: Path) -> None:
    shown(home, "run", "--once")
    text = shown(home, "status")
    assert "connect on LinkedIn with Lee [/b] Park" in text
    expect("status", text)


def test_status_with_a_broken_schedule_shows_the_key_as_written(home: Path) -> None:
    shown(home, "run", "--once")
    schedule = home / "interviews.toml"
    schedule.write_text(schedule.read_text() + '[[interview]]\nid = "x"\nrole = 3\n')
    result = CliRunner().invoke(main, ["--config", str(home / "config.toml"), "status"])
    assert result.exit_code == 0
    assert "interview[x].role" in result.output
    assert "showing the last recorded state" in result.output


def test_plan_shows_the_timeline(home: Path) -> None:
    shown(home, "run", "--once")
    expect("plan", shown(home, "plan"))


def test_check_reports_files_and_messages(home: Path) -> None:
    expect("check", shown(home, "check"))
