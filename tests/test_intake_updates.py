"""Updating and cancelling interviews in the schedule file in place, every other byte kept."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followup_mailer.errors import UserError
from followup_mailer.intake.append import ScheduleFile, read_schedule_file, save
from followup_mailer.intake.edit import CANCEL_NOTE, Edit, cancelled_here
from followup_mailer.intake.invites import IcsImport, IcsOptions, import_ics
from followup_mailer.intake.schedule import parse_schedule
from followup_mailer.model import Format, Outcome

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
INVITES = Path(__file__).parent / "invites"
OPTIONS = IcsOptions(
    own=frozenset({"alex@example.com", "alex.rivera@gmail.example"}), default_tz=NY
)
TODAY = date(2026, 11, 28)
BEFORE = """\
# My interviews. Keep this comment!
[[interview]]
id = "first"            # a hand-written one, untouched
company = "Initech"
role = "Data Engineer"
start = 2026-11-18T09:30:00

  [[interview.interviewer]]
  name = "Omar Haddad"
  email = "omar@initech.example"

# the Globex panel, imported from the invite
[[interview]]
id = "globex"
company = "Globex"                 # they call it Globex Corp
role = "Platform Engineer"
start = 2026-12-02T10:00:00-08:00  # 10:00 in California
end = 2026-12-02T12:00:00-08:00
timezone = "America/Los_Angeles"
format = "panel"
highlights = [
  "the migration to Kubernetes",   # a multi-line list
]
outcome = "pending"                # not heard back yet
uid = "7kukuqrsf5bn1p5ekj8q9k5ek6@google.com"

  [[interview.interviewer]]
  name = "Jordan Weber"
  email = "jordan.weber@globex.example"
  notes = "asked how I would cut on-call load"   # my words

  [[interview.interviewer]]
  name = "Priya Natarajan"
  email = "priya.natarajan@globex.example"
  notes = "we compared canary releases"
  # she runs the platform guild

  [[interview.contact]]
  name = "Taylor Brooks"
  email = "taylor@globex.example"

# the last one: no newline at the end, on purpose
[[interview]]
id = "last"
company = "Hooli"
role = "SRE"
start = 2026-12-09T13:00:00

  [[interview.interviewer]]
  name = "Priya Raman"
  email = "priya.raman@hooli.example\""""


def schedule_with(tmp_path: Path, text: str = BEFORE) -> ScheduleFile:
    path = tmp_path / "interviews.toml"
    path.write_bytes(text.encode())
    return read_schedule_file(path, default_tz=NY)


def imported(schedule: ScheduleFile, name: str, options: IcsOptions = OPTIONS) -> IcsImport:
    return import_ics(
        (INVITES / name).read_bytes(),
        file=name,
        existing=schedule.interviews,
        options=options,
        reinstatable=cancelled_here(schedule.raw.decode(), schedule.interviews),
    )


def run_import(tmp_path: Path, name: str, text: str = BEFORE) -> str:
    schedule = read_schedule_file(tmp_path / "interviews.toml", default_tz=NY)
    found = imported(schedule, name)
    save(schedule, additions=found.interviews, edits=found.edits, default_tz=NY, today=TODAY)
    return (tmp_path / "interviews.toml").read_bytes().decode()


def section(text: str, interview_id: str) -> str:
    """Return the lines of one [[interview]] section (from its header to the next)."""
    parts = text.split("[[interview]]\n")
    return next("[[interview]]\n" + p for p in parts if f'id = "{interview_id}"' in p)


def outside(text: str, interview_id: str) -> str:
    return text.replace(section(text, interview_id), "<globex>")


def test_an_updated_invite_changes_its_section_and_nothing_else(tmp_path: Path) -> None:
    schedule_with(tmp_path)
    after = run_import(tmp_path, "google_update.ics")
    assert outside(after, "globex") == outside(BEFORE, "globex")  # byte for byte
    assert (
        section(after, "globex")
        == """\
[[interview]]
id = "globex"
company = "Globex"                 # they call it Globex Corp
role = "Platform Engineer"
start = 2026-12-03T14:00:00-08:00  # 10:00 in California
end = 2026-12-03T15:30:00-08:00
timezone = "America/Los_Angeles"
format = "panel"
highlights = [
  "the migration to Kubernetes",   # a multi-line list
]
outcome = "pending"                # not heard back yet
uid = "7kukuqrsf5bn1p5ekj8q9k5ek6@google.com"

  [[interview.interviewer]]
  name = "Jordan Weber"
  email = "jordan.weber@globex.example"
  notes = "asked how I would cut on-call load"   # my words

  # no longer invited (import-ics, 2026-11-28); kept here with your notes:
  # [[interview.interviewer]]
  # name = "Priya Natarajan"
  # email = "priya.natarajan@globex.example"
  # notes = "we compared canary releases"
  # she runs the platform guild

  [[interview.contact]]
  name = "Taylor Brooks"
  email = "taylor@globex.example"

  [[interview.interviewer]]
  name = "Kim Ng"
  email = "kim.ng@globex.example"

# the last one: no newline at the end, on purpose
"""
    )
    _, globex, _ = parse_schedule(after, file="x", default_tz=NY)
    assert [p.email for p in globex.interviewers] == [
        "jordan.weber@globex.example",
        "kim.ng@globex.example",
    ]
    assert globex.interviewers[0].notes == "asked how I would cut on-call load"


def test_the_same_invite_again_writes_nothing(tmp_path: Path) -> None:
    schedule = schedule_with(tmp_path)
    found = imported(schedule, "google_request.ics")
    assert (found.interviews, found.edits) == ((), ())
    assert "globex is up to date" in found.notes[0]


def test_a_cancellation_withdraws_with_a_comment_and_a_new_invite_reinstates(
    tmp_path: Path,
) -> None:
    schedule_with(tmp_path)
    cancelled = run_import(tmp_path, "google_cancel.ics")
    assert outside(cancelled, "globex") == outside(BEFORE, "globex")
    assert (
        f'# {CANCEL_NOTE} on 2026-11-28; outcome "withdrawn": nothing more is made\n'
        'outcome = "withdrawn"              # not heard back yet\n'
    ) in cancelled
    globex = parse_schedule(cancelled, file="x", default_tz=NY)[1]
    assert globex.outcome is Outcome.WITHDRAWN and globex.interviewers[1].notes  # notes kept
    again = run_import(tmp_path, "google_request.ics")
    assert again == BEFORE  # reinstated: the comment goes, the outcome is pending again


def test_a_cancellation_of_an_interview_without_outcome_adds_both_lines(tmp_path: Path) -> None:
    text = BEFORE.replace('outcome = "pending"                # not heard back yet\n', "")
    schedule_with(tmp_path, text)
    after = run_import(tmp_path, "google_cancel.ics")
    assert f'# {CANCEL_NOTE} on 2026-11-28; outcome "withdrawn": nothing more is made\n' in after
    assert parse_schedule(after, file="x", default_tz=NY)[1].outcome is Outcome.WITHDRAWN


def test_a_moved_interview_with_a_duration_keeps_writing_a_duration(tmp_path: Path) -> None:
    text = BEFORE.replace("end = 2026-12-02T12:00:00-08:00\n", 'duration = "2h"\n')
    schedule_with(tmp_path, text)
    after = run_import(tmp_path, "google_update.ics")
    assert 'duration = "1h30m"\n' in after and "end =" not in section(after, "globex")


def test_new_invites_are_appended_and_updates_made_in_one_write(tmp_path: Path) -> None:
    schedule_with(tmp_path)
    both = (INVITES / "google_update.ics").read_bytes() + (INVITES / "zoom.ics").read_bytes()
    schedule = read_schedule_file(tmp_path / "interviews.toml", default_tz=NY)
    found = import_ics(both, file="both.ics", existing=schedule.interviews, options=OPTIONS)
    added = save(schedule, additions=found.interviews, edits=found.edits, default_tz=NY)
    after = (tmp_path / "interviews.toml").read_text()
    assert [i.id for i in added] == ["hooli-site-reliability-engineer-2026-11-09"]
    assert after.index('id = "hooli-site') > after.index('id = "last"')
    assert 'email = "priya.raman@hooli.example"\n\n[[interview]]' in after  # the line was ended


def test_windows_line_endings_are_kept_in_an_edited_section(tmp_path: Path) -> None:
    crlf = BEFORE.replace("\n", "\r\n")
    schedule_with(tmp_path, crlf)
    after = run_import(tmp_path, "google_update.ics")
    assert "\n" not in after.replace("\r\n", "")
    assert '  name = "Kim Ng"\r\n' in after


def test_people_written_inline_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    inline = (
        BEFORE.split("# the Globex panel")[0]
        + """\
[[interview]]
id = "globex"
company = "Globex"
role = "Platform Engineer"
start = 2026-12-02T10:00:00-08:00
end = 2026-12-02T12:00:00-08:00
uid = "7kukuqrsf5bn1p5ekj8q9k5ek6@google.com"
interviewer = [
  { name = "Jordan Weber", email = "jordan.weber@globex.example" },
  { name = "Priya Natarajan", email = "priya.natarajan@globex.example" },
]
"""
    )
    schedule = schedule_with(tmp_path, inline)
    found = imported(schedule, "google_update.ics")
    with pytest.raises(UserError, match="edit it by hand"):
        save(schedule, edits=found.edits, default_tz=NY, today=TODAY)
    assert (tmp_path / "interviews.toml").read_text() == inline


def test_a_section_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    schedule = schedule_with(tmp_path)
    found = imported(schedule, "google_update.ics")
    (tmp_path / "interviews.toml").write_text(BEFORE + "\n# saved in an editor\n")
    with pytest.raises(UserError, match="changed while"):
        save(schedule, edits=found.edits, default_tz=NY, today=TODAY)


def test_an_edit_that_would_write_a_bad_address_writes_nothing(tmp_path: Path) -> None:
    schedule = schedule_with(tmp_path)
    globex = schedule.interviews[1]
    bad = replace(globex, interviewers=(replace(globex.interviewers[0], email="a@b.com,c@d.com"),))
    with pytest.raises(UserError, match="not written"):
        save(schedule, edits=[Edit(globex, bad)], default_tz=NY, today=TODAY)
    assert (tmp_path / "interviews.toml").read_text() == BEFORE


def test_a_format_missing_from_the_section_is_added_when_it_becomes_a_panel(
    tmp_path: Path,
) -> None:
    schedule = schedule_with(tmp_path)
    first = schedule.interviews[0]
    kim = replace(first.interviewers[0], name="Kim Ng", email="kim@initech.example")
    panel = replace(first, format=Format.PANEL, interviewers=(*first.interviewers, kim))
    save(schedule, edits=[Edit(first, panel)], default_tz=NY, today=TODAY)
    after = (tmp_path / "interviews.toml").read_text()
    assert 'start = 2026-11-18T09:30:00\nformat = "panel"\n' in after
    assert parse_schedule(after, file="x", default_tz=NY)[0] == panel


# --- size ---------------------------------------------------------------------------------------


def big_calendar(count: int) -> bytes:
    """A calendar of `count` events in an Outlook zone, each its own interview."""
    zone = (INVITES / "outlook_request.ics").read_text().split("BEGIN:VEVENT")[0]
    events = []
    for number in range(count):
        day = datetime(2027, 1, 4) + timedelta(days=number // 8, hours=number % 8)
        stamp = day.strftime("%Y%m%dT%H%M%S")
        events.append(
            "BEGIN:VEVENT\r\n"
            f"UID:event-{number}@acme.example\r\n"
            "SUMMARY:Acme Corp / Backend interview\r\n"
            f"DTSTART;TZID=W. Europe Standard Time:{stamp}\r\n"
            "DURATION:PT45M\r\n"
            "ORGANIZER;CN=Sam Lee:mailto:sam@acme.example\r\n"
            f"ATTENDEE;CN=Person {number}:mailto:person{number}@acme.example\r\n"
            "END:VEVENT\r\n"
        )
    return (zone + "".join(events) + "END:VCALENDAR\r\n").encode()


def import_seconds(folder: Path, count: int) -> float:
    """Time importing a calendar of `count` events into an empty schedule, then again."""
    folder.mkdir(exist_ok=True)
    path = folder / "interviews.toml"
    path.write_text("")
    started = time.perf_counter()
    for _ in range(2):  # adds them all, then finds every one up to date
        schedule = read_schedule_file(path, default_tz=NY)
        found = import_ics(
            big_calendar(count), file="big.ics", existing=schedule.interviews, options=OPTIONS
        )
        if found.interviews:
            save(schedule, additions=found.interviews, default_tz=NY)
    assert len(read_schedule_file(path, default_tz=NY).interviews) == count
    return time.perf_counter() - started


def test_a_calendar_of_500_events_imports_in_time_linear_in_its_size(tmp_path: Path) -> None:
    small = min(import_seconds(tmp_path / f"small-{n}", 100) for n in range(2))
    large = import_seconds(tmp_path / "large", 500)
    # five times the events: about five times the time; a quadratic step would take 25 times
    assert large < small * 12, (small, large)
