"""`run`: the daemon in the foreground, or one pass with --once."""

from __future__ import annotations

import logging
import os
import sys

import click

from followup_mailer.cli.context import Session, now_utc, writer_for
from followup_mailer.cli.logging import setup_logging
from followup_mailer.cli.output import say

NOTHING_TO_DO = "nothing to do right now; `followup-mailer plan` shows what comes next"


@click.command()
@click.option("--once", is_flag=True, help="One pass, then exit.")
@click.pass_context
def run(ctx: click.Context, once: bool) -> None:
    """Run the daemon in the foreground (or one pass with --once).

    The daemon polls the mailbox every `[gmail] poll_interval`, wakes up when
    a step is due, and re-reads the schedule when it changes. It logs to
    stderr; stop it with Ctrl-C or SIGTERM.
    """
    session: Session = ctx.obj
    settings = session.settings
    if not once:
        from followup_mailer.daemon.loop import Daemon, Shell

        setup_logging(*ctx.meta["verbosity"], base=logging.INFO)
        shell = Shell(clock=now_utc, writer_for=writer_for, environ=os.environ)
        sys.exit(Daemon(settings, shell).run())
    from followup_mailer import idle

    with session.store() as store:
        if idle.nothing_to_do(settings, store, now_utc()):  # neither schedule nor mail read
            say(NOTHING_TO_DO)
            return
    # imported here: a pass with nothing to do never loads the planner and the mailbox
    from followup_mailer.backends import open_mailbox
    from followup_mailer.plan_memory import PlanMemory
    from followup_mailer.reconcile import run_pass

    interviews, memory = session.schedule(), PlanMemory()
    with session.locked(), session.store() as store:
        now = now_utc()
        mailbox = open_mailbox(settings, clock=now_utc, store=store)
        report = run_pass(
            settings=settings,
            interviews=interviews,
            store=store,
            mailbox=mailbox,
            writer=session.writer(),
            now=now,
            memory=memory,
        )
        kept = idle.stamp_of(settings, store, report, interviews=interviews, memory=memory, now=now)
        idle.keep_stamp(store, kept)
    _print_pass(report.created, report.approved, report.declined, report.new_messages)


def _print_pass(
    created: dict[str, str], approved: tuple[str, ...], declined: tuple[str, ...], new: int
) -> None:
    for key in approved:
        say(f"approved  {key} (you sent the draft)")
    for key in declined:
        say(f"declined  {key} (draft deleted; it will not come back)")
    for key, summary in created.items():
        what, _, why = summary.partition(": ")  # "failed: <why>": the key first, then why
        say(f"{what:<9} {key}" + (f": {why}" if why else ""))
    if new:
        say(f"{new} new message(s) from the companies noted")
    if not (created or approved or declined or new):
        say(NOTHING_TO_DO)
