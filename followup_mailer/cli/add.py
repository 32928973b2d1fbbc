"""The `add` command: an interview into the schedule file, from flags or by asking.

Values are checked as they come in, by the rules the schedule file, `check` and the daemon use
(addresses by compose/headers.py, date-times by intake/moments.py), so nothing `add` writes is
refused later. Prompts show real defaults, or say "e.g." for an example.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import click

from followup_mailer.cli.context import Session
from followup_mailer.cli.intake import (
    Asker,
    email_value,
    id_value,
    length_value,
    many,
    note_value,
    one,
    person_value,
    report_added,
    text_value,
    zone_value,
)
from followup_mailer.cli.params import DATETIME, DAY_OR_DATETIME, day_or_moment, end_value, in_zone
from followup_mailer.cli.times import zone_name
from followup_mailer.errors import UserError
from followup_mailer.intake import append as intake
from followup_mailer.intake.moments import DATETIME_EXAMPLE
from followup_mailer.intake.schedule import DEFAULT_LENGTH, RESPONSE_HOUR
from followup_mailer.model import Format, Interview, Person

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
    callback=one(id_value),
    help="Unique id [default: company-role-date].",
)
@click.option(
    "--company", callback=one(text_value), help='The company, as your notes name it: "Acme Corp".'
)
@click.option(
    "--role",
    callback=one(text_value),
    help='The role you interviewed for: "Senior Backend Engineer".',
)
@click.option(
    "--start",
    type=DATETIME,
    help="When it starts: 2026-11-20T14:00 or 2026-11-20 14:00 (your timezone), or with an "
    "offset: 2026-11-20T14:00-05:00.",
)
@click.option("--end", metavar="DATETIME|HH:MM", help="When it ended (a bare time: the same day).")
@click.option(
    "--duration",
    callback=one(length_value),
    help='How long, instead of --end: "45m", "1h30m" [default: 1h].',
)
@click.option(
    "--timezone",
    "zone",
    callback=one(zone_value),
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
    callback=many(person_value),
    help="Someone you met (repeat for a panel).",
)
@click.option(
    "--lead",
    metavar="EMAIL",
    callback=one(email_value),
    help="The lead interviewer (a group interview's one note goes there).",
)
@click.option(
    "--contact",
    "contacts",
    multiple=True,
    metavar='"NAME <EMAIL>"',
    callback=many(person_value),
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
    callback=many(note_value),
    help="A point from your talk with that interviewer (repeatable).",
)
@click.option("--addendum", metavar="TEXT", help="A concern to address, or something you left out.")
@click.option(
    "--expect-response-by",
    type=DAY_OR_DATETIME,
    help="They said they would answer by then (2026-11-27): the first nudge waits for it.",
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
    report_added(session, added, str(schedule.path))


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
        ask = Asker(sys.stdin.isatty() if self.interactive is None else self.interactive)
        company = ask.value(self.company, "--company", "Company", text_value)
        role = ask.value(self.role, "--role", "Role", text_value)
        prompt = f"Start, e.g. {DATETIME_EXAMPLE} (in {zone_name(tz)})"
        start = in_zone(ask.value(self.start, "--start", prompt, DATETIME), tz)
        length = self.duration
        if self.end is None and length is None and ask.interactive:
            length = ask.value(None, "--duration", "How long", length_value, default="1h")
        people = with_notes(_with_lead(ask.people(self.interviewers), self.lead), self.notes)
        highlights = self.highlights
        if not highlights and not self.notes:
            highlights = ask.optional("A point from the conversation the notes may mention")
        return Interview(
            id=self._id(company, role, start, schedule, tz),
            company=company,
            role=role,
            start=start,
            end=self._end(start, length, tz),
            timezone=self.zone,
            format=Format(self.format_) if self.format_ else _format_for(people),
            highlights=highlights,
            addendum=self.addendum or "",
            expect_response_by=day_or_moment(
                self.expect_response_by, self.zone or tz, RESPONSE_HOUR
            ),
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

    def _end(self, start: datetime, length: timedelta | None, tz: ZoneInfo) -> datetime:
        if self.end is not None and self.duration is not None:
            raise click.UsageError("give --end or --duration, not both")
        if self.end is None:
            return intake.later(start, length or DEFAULT_LENGTH)
        end = end_value("--end", self.end, start, tz)
        if end.astimezone(UTC) <= start.astimezone(UTC):
            raise click.UsageError(f"--end {self.end} is not after --start; write when it ended")
        return end


def _with_lead(people: tuple[Person, ...], lead: str | None) -> tuple[Person, ...]:
    if lead is None:
        return people
    if lead not in _emails(people):
        raise click.UsageError(_not_an_interviewer("--lead", lead, people))
    return tuple(replace(p, lead=p.email.lower() == lead) for p in people)


def with_notes(
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
