"""The add, import-ics and export commands, run through click as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
from click.testing import CliRunner, Result

from followup_mailer.cli.add import add
from followup_mailer.cli.context import Session
from followup_mailer.cli.import_export import export, import_ics
from followup_mailer.cli.main import _Group
from followup_mailer.cli.messages import check
from followup_mailer.cli.pipeline import plan_command, status
from followup_mailer.cli.run import run
from followup_mailer.cli.views import local
from followup_mailer.intake.schedule import load_schedule
from tests.conftest import config_text
from tests.e2e import ended_recently, interview_toml

NY = ZoneInfo("America/New_York")
EXAMPLE = Path(__file__).parent.parent / "followup_mailer" / "examples" / "interviews.example.toml"
DANA = "Dana Smith <dana@acme.example>"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(path_type=Path))
@click.pass_context
def cli(ctx: click.Context, config: Path) -> None:
    """The real commands under a group like the real one."""
    ctx.obj = Session(config)


for command in (add, import_ics, export, run, status, check, plan_command):
    cli.add_command(command)


class Folder:
    """A config and a schedule in a temporary folder, and a way to run commands on them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config = root / "config.toml"
        self.schedule = root / "interviews.toml"
        self.config.write_text(config_text({"delivery": {"send_window": "always"}}), "utf-8")
        shutil.copy(EXAMPLE, self.schedule)

    def run(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--config", str(self.config), *args], input=input)

    def interviews(self) -> dict[str, object]:
        return {i.id: i for i in load_schedule(self.schedule, default_tz=NY)}


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder(tmp_path)


def next_week() -> datetime:
    """A start a week from now, 10:00 in New York: its thank-you lies ahead."""
    day = (datetime.now(UTC) + timedelta(days=7)).date()
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=NY)


ADD = ["add", "--company", "Acme Corp", "--role", "Backend Engineer", "--interviewer", DANA]


# --- add ----------------------------------------------------------------------------------------


def test_add_appends_the_interview_and_says_when_the_thank_you_is_due(folder: Folder) -> None:
    before = folder.schedule.read_bytes()
    start = next_week()
    result = folder.run(
        *ADD,
        *("--start", start.strftime("%Y-%m-%dT%H:%M"), "--end", "11:30"),
        *("--interviewer", "Lee Park <lee@acme.example>", "--lead", "LEE@acme.example"),
        *("--notes", "dana@acme.example=asked how I would cut on-call load"),
        *("--highlight", 'the "event sourcing" move', "--contact", "Sam Lee <sam@acme.example>"),
        *("--timezone", "America/Chicago", "--expect-response-by", "2099-01-15"),
    )
    assert result.exit_code == 0, result.output
    new_id = f"acme-corp-backend-engineer-{start.date().isoformat()}"
    due = local(start + timedelta(hours=1, minutes=30) + timedelta(hours=2), NY)
    assert f"added {new_id} to {folder.schedule}" in result.stdout
    assert f"thank-you to Dana Smith <dana@acme.example>: due {due}" in result.stdout
    assert folder.schedule.read_bytes().startswith(before)  # comments and all
    added = load_schedule(folder.schedule, default_tz=NY)[-1]
    assert (added.id, added.format, added.timezone) == (
        new_id,
        "panel",
        ZoneInfo("America/Chicago"),
    )
    assert (added.start, added.end - added.start) == (start, timedelta(minutes=90))
    assert added.lead.email == "lee@acme.example" and added.highlights == (
        'the "event sourcing" move',
    )
    assert added.interviewers[0].notes == "asked how I would cut on-call load"
    assert [c.name for c in added.contacts] == ["Sam Lee"]
    assert added.expect_response_by == datetime(
        2099, 1, 15, 9, 0, tzinfo=ZoneInfo("America/Chicago")
    )


def test_add_in_a_terminal_asks_for_what_is_missing(folder: Folder) -> None:
    start = next_week().strftime("%Y-%m-%dT%H:%M")
    answers = [
        "Globex",  # company
        "Platform Engineer",  # role
        "next friday",  # start: not a date, asked again
        start,
        "",  # how long: the default, one hour
        "Bob <bob@foo>",  # the first interviewer: not an address `check` takes, asked again
        DANA,
        "lee@acme.example",  # another: no name, asked again
        "Lee Park <lee@acme.example>",
        "",  # no more interviewers
        "the migration to Kubernetes",  # a point to mention
    ]
    result = folder.run("add", "--interactive", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Start, e.g. 2026-11-20T14:00 (in America/New_York):" in result.output
    assert "How long [1h]:" in result.output
    assert (
        "is not a date and time" in result.output and "is not a name and address" in result.output
    )
    assert "is not a single valid address: 'bob@foo'" in result.output
    added = load_schedule(folder.schedule, default_tz=NY)[-1]
    assert added.end - added.start == timedelta(hours=1)
    assert (added.company, added.role, added.format) == ("Globex", "Platform Engineer", "panel")
    assert [p.email for p in added.interviewers] == ["dana@acme.example", "lee@acme.example"]
    assert added.highlights == ("the migration to Kubernetes",)


def test_add_without_a_terminal_names_the_missing_flag(folder: Folder) -> None:
    before = folder.schedule.read_bytes()
    result = folder.run("add", "--company", "Acme Corp", "--interviewer", DANA)
    assert result.exit_code == 2
    assert 'missing --role: give it like --role "Backend Engineer"' in result.output
    assert folder.schedule.read_bytes() == before


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--start", "tomorrow"], "Invalid value for '--start'"),
        (["--start", "2099-01-01"], "is a date without a time"),  # a date alone: when?
        (["--start", "2099-01-01T10:00", "--interviewer", "Bob <bob@foo>"], "'bob@foo'"),
        (["--start", "2099-01-01T10:00", "--contact", "Two <a@b.com,c@d.com>"], "'--contact'"),
        (["--start", "2099-01-01T10:00", "--lead", "bob@foo"], "'--lead'"),
        (["--start", "2099-01-01T10:00", "--company", "Acme\nCorp"], "holds a line break"),
        (["--start", "2099-01-01T10:00", "--interviewer", "dana@x.example"], "'--interviewer'"),
        (["--start", "2099-01-01T10:00", "--timezone", "Mars/Base"], "'--timezone'"),
        (["--start", "2099-01-01T10:00", "--duration", "2bd"], "'--duration'"),
        (["--start", "2099-01-01T10:00", "--id", "Acme Onsite"], "'--id'"),
        (["--start", "2099-01-01T10:00", "--notes", "kim@acme.example=hi"], "--notes kim@acme"),
        (["--start", "2099-01-01T10:00", "--lead", "kim@acme.example"], "--lead kim@acme"),
        (["--start", "2099-01-01T10:00", "--end", "09:00"], "--end 09:00 is not after --start"),
        (["--start", "2099-01-01T10:00", "--end", "11:00", "--duration", "1h"], "not both"),
    ],
)
def test_add_refuses_a_bad_flag_naming_it(folder: Folder, flags: list[str], message: str) -> None:
    before = folder.schedule.read_bytes()
    result = folder.run(*ADD, *flags)
    assert (result.exit_code, message in result.output) == (2, True), result.output
    assert folder.schedule.read_bytes() == before


def test_add_refuses_an_id_already_taken(folder: Folder) -> None:
    result = folder.run(*ADD, "--start", "2099-01-01T10:00", "--id", "acme-backend-onsite")
    assert result.exit_code == 1
    assert "already has an interview with id 'acme-backend-onsite'" in result.stderr
    assert "choose another --id" in result.stderr


def test_adding_the_same_interview_twice_is_refused(folder: Folder) -> None:
    assert folder.run(*ADD, "--start", "2099-01-01T10:00").exit_code == 0
    again = folder.run(*ADD, "--start", "2099-01-01T10:00")
    assert again.exit_code == 1 and "already has this interview" in again.stderr
    assert len(folder.interviews()) == 3


def test_add_dry_run_prints_the_toml_and_writes_nothing(folder: Folder) -> None:
    before = folder.schedule.read_bytes()
    result = folder.run(*ADD, "--start", "2099-01-01T10:00-08:00", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('[[interview]]\nid = "acme-corp-backend-engineer-2099-01-01"')
    assert "start = 2099-01-01T10:00:00-08:00\n" in result.stdout
    assert folder.schedule.read_bytes() == before


def test_add_leaves_a_broken_schedule_alone(folder: Folder) -> None:
    broken = folder.schedule.read_bytes() + b"\n[[interview]]\nid = 3\n"
    folder.schedule.write_bytes(broken)
    result = folder.run(*ADD, "--start", "2099-01-01T10:00")
    assert result.exit_code == 1 and "fix them first" in result.stderr
    assert f"{folder.schedule}:" in result.stderr  # the problem names the file and line
    assert folder.schedule.read_bytes() == broken


# --- import-ics -----------------------------------------------------------------------------------

INVITE = """\
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:{day}T100000
DTEND;TZID=Europe/Berlin:{day}T110000
ORGANIZER;CN=Greta Recruiter:mailto:greta@initech.example
UID:abc123@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN=Greta Recruiter:mailto:greta@i
 nitech.example
ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN=Omar Haddad:mailto:omar@initec
 h.example
ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=alex@example.com
 :mailto:alex@example.com
SUMMARY:{summary}
END:VEVENT
END:VCALENDAR
"""


def invite(folder: Folder, summary: str = "Interview: Data Engineer – Initech") -> Path:
    day = next_week().strftime("%Y%m%d")
    path = folder.root / "invite.ics"
    path.write_bytes(INVITE.format(day=day, summary=summary).replace("\n", "\r\n").encode())
    return path


def test_import_ics_adds_the_invite_once_then_updates_it_in_place(folder: Folder) -> None:
    path = invite(folder)
    first = folder.run("import-ics", str(path))
    assert first.exit_code == 0, first.output
    new_id = f"initech-data-engineer-{next_week().date().isoformat()}"
    assert f"added {new_id}" in first.stdout
    assert "thank-you to Omar Haddad <omar@initech.example>: due" in first.stdout
    assert "tip: add highlights" in first.stdout
    added = load_schedule(folder.schedule, default_tz=NY)[-1]
    assert [p.email for p in added.interviewers] == ["omar@initech.example"]
    assert [p.email for p in added.contacts] == ["greta@initech.example"]  # the organizer
    assert added.format == "one-on-one" and added.timezone == ZoneInfo("Europe/Berlin")
    assert added.uid == "abc123@google.com"
    again = folder.run("import-ics", str(path))
    assert again.exit_code == 0 and f"{new_id} is up to date" in again.stdout
    assert "nothing to change" in again.stdout and len(folder.interviews()) == 3
    before = folder.schedule.read_bytes()
    moved_text = path.read_bytes().replace(b"T110000", b"T123000").replace(b"T100000", b"T113000")
    path.write_bytes(moved_text)  # moved by 90 minutes
    moved = folder.run("import-ics", str(path))
    assert moved.exit_code == 0, moved.output
    assert f"updated {new_id} in {folder.schedule}: moved to" in moved.stdout
    after = load_schedule(folder.schedule, default_tz=NY)
    assert len(after) == 3 and after[-1].start - added.start == timedelta(minutes=90)
    assert (
        folder.schedule.read_bytes().split(b"[[interview]]")[:3]
        == before.split(b"[[interview]]")[:3]
    )  # the example interviews, byte for byte


def test_import_ics_of_a_cancellation_withdraws_the_interview(folder: Folder) -> None:
    path = invite(folder)
    assert folder.run("import-ics", str(path)).exit_code == 0
    cancel = path.read_bytes().replace(b"METHOD:REQUEST", b"METHOD:CANCEL")
    path.write_bytes(cancel)
    result = folder.run("import-ics", str(path))
    assert result.exit_code == 0, result.output
    assert "cancelled initech-data-engineer-" in result.stdout
    assert load_schedule(folder.schedule, default_tz=NY)[-1].outcome == "withdrawn"
    shown = folder.run("status", "--json")
    steps = [s for s in json.loads(shown.stdout) if s["interview"].startswith("initech")]
    assert steps and {(s["state"], s["reason"]) for s in steps} == {
        ("cancelled", "outcome: withdrawn")
    }


def test_import_ics_dry_run_prints_the_toml(folder: Folder) -> None:
    before = folder.schedule.read_bytes()
    result = folder.run("import-ics", str(invite(folder)), "--dry-run")
    assert result.exit_code == 0, result.output
    assert 'company = "Initech"\nrole = "Data Engineer"\n' in result.stdout
    assert result.stdout.count("[[interview.interviewer]]") == 1
    assert result.stdout.count("[[interview.contact]]") == 1  # the organizer
    assert folder.schedule.read_bytes() == before


def test_import_ics_asks_for_company_and_role_it_cannot_tell(folder: Folder) -> None:
    path = invite(folder, summary="Catch-up")
    refused = folder.run("import-ics", str(path))
    assert refused.exit_code == 1
    assert "cannot import" in refused.stderr and "--company" in refused.stderr
    flags = ["--company", "Initech", "--role", "Data Engineer"]
    assert folder.run("import-ics", str(path), *flags).exit_code == 0
    assert load_schedule(folder.schedule, default_tz=NY)[-1].company == "Initech"


def test_import_ics_reads_standard_input(folder: Folder) -> None:
    data = invite(folder).read_text(encoding="utf-8")
    result = folder.run("import-ics", "-", "--dry-run", input=data)
    assert result.exit_code == 0, result.output
    assert 'company = "Initech"' in result.stdout


def test_import_ics_of_a_missing_file_is_a_usage_error(folder: Folder) -> None:
    result = folder.run("import-ics", str(folder.root / "nope.ics"))
    assert result.exit_code == 2 and "nope.ics" in result.output


# --- export ---------------------------------------------------------------------------------------


@pytest.fixture
def drafted(folder: Folder) -> Folder:
    """An interview that ended ended_recently, its thank-you drafted by one pass."""
    end = ended_recently()
    folder.schedule.write_text(
        interview_toml("acme", end=end, people=[("Dana Smith", "dana@acme.com")]), "utf-8"
    )
    assert folder.run("run", "--once").exit_code == 0
    return folder


def test_export_csv_has_a_row_per_step_with_times_spreadsheets_read(drafted: Folder) -> None:
    result = drafted.run("export")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["interview"], r["step"], r["state"]) for r in rows] == [
        ("acme", "thank_you", "awaiting-approval"),
        ("acme", "followup-1", "planned"),
        ("acme", "followup-2", "planned"),
    ]
    assert {(r["company"], r["role"], r["to"]) for r in rows} == {
        ("Acme Corp", "Senior Backend Engineer", "dana@acme.com")
    }
    written = rows[0]["interview_start (America/New_York)"]  # the zone, in the header
    start = datetime.strptime(written, "%Y-%m-%d %H:%M:%S").replace(tzinfo=NY)
    assert abs(start - (ended_recently() - timedelta(hours=1))) < timedelta(minutes=1)


def test_export_json_matches_the_csv(drafted: Folder) -> None:
    as_csv = list(csv.reader(io.StringIO(drafted.run("export").stdout)))[1:]
    as_json = json.loads(drafted.run("export", "--format", "json").stdout)
    assert json.loads(drafted.run("export", "--json").stdout) == as_json
    for line, item in zip(as_csv, as_json, strict=True):
        for cell, (key, value) in zip(line, item.items(), strict=True):
            if key in ("interview_start", "due", "sent_at") and value:
                local = datetime.fromisoformat(value).astimezone(NY)
                assert cell == local.strftime("%Y-%m-%d %H:%M:%S")
            else:
                assert cell == (value or "")


def test_export_works_while_the_schedule_is_broken(drafted: Folder) -> None:
    drafted.schedule.write_text("[[interview]]\nid = \n", "utf-8")
    result = drafted.run("export", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "exporting the last recorded state" in result.stderr
    rows = json.loads(result.stdout)
    assert ("acme", "thank_you", "awaiting-approval") in {
        (r["interview"], r["step"], r["state"]) for r in rows
    }
    assert {r["company"] for r in rows} == {None}


# --- one validator, one convention for times ----------------------------------------------------


def test_check_reports_each_problem_once(folder: Folder) -> None:
    folder.schedule.write_text(
        interview_toml("bad", end=next_week(), people=[("Bob", "bob@foo")]), "utf-8"
    )
    result = folder.run("check")
    assert result.exit_code == 1
    assert result.stderr.count("is not a single valid address: 'bob@foo'") == 1, result.stderr


@pytest.mark.parametrize(
    "at", ["2026-11-20T14:00", "2026-11-20 14:00", "2026-11-20T14:00:00", "2026-11-20T14:00-05:00"]
)
def test_plan_at_takes_the_forms_add_takes(folder: Folder, at: str) -> None:
    result = folder.run("plan", "--at", at, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)


def test_plan_at_refuses_a_date_alone_saying_what_to_write(folder: Folder) -> None:
    result = folder.run("plan", "--at", "2026-11-20")
    assert result.exit_code == 2 and "a date without a time" in result.output


def test_plan_and_status_name_their_zone_and_the_recipients_clock(folder: Folder) -> None:
    # the day before the Globex panel, so its thank-yous lie ahead and show the Berlin clock
    plan = folder.run("plan", "--at", "2026-12-01T09:00")
    assert plan.exit_code == 0, plan.output
    assert "When (New York)" in plan.stdout
    assert "Berlin)" in plan.stdout  # the Globex panel's interviewers are in Berlin


def test_status_json_plan_json_and_export_json_write_utc(drafted: Folder) -> None:
    for command in (["status", "--json"], ["plan", "--json"], ["export", "--json"]):
        result = drafted.run(*command)
        assert result.exit_code == 0, result.output
        times = [
            value
            for row in json.loads(result.stdout)
            for key, value in row.items()
            if key in ("due", "sent_at", "interview_start") and value
        ]
        assert times and all(value.endswith("+00:00") for value in times), (command, times)
