"""A cProfile of one idle pass, in process (the slowest case of scripts/bench)."""

from __future__ import annotations

import cProfile
from datetime import UTC, datetime

from benchsetup import Workspace

from followup_mailer.backends import open_mailbox
from followup_mailer.cli.context import Session, writer_for
from followup_mailer.reconcile import run_pass


def idle_pass_profile(ws: Workspace) -> cProfile.Profile:
    """Run a warm-up pass, then profile the next (idle) one."""
    session = Session(ws.config)
    settings, interviews = session.settings, session.schedule()
    profiler = cProfile.Profile()
    with session.store() as store:
        mailbox = open_mailbox(settings, clock=lambda: datetime.now(UTC), store=store)
        for attempt in range(2):
            if attempt:
                profiler.enable()
            run_pass(
                settings=settings,
                interviews=interviews,
                store=store,
                mailbox=mailbox,
                writer=writer_for(settings),
                now=datetime.now(UTC),
                show=lambda title, body: True,
            )
        profiler.disable()
    return profiler
