"""A cProfile of a daemon's idle pass with its plans kept, in process, at the largest size of
scripts/bench: the cost of a Gmail poll (which the idle stamp cannot skip), or of a maildir pass
that follows one without a rest between."""

from __future__ import annotations

import cProfile
from datetime import UTC, datetime

from benchsetup import Workspace

from followup_mailer.backends import open_mailbox
from followup_mailer.cli.context import Session, writer_for
from followup_mailer.daemon.passes import Passes


def idle_pass_profile(ws: Workspace) -> cProfile.Profile:
    """Run two warm-up passes (the first reads the ledger and plans), then profile the next."""
    session = Session(ws.config)
    settings, interviews = session.settings, session.schedule()
    writer, profiler = writer_for(settings), cProfile.Profile()
    with session.store() as store:
        daemon = Passes(store, show=lambda title, body: True)
        mailbox = open_mailbox(settings, clock=lambda: datetime.now(UTC), store=store)
        for attempt in range(3):
            if attempt == 2:
                profiler.enable()
            daemon.run(settings, interviews, mailbox, writer, datetime.now(UTC))
        profiler.disable()
    return profiler
