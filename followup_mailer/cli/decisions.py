"""`outcome`, `hold` and `resume`: decisions the user records about an interview.

Each holds the state folder's pass lock while it writes, so it never races
a pass of the daemon; the next pass acts on it.
"""

from __future__ import annotations

from datetime import date, datetime, time

import click

from followup_mailer.cli.context import Session, now_utc, pass_session
from followup_mailer.cli.output import say
from followup_mailer.cli.params import DATE
from followup_mailer.errors import UserError
from followup_mailer.model import Hold, Interview, Outcome, StepPlan
from followup_mailer.reconcile import current_plan, save_plan
from followup_mailer.store import Store
from followup_mailer.timing import localize


@click.command()
@click.argument("interview_id", metavar="ID")
@click.argument("value", metavar="OUTCOME", type=click.Choice([o.value for o in Outcome]))
@pass_session
def outcome(session: Session, interview_id: str, value: str) -> None:
    """Record an interview's outcome (it overrides the schedule file's `outcome`).

    pending keeps the nudges going; next-round, offer and withdrawn stop them;
    rejected stops them and (with [cadence] rejection_note) plans one gracious
    note asking for feedback.
    """
    interview = _interview(session, interview_id)
    with session.locked(), session.store() as store:
        store.set_outcome(interview.id, Outcome(value), now_utc())
        planned = _saved_plan(session, store)
    say(f"{interview.id}: outcome {value}")
    _show_steps(planned, interview.id)


@click.command()
@click.argument("interview_id", metavar="ID")
@click.option(
    "--until",
    type=DATE,
    help="Resume by itself on this day, e.g. 2027-01-05 [default: until `resume`].",
)
@pass_session
def hold(session: Session, interview_id: str, until: date | None) -> None:
    """Put an interview on hold: nothing is created for it until then (replies still count).

    For "they asked me to wait until January": `followup-mailer hold acme --until 2027-01-05`.
    """
    interview = _interview(session, interview_id)
    zone = interview.timezone or session.settings.account.timezone
    moment = localize(datetime.combine(until, time(0)), zone) if until else None
    with session.locked(), session.store() as store:
        store.set_hold(interview.id, Hold(until=moment), now_utc())
        planned = _saved_plan(session, store)
    when = f"until {_day(until)}" if until else "until you run `followup-mailer resume`"
    say(f"{interview.id}: on hold {when}")
    _show_steps(planned, interview.id)


@click.command()
@click.argument("interview_id", metavar="ID")
@pass_session
def resume(session: Session, interview_id: str) -> None:
    """Take an interview off hold: what is due is created at the next pass."""
    interview = _interview(session, interview_id)
    with session.locked(), session.store() as store:
        store.set_hold(interview.id, None, now_utc())
        planned = _saved_plan(session, store)
    say(f"{interview.id}: resumed")
    _show_steps(planned, interview.id)


def _interview(session: Session, interview_id: str) -> Interview:
    interviews = session.schedule()
    found = next((i for i in interviews if i.id == interview_id), None)
    if found is None:
        known = ", ".join(i.id for i in interviews) or "none"
        raise UserError(
            f"no interview {interview_id!r} in {session.settings.schedule.path} (known: {known})"
        )
    return found


def _saved_plan(session: Session, store: Store) -> list[StepPlan]:
    """Plan with the new decision and store what changed, for `status`."""
    interviews = session.schedule()
    known = store.snapshot({i.id for i in interviews}).states
    planned = current_plan(
        settings=session.settings, interviews=interviews, store=store, now=now_utc()
    )
    save_plan(store, planned, known=known)
    return planned


def _show_steps(planned: list[StepPlan], interview_id: str) -> None:
    for step in planned:
        if step.interview == interview_id:
            say(f"  {step.step:<13} {step.to:<28} {step.state}  {step.reason}")


def _day(day: date) -> str:
    return f"{day:%a %d %b %Y}"
