"""`check` and `preview`: render and lint the planned messages without creating them."""

from __future__ import annotations

import click

from followup_mailer import checks
from followup_mailer.cli.context import Session, now_utc, pass_session
from followup_mailer.cli.output import say, stdout
from followup_mailer.errors import UserError


@click.command()
@pass_session
def check(session: Session) -> None:
    """Validate config, schedule and templates; render and lint every planned message."""
    settings = session.settings
    interviews = session.schedule()
    with session.store() as store:
        report = checks.check_messages(
            settings=settings,
            interviews=interviews,
            store=store,
            writer=session.writer(),
            now=now_utc(),
        )
    say(f"config    {settings.path}: ok")
    say(f"schedule  {settings.schedule.path}: {len(interviews)} interview(s)")
    say(f"messages  {report.rendered} rendered, {len(report.findings)} lint finding(s)")
    if report.findings:
        stdout().print(checks.findings_table(report.findings))
    notes = sum(1 for _, finding in report.findings if finding.rule == "note")
    if notes:
        say(
            f"notes     {notes} note(s) cannot be placed in a sentence: the messages leave "
            "them out until you rewrite them (see `note` above)"
        )
    if report.problems:
        count = len(report.problems)
        raise UserError(f"{count} problem(s) stop messages from being created", report.problems)


@click.command()
@click.argument("interview_id", metavar="ID")
@click.option("--to", "to", help="Recipient address [default: the first one].")
@click.option("--step", help="thank_you, followup-1, ..., rejection [default: the next one].")
@pass_session
def preview(session: Session, interview_id: str, to: str | None, step: str | None) -> None:
    """Print a message as it will be created: headers, body, then its lint results."""
    settings = session.settings
    interviews = session.schedule()
    with session.store() as store:
        text = checks.preview(
            settings=settings,
            interviews=interviews,
            store=store,
            writer=session.writer(),
            interview_id=interview_id,
            to=to,
            step=step,
            now=now_utc(),
        )
    click.echo(text)
