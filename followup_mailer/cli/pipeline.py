"""`plan` and `status`: the timeline, and the state of every step."""

from __future__ import annotations

import json
from datetime import datetime

import click

from followup_mailer.cli import views
from followup_mailer.cli.context import Session, now_utc, pass_session
from followup_mailer.cli.output import detail, say, stdout, warn
from followup_mailer.cli.params import DATETIME, in_zone
from followup_mailer.errors import UserError
from followup_mailer.notices import Notice, notices
from followup_mailer.plan import plan
from followup_mailer.reconcile import current_plan, facts_of


@click.command("plan")
@click.option(
    "--at", "at", type=DATETIME, help="Plan as if it were this time: 2026-11-20T14:00 (your zone)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_session
def plan_command(session: Session, at: datetime | None, as_json: bool) -> None:
    """Show the timeline: what will happen when. Changes nothing."""
    settings = session.settings
    now = in_zone(at, settings.account.timezone) if at else now_utc()
    interviews = session.schedule()
    with session.store() as store:
        planned = current_plan(settings=settings, interviews=interviews, store=store, now=now)
        records = store.records()
    items = views.rows(planned, records, views.zones_of(interviews))
    if as_json:
        data = [
            row.as_json() | {"action": p.action.mode if p.action else None}
            for p, row in zip(planned, items, strict=True)
        ]
        click.echo(json.dumps(data, indent=2))
        return
    stdout().print(views.timeline(planned, items, settings.account.timezone, now))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_session
def status(session: Session, as_json: bool) -> None:
    """Show each interview, recipient and step with its state and times."""
    settings = session.settings
    hints: list[Notice] = []
    with session.store() as store:
        records = store.records()
        try:
            interviews = session.schedule()
            facts = facts_of(store, interviews)
            planned = plan(facts, now_utc(), settings)
            items = views.rows(planned, records, views.zones_of(interviews))
            hints = notices(facts, now_utc())
        except UserError as error:
            # the ledger still knows what happened; say the file is broken
            warn(f"{error}; showing the last recorded state")
            for problem in error.problems:
                detail(str(problem))
            items = views.ledger_rows(records)
    if as_json:
        click.echo(json.dumps([row.as_json() for row in items], indent=2))
    elif items:
        stdout().print(views.status_table(items, settings.account.timezone, now_utc()))
        for hint in hints:
            say(f"{hint.interview}: {hint.text}")
    else:
        say("Nothing yet: add interviews to the schedule, then `followup-mailer run`.")
