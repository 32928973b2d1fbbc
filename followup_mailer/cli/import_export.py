"""The commands that read a calendar invite in and the pipeline out: import-ics, export."""

from __future__ import annotations

from typing import IO

import click

from followup_mailer.cli import export_rows as exporting
from followup_mailer.cli import views
from followup_mailer.cli.context import Session, now_utc
from followup_mailer.cli.intake import _one, _report_added, _text
from followup_mailer.errors import UserError
from followup_mailer.intake import append as intake
from followup_mailer.intake import invites
from followup_mailer.model import Interview
from followup_mailer.reconcile import current_plan

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
    options = invites.IcsOptions(
        own=settings.account.own,
        default_tz=tz,
        company=(company or "").strip(),
        role=(role or "").strip(),
        organizer_is_contact=organizer_is_contact,
    )
    found = invites.import_ics(
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
                settings=session.settings, interviews=interviews, store=store, now=now_utc()
            )
        except UserError as error:
            click.echo(f"warning: {error}; exporting the last recorded state", err=True)
            for problem in error.problems:
                click.echo(f"  • {problem}", err=True)
            return (), views.ledger_rows(records)
    return interviews, views.rows(planned, records)
