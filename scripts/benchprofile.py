"""A cProfile of one idle pass of the daemon, in process (at the largest size of scripts/bench)."""

from __future__ import annotations

import cProfile
from datetime import UTC, datetime

from benchsetup import Workspace

from followup_mailer.backends import open_mailbox
from followup_mailer.cli.context import Session, writer_for
from followup_mailer.plan_memory import PlanMemory
from followup_mailer.reconcile import run_pass


def idle_pass_profile(ws: Workspace) -> cProfile.Profile:
    """Run two warm-up passes (the first reads the ledger and plans), then profile the next."""
    session = Session(ws.config)
    settings, interviews = session.settings, session.schedule()
    profiler, memory = cProfile.Profile(), PlanMemory()
    with session.store() as store:
        mailbox = open_mailbox(settings, clock=lambda: datetime.now(UTC), store=store)
        for attempt in range(3):
            if attempt == 2:
                profiler.enable()
            run_pass(
                settings=settings,
                interviews=interviews,
                store=store,
                mailbox=mailbox,
                writer=writer_for(settings),
                now=datetime.now(UTC),
                show=lambda title, body: True,
                memory=memory,
            )
        profiler.disable()
    return profiler
