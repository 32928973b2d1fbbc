"""The commands that read a calendar invite in and the pipeline out: import-ics, export."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import click

from followup_mailer.cli import export_rows as exporting
from followup_mailer.cli import views
from followup_mailer.cli.context import Session, now_utc
from followup_mailer.cli.intake import describe, one, report_added, text_value, thank_yous
from followup_mailer.cli.output import detail, say, warn
from followup_mailer.cli.times import when, zone_name
from followup_mailer.errors import UserError
from followup_mailer.intake import append as intake
from followup_mailer.intake.edit import Edit
from followup_mailer.model import Interview, Outcome, Person
from followup_mailer.reconcile import current_plan

if TYPE_CHECKING:
    from followup_mailer.intake.invites import IcsImport

# --- import-ics ---------------------------------------------------------------------------------

IMPORT_EXAMPLES = """\b
Examples:
  followup-mailer import-ics ~/Downloads/invite.ics
  followup-mailer import-ics invite.ics --company "Acme Corp" --role "Backend Engineer"
  followup-mailer import-ics updated-invite.ics --dry-run
"""


@click.command("import-ics", epilog=IMPORT_EXAMPLES)
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=str)
)
@click.option(
    "--company",
    callback=one(text_value),
    help="The company [default: guessed from the event title].",
)
@click.option(
    "--role", callback=one(text_value), help="The role [default: guessed from the event title]."
)
@click.option(
    "--organizer-is-interviewer",
    "organizer_interviews",
    is_flag=True,
    help="The organizer interviewed you too [default: the organizer is the contact who "
    "gets the nudges, unless nobody else is invited].",
)
@click.option("--organizer-is-contact", is_flag=True, hidden=True)  # the default since 0.2
@click.option("--dry-run", is_flag=True, help="Print what would change instead of writing it.")
@click.pass_obj
def import_ics(
    session: Session,
    file: str,
    company: str | None,
    role: str | None,
    organizer_interviews: bool,
    organizer_is_contact: bool,
    dry_run: bool,
) -> None:
    """Add or update interviews from a calendar invite (.ics; "-" reads stdin).

    Each event is one interview: its times (in the event's timezone), its
    guests as interviewers (leaving out you, rooms and people who declined),
    the organizer as the contact who receives the nudges (unless nobody else
    is invited); one-on-one for one interviewer, panel for more. The company
    and role come from --company/--role, else from the title ("Interview:
    Backend Engineer – Acme Corp", "Acme Corp / Backend interview").

    The same event again (same UID) updates its interview in place: times
    and guests; your notes stay. A cancelled event sets the interview's
    outcome to "withdrawn" (with a comment in the file), so nothing more is
    created for it. All-day and repeating events are skipped.
    """
    settings = session.settings
    tz = settings.account.timezone
    schedule = intake.read_schedule_file(settings.schedule.path, default_tz=tz)
    flags = (company or "", role or "", organizer_interviews and not organizer_is_contact)
    found = _found(session, schedule, file, *flags)
    for note in (*(f"skipped {s}" for s in found.skipped), *found.notes):
        say(note)
    if not (found.interviews or found.edits):
        say(f"nothing to change in {schedule.path}")
    elif dry_run:
        _show_dry_run(found.interviews, found.edits, tz)
    else:
        added = intake.save(schedule, additions=found.interviews, edits=found.edits, default_tz=tz)
        _report_edits(session, found.edits, str(schedule.path))
        if added:
            report_added(session, added, str(schedule.path))


def _found(
    session: Session,
    schedule: intake.ScheduleFile,
    file: str,
    company: str,
    role: str,
    organizer_interviews: bool,
) -> IcsImport:
    """Read the calendar file and decide what each of its events does to the schedule."""
    from followup_mailer.intake import invites  # reads calendars with icalendar: loaded here only
    from followup_mailer.intake.edit import cancelled_here

    account = session.settings.account
    options = invites.IcsOptions(
        own=account.own,
        default_tz=account.timezone,
        company=company.strip(),
        role=role.strip(),
        organizer_interviews=organizer_interviews,
    )
    return invites.import_ics(
        _calendar_bytes(file),
        file="standard input" if file == "-" else file,
        existing=schedule.interviews,
        options=options,
        reinstatable=cancelled_here(schedule.raw.decode("utf-8"), schedule.interviews),
    )


def _calendar_bytes(file: str) -> bytes:
    """Read the calendar file ("-": standard input): a regular file of bounded size only."""
    from followup_mailer.intake.reading import NotReadable, read_bounded, read_regular

    try:
        if file == "-":
            return read_bounded(sys.stdin.buffer, path=Path("standard input"))
        return read_regular(Path(file))
    except FileNotFoundError:
        raise UserError(f"{file} does not exist; give the path of the invite (.ics)") from None
    except NotReadable as error:
        raise UserError(f"{file} {error.reason}; give the path of the invite (.ics)") from None


def _show_dry_run(added: Sequence[Interview], edits: Sequence[Edit], tz: tzinfo) -> None:
    for edit in edits:
        say(f"would {_verb(edit, present=True)} {edit.old.id}: {'; '.join(changes(edit, tz))}")
    if added:
        click.echo("\n".join(intake.interview_toml(i) for i in added), nl=False)


def _report_edits(session: Session, edits: Sequence[Edit], file: str) -> None:
    """Say what each edit changed, and when the thank-yous are due now."""
    tz = session.settings.account.timezone
    for edit in edits:
        say(f"{_verb(edit)} {edit.old.id} in {file}: {'; '.join(changes(edit, tz))}")
        say(f"  {describe(edit.new, tz)}")
    active = {edit.new.id for edit in edits if edit.new.outcome is not Outcome.WITHDRAWN}
    for line in thank_yous(session, active) if active else []:
        say(line)


def _verb(edit: Edit, *, present: bool = False) -> str:
    """Name what an edit does: "updated", or "update" after "would"."""
    if edit.new.outcome is Outcome.WITHDRAWN and edit.old.outcome is not Outcome.WITHDRAWN:
        verb = "cancelled"
    else:
        verb = "reinstated" if edit.old.outcome is Outcome.WITHDRAWN else "updated"
    present_tense = {"cancelled": "cancel", "reinstated": "reinstate", "updated": "update"}
    return present_tense[verb] if present else verb


def changes(edit: Edit, tz: tzinfo) -> list[str]:
    """Describe what an edit changes, for people."""
    old, new = edit.old, edit.new
    found = []
    verb = _verb(edit)
    if verb == "cancelled":
        found.append(
            'the invite was cancelled: outcome "withdrawn" (a comment in the file says why), '
            "so nothing more is created for it"
        )
    elif verb == "reinstated":
        found.append('invited again after a cancellation: outcome "pending" again')
    if (old.start, old.end) != (new.start, new.end):
        start = when(new.start, tz, now=now_utc())
        end = new.end.astimezone(tz).strftime("%H:%M")
        found.append(f"moved to {start}–{end} {zone_name(tz)}")
    found += [f"+ {_who(p)} (new guest)" for p in _only_in(new.people, old.people)]
    found += [
        f"- {_who(p)} (no longer invited: commented out in the file, notes kept)"
        for p in _only_in(old.people, new.people)
    ]
    if old.format != new.format:
        found.append(f"now a {new.format}")
    return found or ["the event's UID is recorded"]


def _only_in(these: Sequence[Person], those: Sequence[Person]) -> list[Person]:
    there = {person.email.lower() for person in those}
    return [person for person in these if person.email.lower() not in there]


def _who(person: Person) -> str:
    return f"{person.name} <{person.email}>"


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
    state, due, sent_at, reason. CSV times read as dates in a spreadsheet
    ("2026-11-20 14:00:00"), in your timezone, which the column headers
    name; JSON times are ISO 8601 in UTC, as in `status --json`. Like
    `status`, it works while the schedule file has an error (company, role
    and start are then empty).
    """
    settings = session.settings
    tz = settings.account.timezone
    interviews, items = _steps(session)
    rows = exporting.export_rows(items, interviews)
    if as_json or format_ == "json":
        click.echo(exporting.to_json(rows), nl=False)
    else:
        click.echo(exporting.to_csv(rows, tz), nl=False)


def _steps(session: Session) -> tuple[tuple[Interview, ...], list[views.Row]]:
    """Return the interviews and status rows; the ledger's alone when the schedule is broken."""
    with session.store() as store:
        records = store.records()
        try:
            interviews = session.schedule()
            planned = current_plan(
                settings=session.settings, interviews=interviews, store=store, now=now_utc()
            )
        except UserError as error:
            warn(f"{error}; exporting the last recorded state")
            for problem in error.problems:
                detail(str(problem))
            return (), views.ledger_rows(records)
    return interviews, views.rows(planned, records, views.zones_of(interviews))
