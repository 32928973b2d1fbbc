"""New interviews into the schedule: TOML quoting, safe appends, calendar invites."""

from __future__ import annotations

import stat
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_mailer.errors import UserError
from followup_mailer.intake.append import (
    ScheduleFile,
    append_interviews,
    base_id,
    interview_toml,
    read_schedule_file,
    toml_string,
    unique_id,
)
from followup_mailer.intake.schedule import parse_schedule
from followup_mailer.model import Format, Interview, Outcome, Person

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
DANA = Person(
    name="Dana Smith", email="dana@acme.example", notes="asked how I would cut on-call load"
)
START = datetime(2026, 11, 20, 14, 0, tzinfo=NY)
ACME = Interview(
    id="acme-corp-backend-2026-11-20",
    company="Acme Corp",
    role="Backend Engineer",
    start=START,
    end=START + timedelta(minutes=90),
    interviewers=(DANA,),
)
EXISTING = b"""\
# My interviews. Keep this comment!
[[interview]]
id = "globex"          # the first one
company = "Globex"
role = "Platform Engineer"
start = 2026-12-02T10:00:00

  [[interview.interviewer]]
  name = "Jordan Weber"
  email = "jordan@globex.example\""""  # no newline at the end, on purpose


def parse(text: str) -> tuple[Interview, ...]:
    return parse_schedule(text, file="interviews.toml", default_tz=NY)


def utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment else None


# --- TOML text ------------------------------------------------------------------------------


@given(st.text())
def test_any_text_reads_back_exactly(text: str) -> None:
    assert tomllib.loads(f"value = {toml_string(text)}\n")["value"] == text


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('say "hi"', r'"say \"hi\""'),
        ("C:\\path", r'"C:\\path"'),
        ("two\nlines", r'"two\nlines"'),
        ("bell\x07", r'"bell\u0007"'),
        ("del\x7f", r'"del\u007F"'),
        ("Zoë 東京", '"Zoë 東京"'),
    ],
)
def test_strings_are_escaped_as_toml_wants(text: str, written: str) -> None:
    assert toml_string(text) == written


def test_text_that_is_not_unicode_is_refused() -> None:
    with pytest.raises(ValueError, match="not valid text"):
        toml_string("caf\udce9")  # an undecodable byte from the command line


names = st.text(min_size=1).filter(str.strip)
people = st.builds(Person, name=names, email=st.emails(), title=st.text(), notes=st.text())
zones = st.sampled_from([UTC, NY, BERLIN, ZoneInfo("Asia/Kolkata")])
moments = st.datetimes(
    min_value=datetime(1850, 1, 1), max_value=datetime(2100, 1, 1), timezones=zones
)


@st.composite
def interviews(draw: st.DrawFn) -> Interview:
    start = draw(moments)
    return Interview(
        id=draw(st.from_regex(r"[a-z0-9._-]{1,30}", fullmatch=True)),
        company=draw(names),
        role=draw(names),
        start=start,
        # elapsed time: wall-clock addition could end before the start across a DST change
        end=(
            start.astimezone(UTC) + draw(st.timedeltas(timedelta(minutes=1), timedelta(days=2)))
        ).astimezone(start.tzinfo),
        timezone=draw(st.sampled_from([None, BERLIN])),
        format=draw(st.sampled_from(Format)),
        highlights=tuple(draw(st.lists(st.text(), max_size=3))),
        addendum=draw(st.text()),
        thread=draw(st.text()),
        outcome=draw(st.sampled_from(Outcome)),
        interviewers=tuple(draw(st.lists(people, min_size=1, max_size=3))),
        contacts=tuple(draw(st.lists(people, max_size=2))),
    )


@given(interviews())
def test_an_interview_reads_back_as_written(interview: Interview) -> None:
    (parsed,) = parse(interview_toml(interview))
    assert (utc(parsed.start), utc(parsed.end)) == (utc(interview.start), utc(interview.end))
    assert replace(parsed, start=interview.start, end=interview.end) == interview


def test_the_block_looks_like_the_example() -> None:
    lead = replace(DANA, lead=True, title="Engineering Manager")
    with_more = replace(ACME, highlights=("event sourcing",), interviewers=(lead,))
    assert interview_toml(with_more) == (
        "[[interview]]\n"
        'id = "acme-corp-backend-2026-11-20"\n'
        'company = "Acme Corp"\n'
        'role = "Backend Engineer"\n'
        "start = 2026-11-20T14:00:00-05:00\n"
        "end = 2026-11-20T15:30:00-05:00\n"
        'format = "one-on-one"\n'
        'highlights = ["event sourcing"]\n'
        'outcome = "pending"\n'
        "\n"
        "  [[interview.interviewer]]\n"
        '  name = "Dana Smith"\n'
        '  email = "dana@acme.example"\n'
        '  title = "Engineering Manager"\n'
        '  notes = "asked how I would cut on-call load"\n'
        "  lead = true\n"
    )


# --- ids ----------------------------------------------------------------------------------------


def test_ids_are_made_from_company_role_and_date() -> None:
    day = START.date()
    assert base_id("Acme Corp", "Backend", day) == "acme-corp-backend-2026-11-20"
    assert base_id("Société Générale", "Développeur C++", day) == (
        "societe-generale-developpeur-c-2026-11-20"
    )
    assert base_id("東京", "!!", day) == "interview-2026-11-20"
    assert len(base_id("A" * 200, "B" * 200, day)) <= 60


def test_ids_are_unique_in_the_file() -> None:
    taken = {"acme-2026-11-20", "acme-2026-11-20-2"}
    assert unique_id("acme-2026-11-20", taken) == "acme-2026-11-20-3"
    assert unique_id("globex-2026-11-20", taken) == "globex-2026-11-20"


# --- appending to the schedule file ---------------------------------------------------------------


def schedule_at(tmp_path: Path, content: bytes | None) -> ScheduleFile:
    path = tmp_path / "interviews.toml"
    if content is not None:
        path.write_bytes(content)
    return read_schedule_file(path, default_tz=NY)


def test_an_append_keeps_every_byte_already_there(tmp_path: Path) -> None:
    schedule = schedule_at(tmp_path, EXISTING)
    added = append_interviews(schedule, [ACME], default_tz=NY)
    written = schedule.path.read_bytes()
    assert written.startswith(EXISTING)
    assert [i.id for i in parse(written.decode())] == ["globex", ACME.id]
    assert [i.id for i in added] == [ACME.id]
    assert b'"\n\n[[interview]]\nid = "acme' in written  # the last line ended, then a blank
    assert list(tmp_path.iterdir()) == [schedule.path]  # no temporary file left behind


def test_an_append_keeps_windows_line_endings(tmp_path: Path) -> None:
    crlf = EXISTING.replace(b"\n", b"\r\n") + b"\r\n"
    schedule = schedule_at(tmp_path, crlf)
    append_interviews(schedule, [ACME], default_tz=NY)
    written = schedule.path.read_bytes()
    assert written.startswith(crlf) and b"\n" not in written.replace(b"\r\n", b"")


def test_an_append_creates_a_missing_file(tmp_path: Path) -> None:
    schedule = schedule_at(tmp_path, None)
    append_interviews(schedule, [ACME], default_tz=NY)
    assert schedule.path.read_text(encoding="utf-8") == interview_toml(ACME)


def test_an_append_that_would_break_the_file_writes_nothing(tmp_path: Path) -> None:
    schedule = schedule_at(tmp_path, EXISTING)
    backwards = replace(ACME, end=ACME.start - timedelta(hours=1))
    with pytest.raises(UserError) as raised:
        append_interviews(schedule, [backwards], default_tz=NY)
    assert "ends before it starts" in str(raised.value.problems[0])
    assert schedule.path.read_bytes() == EXISTING
    assert list(tmp_path.iterdir()) == [schedule.path]


def test_a_broken_file_is_not_appended_to(tmp_path: Path) -> None:
    (tmp_path / "interviews.toml").write_bytes(EXISTING + b"\nstart = oops\n")
    with pytest.raises(UserError, match="fix them first") as raised:
        schedule_at(tmp_path, None)
    assert raised.value.problems[0].line is not None


def test_a_file_saved_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    schedule = schedule_at(tmp_path, EXISTING)
    edited = EXISTING + b"\n# added in an editor meanwhile\n"
    schedule.path.write_bytes(edited)
    with pytest.raises(UserError, match="changed while"):
        append_interviews(schedule, [ACME], default_tz=NY)
    assert schedule.path.read_bytes() == edited


def test_an_append_keeps_the_file_mode_and_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "real.toml"
    target.write_bytes(EXISTING)
    target.chmod(0o640)
    link = tmp_path / "interviews.toml"
    link.symlink_to(target)
    append_interviews(read_schedule_file(link, default_tz=NY), [ACME], default_tz=NY)
    assert link.is_symlink() and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert len(parse(link.read_text(encoding="utf-8"))) == 2


# --- the header rules at the door -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "words"),
    [
        (Person(name="Bob", email="bob@foo"), "is not a single valid address: 'bob@foo'"),
        (Person(name="Two", email="a@b.com,c@d.com"), "is not a single valid address"),
        (Person(name="Dana <x>", email="Dana <dana@acme.example>"), "holds a name as well"),
        (Person(name="Line\nbreak", email="dana@acme.example"), "LF (line feed)"),
    ],
)
def test_nothing_check_refuses_is_written(tmp_path: Path, person: Person, words: str) -> None:
    schedule = schedule_at(tmp_path, EXISTING)
    with pytest.raises(UserError, match="not written") as raised:
        append_interviews(schedule, [replace(ACME, interviewers=(person,))], default_tz=NY)
    (problem,) = raised.value.problems  # each problem once
    assert words in str(problem)
    assert schedule.path.read_bytes() == EXISTING


def test_the_rules_at_the_door_are_the_rules_of_check() -> None:
    from followup_mailer.compose.headers import check_header_values
    from followup_mailer.compose.parts import Sender
    from followup_mailer.intake.admit import header_problems

    bad = replace(ACME, company="Acme\rCorp", interviewers=(Person(name="Bob", email="bob@foo"),))
    sender = Sender(name="Alex Rivera", email="alex@example.com", signature=())
    assert header_problems(bad) == check_header_values(bad, sender)
