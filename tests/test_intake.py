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
from followup_mailer.intake.invites import IcsImport, IcsOptions, guess_company_and_role, import_ics
from followup_mailer.intake.schedule import parse_schedule
from followup_mailer.model import Format, Interview, Outcome, Person

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
DANA = Person("Dana Smith", "dana@acme.example", notes="asked how I would cut on-call load")
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


# --- calendar invites -----------------------------------------------------------------------------

OWN = IcsOptions(own=frozenset({"alex@example.com", "alex.rivera@gmail.example"}), default_tz=NY)

GOOGLE = """\
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REQUEST
BEGIN:VTIMEZONE
TZID:America/Los_Angeles
X-LIC-LOCATION:America/Los_Angeles
BEGIN:DAYLIGHT
TZOFFSETFROM:-0800
TZOFFSETTO:-0700
TZNAME:PDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0700
TZOFFSETTO:-0800
TZNAME:PST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
DTSTART;TZID=America/Los_Angeles:20261202T100000
DTEND;TZID=America/Los_Angeles:20261202T120000
DTSTAMP:20261125T180000Z
ORGANIZER;CN=Taylor Brooks:mailto:taylor@globex.example
UID:7kukuqrsf5bn1p5ekj8q9k5ek6@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Jordan
  Weber;X-NUM-GUESTS=0:mailto:jordan.weber@globex.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=priya.n
 atarajan@globex.example;X-NUM-GUESTS=0:mailto:priya.natarajan@globex.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=
 TRUE;CN=alex.rivera@gmail.example;X-NUM-GUESTS=0:mailto:alex.rivera@gmail.example
ATTENDEE;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=HQ-3-Ada
  (8);X-NUM-GUESTS=0:mailto:c_1888@resource.calendar.google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=DECLINED;CN=Luis O
 rtega;X-NUM-GUESTS=0:mailto:luis.ortega@globex.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Taylor
  Brooks;X-NUM-GUESTS=0:mailto:taylor@globex.example
DESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-hij
LOCATION:HQ-3-Ada (8)
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Globex: Platform Engineer interview
TRANSP:OPAQUE
END:VEVENT
END:VCALENDAR
"""

OUTLOOK = """\
BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ORGANIZER;CN=Sam Lee:mailto:sam@acme.example
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Dana Smith:
 mailto:dana@acme.example
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Alex Rivera
 :mailto:alex@example.com
ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN
 =Room Turing:mailto:room.turing@acme.example
DESCRIPTION;LANGUAGE=en-US:Hi Alex\\, looking forward to it!\\n
UID:040000008200E00074C5B7101A82E00800000000
SUMMARY;LANGUAGE=en-US:Acme Corp / Backend interview
DTSTART;TZID=W. Europe Standard Time:20261120T140000
DTEND;TZID=W. Europe Standard Time:20261120T153000
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:20261110T091500Z
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:0
LOCATION;LANGUAGE=en-US:Room Turing
END:VEVENT
END:VCALENDAR
"""


def ics(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


def vevent(summary: str, times: str, people: str = "") -> str:
    attendee = "ATTENDEE;CN=Dana Smith:mailto:dana@acme.example"
    uid = f"UID:{summary}/{times.splitlines()[0]}"
    lines = [uid, f"SUMMARY:{summary}", times, people or attendee]
    return "BEGIN:VEVENT\n" + "\n".join(lines) + "\nEND:VEVENT\n"


def calendar(*events: str) -> bytes:
    return ics(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + "".join(events) + "END:VCALENDAR\n"
    )


def event(summary: str, times: str, people: str = "") -> bytes:
    """A small calendar with one event."""
    return calendar(vevent(summary, times, people))


def read(data: bytes, options: IcsOptions = OWN, existing: tuple[Interview, ...] = ()) -> IcsImport:
    return import_ics(data, file="invite.ics", existing=existing, options=options)


def problems_of(data: bytes, options: IcsOptions = OWN) -> str:
    with pytest.raises(UserError) as raised:
        read(data, options)
    return "\n".join(str(p) for p in raised.value.problems) or str(raised.value)


def test_a_google_invite_becomes_a_panel_in_its_zone() -> None:
    (interview,) = read(ics(GOOGLE)).interviews
    assert (interview.company, interview.role) == ("Globex", "Platform Engineer")
    assert interview.id == "globex-platform-engineer-2026-12-02"
    assert interview.start == datetime(2026, 12, 2, 10, 0, tzinfo=LA)
    assert interview.end - interview.start == timedelta(hours=2)
    assert interview.timezone == LA and interview.format is Format.PANEL
    # not you (an alias), not the room, not who declined; a name for an address-only guest
    assert [(p.name, p.email) for p in interview.interviewers] == [
        ("Jordan Weber", "jordan.weber@globex.example"),
        ("Priya Natarajan", "priya.natarajan@globex.example"),
        ("Taylor Brooks", "taylor@globex.example"),
    ]
    assert interview.contacts == ()


def test_a_recruiter_organizer_can_be_the_contact() -> None:
    options = replace(OWN, organizer_is_contact=True)
    (interview,) = read(ics(GOOGLE), options).interviews
    assert [p.email for p in interview.contacts] == ["taylor@globex.example"]
    assert "taylor@globex.example" not in [p.email for p in interview.interviewers]


def test_an_outlook_invite_with_a_windows_zone() -> None:
    (interview,) = read(ics(OUTLOOK)).interviews
    assert (interview.company, interview.role) == ("Acme Corp", "Backend")
    assert utc(interview.start) == datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
    assert interview.timezone == BERLIN
    assert interview.end - interview.start == timedelta(minutes=90)
    # the organizer counts as an interviewer unless told otherwise; the room does not
    assert [p.email for p in interview.interviewers] == ["dana@acme.example", "sam@acme.example"]


def test_the_written_invite_is_a_valid_schedule() -> None:
    found = read(ics(GOOGLE)).interviews + read(ics(OUTLOOK)).interviews
    assert [i.id for i in parse("\n".join(map(interview_toml, found)))] == [i.id for i in found]


def test_utc_floating_and_duration_times() -> None:
    (utc_event,) = read(
        event("Acme Corp / Backend interview", "DTSTART:20261120T190000Z")
    ).interviews
    assert utc_event.start == datetime(2026, 11, 20, 14, 0, tzinfo=NY)
    assert utc_event.timezone is None  # your own zone: nothing to write
    assert utc_event.end - utc_event.start == timedelta(hours=1)  # no end given
    times = "DTSTART:20261120T140000\nDURATION:PT45M"
    (floating,) = read(event("Acme Corp / Backend interview", times)).interviews
    assert floating.start == datetime(2026, 11, 20, 14, 0, tzinfo=NY)
    assert floating.end - floating.start == timedelta(minutes=45)


def test_an_all_day_event_is_refused() -> None:
    text = problems_of(event("Acme Corp / Backend interview", "DTSTART;VALUE=DATE:20261120"))
    assert "all-day event" in text and "followup-mailer add" in text


def test_an_unknown_timezone_is_refused() -> None:
    times = "DTSTART;TZID=Mars/Olympus:20261120T140000"
    assert 'unknown timezone "Mars/Olympus"' in problems_of(event("Acme / Backend", times))


def test_an_event_with_only_you_and_rooms_is_refused() -> None:
    people = (
        "ATTENDEE;CN=Alex:mailto:ALEX@example.com\n"
        "ATTENDEE;CUTYPE=ROOM;CN=Room:mailto:room@acme.example"
    )
    times = "DTSTART:20261120T190000Z"
    assert "nobody but you" in problems_of(event("Acme Corp / Backend", times, people))


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Interview: Senior Backend Engineer – Acme Corp",
            ("Acme Corp", "Senior Backend Engineer"),
        ),
        ("Acme Corp / Backend interview", ("Acme Corp", "Backend")),
        ("Platform Engineer at Globex", ("Globex", "Platform Engineer")),
        ("Globex: Platform Engineer interview", ("Globex", "Platform Engineer")),
        ("Interview for Data Scientist | Initech", ("Initech", "Data Scientist")),
        ("Phone interview - Initech - Product Manager", ("Initech", "Product Manager")),
        ("Initech - Onsite - Product Manager", ("", "")),
        ("Catch-up", ("", "")),
        ("Acme Corp – Umbrella", ("", "")),
    ],
)
def test_company_and_role_are_guessed_from_the_title(
    summary: str, expected: tuple[str, str]
) -> None:
    assert guess_company_and_role(summary) == expected


def test_one_flag_given_the_title_gives_the_other() -> None:
    summary = "Interview: Senior Backend Engineer – Acme Corp"
    assert guess_company_and_role(summary, company="Acme") == ("Acme", "Senior Backend Engineer")
    assert guess_company_and_role("Interview with Globex", role="SRE") == ("Globex", "SRE")


def test_a_title_that_says_nothing_asks_for_the_flags() -> None:
    data = event("Catch-up", "DTSTART:20261120T190000Z")
    assert "--company" in problems_of(data) and "--role" in problems_of(data)
    options = replace(OWN, company="Acme Corp", role="Backend Engineer")
    (interview,) = read(data, options).interviews
    assert (interview.company, interview.role) == ("Acme Corp", "Backend Engineer")


def test_events_already_scheduled_are_skipped_with_a_note() -> None:
    (first,) = read(ics(OUTLOOK)).interviews
    again = read(ics(OUTLOOK), existing=(first,))
    assert again.interviews == () and first.id in again.skipped[0]
    moved = replace(first, id="my-own-id")  # same start and interviewers, another id
    assert read(ics(OUTLOOK), existing=(moved,)).skipped == (
        'event "Acme Corp / Backend interview" on 2026-11-20T14:00:00+01:00: '
        "already in the schedule as my-own-id",
    )


def test_two_sessions_of_one_day_get_their_own_ids() -> None:
    lee = "ATTENDEE;CN=Lee Park:mailto:lee@acme.example"
    morning = vevent("Acme Corp / Backend interview", "DTSTART:20261120T150000Z")
    afternoon = vevent("Acme Corp / Backend interview", "DTSTART:20261120T190000Z", lee)
    found = read(calendar(afternoon, morning)).interviews
    assert [(i.id, i.interviewers[0].name) for i in found] == [
        ("acme-corp-backend-2026-11-20", "Dana Smith"),
        ("acme-corp-backend-2026-11-20-2", "Lee Park"),
    ]


def test_an_event_listed_twice_is_added_once() -> None:
    session = vevent("Acme Corp / Backend interview", "DTSTART:20261120T150000Z")
    found = read(calendar(session, session.replace("UID:", "UID:copy-")))
    assert len(found.interviews) == 1 and "earlier in the file" in found.skipped[0]


def test_cancelled_events_are_skipped() -> None:
    cancelled = ics(OUTLOOK.replace("STATUS:CONFIRMED", "STATUS:CANCELLED"))
    found = read(cancelled)
    assert found.interviews == () and "cancelled" in found.skipped[0]


@pytest.mark.parametrize("data", [b"hello", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", b""])
def test_a_file_without_events_is_refused(data: bytes) -> None:
    with pytest.raises(UserError, match=r"invite\.ics"):
        read(data)


@given(st.lists(st.tuples(st.integers(0, len(OUTLOOK) - 1), st.sampled_from(':;=\n,"-AZ09é'))))
def test_a_damaged_invite_gives_a_clear_error_or_valid_interviews(
    damage: list[tuple[int, str]],
) -> None:
    text = list(OUTLOOK)
    for index, char in damage:
        text[index] = char
    try:
        found = read(ics("".join(text)))
    except UserError as error:
        assert "invite.ics" in str(error)
    else:  # what it reads makes a valid schedule, with one-line names for mail headers
        written = "\n".join(map(interview_toml, found.interviews))
        assert len(parse(written)) == len(found.interviews)
        people = [p for i in found.interviews for p in i.people]
        texts = [t for i in found.interviews for t in (i.company, i.role)]
        assert all(t.isprintable() for t in texts + [p.name for p in people])
