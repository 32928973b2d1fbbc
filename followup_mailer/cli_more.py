"""The commands that feed the schedule and read the pipeline out: add, import-ics, export."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

import click

from followup_mailer import export as exporting
from followup_mailer import intake, timing, views
from followup_mailer.errors import UserError
from followup_mailer.model import THANK_YOU, Format, Interview, Person
from followup_mailer.reconcile import current_plan
from followup_mailer.schedule import DEFAULT_LENGTH, RESPONSE_HOUR
from followup_mailer.timing import BadValue

if TYPE_CHECKING:
    from followup_mailer.cli import Session

T = TypeVar("T")
_ADDRESS = re.compile(r"\s*(?P<name>[^<>]*?)\s*<\s*(?P<email>[^<>\s]+@[^<>\s]+)\s*>\s*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never in a name: it ends up in mail headers
_MOMENT_FIX = "write it like 2026-11-20T14:00 (your timezone) or 2026-11-20T14:00-05:00"
_TIP = (
    "tip: add highlights (points from the conversation) or interviewer notes to {file}: "
    "a thank-you should mention one"
)


# --- option values ------------------------------------------------------------------------------


def _moment(text: str) -> datetime:
    """Read an ISO date and time, with or without an offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or len(text.strip()) <= len("2026-11-20"):  # a date alone: no time given
        raise click.BadParameter(f'"{text}" is not a date and time; {_MOMENT_FIX}')
    return moment


def _text(text: str) -> str:
    if not text.strip():
        raise click.BadParameter("is empty; write it")
    if _CONTROL.search(text):
        raise click.BadParameter(
            f"{text!r} holds a line break or control character; write one line"
        )
    return text.strip()


def _person(text: str) -> Person:
    """Read "Name <email>"."""
    found = _ADDRESS.fullmatch(text)
    if not found or not found["name"].strip('"') or _CONTROL.search(text):
        fix = 'write the name and the address, like "Dana Smith <dana@acme.com>"'
        raise click.BadParameter(f'"{text}" is not a name and address; {fix}')
    return Person(name=found["name"].strip('"').strip(), email=found["email"])


def _one(
    convert: Callable[[str], T],
) -> Callable[[click.Context, click.Parameter, str | None], T | None]:
    """Make a click callback that converts a single optional value."""

    def callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> T | None:
        return None if value is None else convert(value)

    return callback


def _many(
    convert: Callable[[str], T],
) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], tuple[T, ...]]:
    """Make a click callback that converts every value of a repeatable option."""

    def callback(
        _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
    ) -> tuple[T, ...]:
        return tuple(convert(value) for value in values)

    return callback


def _zone(text: str) -> ZoneInfo:
    try:
        return timing.parse_timezone(text)
    except BadValue as error:
        raise click.BadParameter(f"{error.problem}; {error.fix}") from None


def _length(text: str) -> timedelta:
    try:
        duration = timing.parse_duration(text)
    except BadValue as error:
        raise click.BadParameter(f"{error.problem}; {error.fix}") from None
    if duration.business_days or not duration.fixed:
        raise click.BadParameter(f'"{text}" is not a length of time; write "45m" or "1h30m"')
    return duration.fixed


def _interview_id(text: str) -> str:
    if not intake.ID_PATTERN.fullmatch(text):
        fix = 'use lower-case letters, digits, ".", "_" and "-", like "acme-backend-onsite"'
        raise click.BadParameter(f'"{text}" is not a valid id; {fix}')
    return text


def _note(text: str) -> tuple[str, str]:
    email, equals, note = text.partition("=")
    if not equals or "@" not in email or not note.strip():
        fix = 'write the interviewer\'s address, "=" and the point, like "dana@acme.com=on-call"'
        raise click.BadParameter(f'"{text}" is not EMAIL=TEXT; {fix}')
    return email.strip().lower(), note.strip()


def _day_or_moment(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return _moment(text)


# --- asking for what is missing -----------------------------------------------------------------


class _Asker:
    """Ask in a terminal for required values not given as flags; else a usage error."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive

    def value(self, given: T | None, flag: str, prompt: str, convert: Callable[[str], T]) -> T:
        if given is not None:
            return given
        if not self.interactive:
            example = _EXAMPLES[flag]
            raise click.UsageError(
                f"missing {flag}: give it like {example}, or run `add` in a terminal to be asked"
            )
        return click.prompt(prompt, value_proc=convert)

    def optional(self, prompt: str) -> tuple[str, ...]:
        """Ask for an optional text in a terminal; nothing when not interactive or left empty."""
        if not self.interactive:
            return ()
        answer: str = click.prompt(f"{prompt} (optional)", default="", show_default=False)
        return (answer.strip(),) if answer.strip() else ()

    def people(self, given: tuple[Person, ...]) -> tuple[Person, ...]:
        first = self.value(given[0] if given else None, "--interviewer", _PERSON_PROMPT, _person)
        people = [first, *given[1:]]
        while self.interactive and not given:
            more: Person | None = click.prompt(
                "Another interviewer (empty when done)",
                default="",
                show_default=False,
                value_proc=_maybe_person,
            )
            if more is None:
                break
            people.append(more)
        return tuple(people)


_PERSON_PROMPT = 'Interviewer, as "Name <email>"'
_EXAMPLES = {
    "--company": '--company "Acme Corp"',
    "--role": '--role "Backend Engineer"',
    "--start": "--start 2026-11-20T14:00",
    "--interviewer": '--interviewer "Dana Smith <dana@acme.com>"',
}


def _maybe_person(text: str) -> Person | None:
    return _person(text) if text.strip() else None


# --- add ----------------------------------------------------------------------------------------

ADD_EXAMPLES = """\b
Examples:
  followup-mailer add --company "Acme Corp" --role "Backend Engineer" \\
      --start 2026-11-20T14:00 --duration 90m \\
      --interviewer "Dana Smith <dana@acme.com>" \\
      --notes "dana@acme.com=asked how I would cut on-call load" \\
      --highlight "your move to event sourcing" --contact "Sam Lee <sam@acme.com>"
  followup-mailer add        # in a terminal: asks for what is missing
"""


@click.command(epilog=ADD_EXAMPLES)
@click.option(
    "--id",
    "interview_id",
    callback=_one(_interview_id),
    help="Unique id [default: company-role-date].",
)
@click.option(
    "--company", callback=_one(_text), help='The company, as your notes name it: "Acme Corp".'
)
@click.option(
    "--role", callback=_one(_text), help='The role you interviewed for: "Senior Backend Engineer".'
)
@click.option(
    "--start",
    metavar="DATETIME",
    callback=_one(_moment),
    help="When it started: 2026-11-20T14:00 (your timezone) or with an offset.",
)
@click.option("--end", metavar="DATETIME|HH:MM", help="When it ended (a bare time: the same day).")
@click.option(
    "--duration",
    callback=_one(_length),
    help='How long, instead of --end: "45m", "1h30m" [default: 1h].',
)
@click.option(
    "--timezone",
    "zone",
    callback=_one(_zone),
    help='The interviewers\' zone, for the send window: "Europe/Berlin".',
)
@click.option(
    "--format",
    "format_",
    type=click.Choice([f.value for f in Format]),
    help="[default: one-on-one for one interviewer, panel for more]",
)
@click.option(
    "--interviewer",
    "interviewers",
    multiple=True,
    metavar='"NAME <EMAIL>"',
    callback=_many(_person),
    help="Someone you met (repeat for a panel).",
)
@click.option(
    "--lead",
    metavar="EMAIL",
    help="The lead interviewer (a group interview's one note goes there).",
)
@click.option(
    "--contact",
    "contacts",
    multiple=True,
    metavar='"NAME <EMAIL>"',
    callback=_many(_person),
    help="The recruiter or coordinator: receives the nudges (repeatable).",
)
@click.option(
    "--highlight",
    "highlights",
    multiple=True,
    metavar="TEXT",
    help="A talking point the notes may mention (repeatable).",
)
@click.option(
    "--notes",
    multiple=True,
    metavar="EMAIL=TEXT",
    callback=_many(_note),
    help="A point from your talk with that interviewer (repeatable).",
)
@click.option("--addendum", metavar="TEXT", help="A concern to address, or something you left out.")
@click.option(
    "--expect-response-by",
    metavar="DATE",
    callback=_one(_day_or_moment),
    help="They said they would answer by then: the first nudge waits for it.",
)
@click.option(
    "--thread", metavar="ID", help="Gmail thread id of your conversation with the recruiter."
)
@click.option("--dry-run", is_flag=True, help="Print the TOML instead of adding it.")
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for missing values [default: when run in a terminal].",
)
@click.pass_obj
def add(session: Session, /, **given: object) -> None:
    """Add an interview to the schedule file, from flags or by asking.

    The interview is appended to the schedule file as an [[interview]]
    section; everything already in the file stays as it is. Nothing is
    written unless the whole file is still valid afterwards. Times without
    an offset are in your account timezone.
    """
    flags = _AddFlags(**given)  # type: ignore[arg-type]
    settings = session.settings
    tz = settings.account.timezone
    schedule = intake.read_schedule_file(settings.schedule.path, default_tz=tz)
    interview = flags.interview(schedule, tz)
    duplicate = intake.duplicate_of(interview, schedule.interviews)
    if duplicate and flags.interview_id is None:
        raise UserError(
            f"{schedule.path} already has this interview (same start and interviewers) as "
            f"{duplicate!r}; to add it anyway, give it its own --id"
        )
    if flags.dry_run:
        click.echo(intake.interview_toml(interview), nl=False)
        return
    added = intake.append_interviews(schedule, [interview], default_tz=tz)
    _report_added(session, added, str(schedule.path))


@dataclass(frozen=True, slots=True)
class _AddFlags:
    """The flags of `add`, as click converted them; None for a flag not given."""

    interview_id: str | None
    company: str | None
    role: str | None
    start: datetime | None
    end: str | None
    duration: timedelta | None
    zone: ZoneInfo | None
    format_: str | None
    interviewers: tuple[Person, ...]
    lead: str | None
    contacts: tuple[Person, ...]
    highlights: tuple[str, ...]
    notes: tuple[tuple[str, str], ...]
    addendum: str | None
    expect_response_by: date | None
    thread: str | None
    dry_run: bool
    interactive: bool | None

    def interview(self, schedule: intake.ScheduleFile, tz: ZoneInfo) -> Interview:
        """Build the interview, asking for what is missing when allowed."""
        ask = _Asker(sys.stdin.isatty() if self.interactive is None else self.interactive)
        company = ask.value(self.company, "--company", "Company", _text)
        role = ask.value(self.role, "--role", "Role", _text)
        start = _local(ask.value(self.start, "--start", "Start (2026-11-20T14:00)", _moment), tz)
        people = _with_notes(_with_lead(ask.people(self.interviewers), self.lead), self.notes)
        highlights = self.highlights
        if not highlights and not self.notes:
            highlights = ask.optional("A point from the conversation the notes may mention")
        return Interview(
            id=self._id(company, role, start, schedule, tz),
            company=company,
            role=role,
            start=start,
            end=self._end(start, tz),
            timezone=self.zone,
            format=Format(self.format_) if self.format_ else _format_for(people),
            highlights=highlights,
            addendum=self.addendum or "",
            expect_response_by=_response_by(self.expect_response_by, self.zone or tz),
            thread=self.thread or "",
            interviewers=people,
            contacts=self.contacts,
        )

    def _id(
        self, company: str, role: str, start: datetime, schedule: intake.ScheduleFile, tz: ZoneInfo
    ) -> str:
        if self.interview_id is None:
            base = intake.base_id(company, role, start.astimezone(tz).date())
            return intake.unique_id(base, schedule.ids)
        if self.interview_id in schedule.ids:
            raise UserError(
                f"{schedule.path} already has an interview with id {self.interview_id!r}: "
                "choose another --id (or leave it out for one made from company, role and date)"
            )
        return self.interview_id

    def _end(self, start: datetime, tz: ZoneInfo) -> datetime:
        if self.end is not None and self.duration is not None:
            raise click.UsageError("give --end or --duration, not both")
        if self.end is None:
            return intake.later(start, self.duration or DEFAULT_LENGTH)
        end = _end_moment(self.end, start, tz)
        if end.astimezone(UTC) <= start.astimezone(UTC):
            raise click.UsageError(f"--end {self.end} is not after --start; write when it ended")
        return end


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    """Read a time written without an offset in the account's zone."""
    return timing.localize(moment, tz) if moment.tzinfo is None else moment


def _end_moment(text: str, start: datetime, tz: ZoneInfo) -> datetime:
    """Read --end: a date and time, or a bare time on the start's day."""
    try:
        clock = time.fromisoformat(text.strip())
    except ValueError:
        return _local(_moment(text), tz)
    if clock.tzinfo is not None:
        raise click.UsageError(f"--end {text}: write a bare time like 15:30, or a date and time")
    naive = datetime.combine(start.date(), clock)
    zone = start.tzinfo if isinstance(start.tzinfo, ZoneInfo) else None
    return timing.localize(naive, zone) if zone else naive.replace(tzinfo=start.tzinfo)


def _response_by(value: date | None, tz: ZoneInfo) -> datetime | None:
    """Read --expect-response-by; a bare date means 09:00 that day, as in the schedule file."""
    if value is None or isinstance(value, datetime):
        return _local(value, tz) if value else None
    return timing.localize(datetime.combine(value, RESPONSE_HOUR), tz)


def _with_lead(people: tuple[Person, ...], lead: str | None) -> tuple[Person, ...]:
    if lead is None:
        return people
    if lead.strip().lower() not in _emails(people):
        raise click.UsageError(_not_an_interviewer("--lead", lead, people))
    return tuple(replace(p, lead=p.email.lower() == lead.strip().lower()) for p in people)


def _with_notes(
    people: tuple[Person, ...], notes: tuple[tuple[str, str], ...]
) -> tuple[Person, ...]:
    for email, _ in notes:
        if email not in _emails(people):
            raise click.UsageError(_not_an_interviewer("--notes", email, people))
    return tuple(
        replace(p, notes="; ".join(text for email, text in notes if email == p.email.lower()))
        for p in people
    )


def _emails(people: Iterable[Person]) -> list[str]:
    return [p.email.lower() for p in people]


def _not_an_interviewer(flag: str, email: str, people: Iterable[Person]) -> str:
    known = ", ".join(p.email for p in people)
    return f"{flag} {email} is not one of the --interviewer addresses ({known})"


def _format_for(people: Sequence[Person]) -> Format:
    return Format.ONE_ON_ONE if len(people) == 1 else Format.PANEL


# --- import-ics ---------------------------------------------------------------------------------

IMPORT_EXAMPLES = """\b
Examples:
  followup-mailer import-ics ~/Downloads/invite.ics
  followup-mailer import-ics invite.ics --company "Acme Corp" --role "Backend Engineer"
  followup-mailer import-ics invite.ics --organizer-is-contact --dry-run
"""


@click.command("import-ics", epilog=IMPORT_EXAMPLES)
@click.argument("file", type=click.File("rb"))
@click.option(
    "--company", callback=_one(_text), help="The company [default: guessed from the event title]."
)
@click.option(
    "--role", callback=_one(_text), help="The role [default: guessed from the event title]."
)
@click.option(
    "--organizer-is-contact",
    is_flag=True,
    help="The organizer is a recruiter: make them the contact who gets the nudges.",
)
@click.option("--dry-run", is_flag=True, help="Print the TOML instead of adding it.")
@click.pass_obj
def import_ics(
    session: Session,
    file: IO[bytes],
    company: str | None,
    role: str | None,
    organizer_is_contact: bool,
    dry_run: bool,
) -> None:
    """Add interviews from a calendar invite (.ics; "-" reads stdin).

    Each event becomes an interview: its times (in the event's timezone), its
    guests as interviewers (leaving out you, rooms and people who declined),
    one-on-one for one guest, panel for more. The company and role come from
    --company/--role, else from the title ("Interview: Backend Engineer –
    Acme Corp", "Acme Corp / Backend interview"). Events already in the
    schedule (same id, or same start and interviewers) are skipped.
    """
    settings = session.settings
    tz = settings.account.timezone
    schedule = intake.read_schedule_file(settings.schedule.path, default_tz=tz)
    options = intake.IcsOptions(
        own=settings.account.own,
        default_tz=tz,
        company=(company or "").strip(),
        role=(role or "").strip(),
        organizer_is_contact=organizer_is_contact,
    )
    found = intake.import_ics(
        file.read(), file=_name_of(file), existing=schedule.interviews, options=options
    )
    for note in found.skipped:
        click.echo(f"skipped {note}")
    if not found.interviews:
        click.echo(f"nothing to add to {schedule.path}")
    elif dry_run:
        click.echo("\n".join(intake.interview_toml(i) for i in found.interviews), nl=False)
    else:
        added = intake.append_interviews(schedule, found.interviews, default_tz=tz)
        _report_added(session, added, str(schedule.path))


def _name_of(file: IO[bytes]) -> str:
    name = getattr(file, "name", None)
    return name if isinstance(name, str) and name != "<stdin>" else "standard input"


# --- export -------------------------------------------------------------------------------------

EXPORT_EXAMPLES = """\b
Examples:
  followup-mailer export > pipeline.csv
  followup-mailer export --format json | jq '.[] | select(.state == "sent")'
"""


@click.command(epilog=EXPORT_EXAMPLES)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="CSV with a header row, or a JSON list of objects.",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.pass_obj
def export(session: Session, format_: str, as_json: bool) -> None:
    """Print every step of every interview, for a spreadsheet or a job tracker.

    One row per step: interview, company, role, interview_start, step, to,
    state, due, sent_at, reason. Times are ISO 8601 in your timezone. Like
    `status`, it works while the schedule file has an error (company, role
    and start are then empty).
    """
    settings = session.settings
    tz = settings.account.timezone
    interviews, items = _steps(session)
    rows = exporting.export_rows(items, interviews)
    as_text = exporting.to_json if as_json or format_ == "json" else exporting.to_csv
    click.echo(as_text(rows, tz), nl=False)


def _steps(session: Session) -> tuple[tuple[Interview, ...], list[views.Row]]:
    """Return the interviews and status rows; the ledger's alone when the schedule is broken."""
    with session.store() as store:
        records = store.records()
        try:
            interviews = session.schedule()
            planned = current_plan(
                settings=session.settings, interviews=interviews, store=store, now=_now()
            )
        except UserError as error:
            click.echo(f"warning: {error}; exporting the last recorded state", err=True)
            for problem in error.problems:
                click.echo(f"  • {problem}", err=True)
            return (), views.ledger_rows(records)
    return interviews, views.rows(planned, records)


# --- what was added -----------------------------------------------------------------------------


def _report_added(session: Session, added: Sequence[Interview], file: str) -> None:
    """Say what was added and when each thank-you is due."""
    tz = session.settings.account.timezone
    for interview in added:
        click.echo(f"added {interview.id} to {file}")
        click.echo(f"  {_summary(interview, tz)}")
    for line in _thank_yous(session, {interview.id for interview in added}):
        click.echo(line)
    if any(not i.highlights and not any(p.notes for p in i.interviewers) for i in added):
        click.echo(_TIP.format(file=file))


def _summary(interview: Interview, tz: ZoneInfo) -> str:
    people = ", ".join(f"{p.name} <{p.email}>" for p in interview.interviewers)
    start = views.local(interview.start, tz)
    end = interview.end.astimezone(tz).strftime("%H:%M")
    return f"{interview.company}, {interview.role}, {start}–{end}, {interview.format}: {people}"


def _thank_yous(session: Session, ids: set[str]) -> list[str]:
    """Describe when the plan makes each thank-you of these interviews."""
    settings = session.settings
    with session.store() as store:
        planned = current_plan(
            settings=settings, interviews=session.schedule(), store=store, now=_now()
        )
    lines = []
    for step in planned:
        if step.interview in ids and step.step == THANK_YOU:
            when = views.local(step.due, settings.account.timezone) or step.reason
            if step.action is not None:
                when = "now: the next `followup-mailer run` creates it"
            lines.append(f"  thank-you to {step.name} <{step.to}>: due {when}")
    return lines


def _now() -> datetime:
    return datetime.now(UTC)
