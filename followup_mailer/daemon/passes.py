"""The daemon's passes: skipped while nothing changed, else planned from what it remembers.

A daemon polls every minute, for weeks. While the idle stamp of its last pass
holds (idle.py: the same check as `run --once`, kept in memory rather than in the
ledger), a poll has nothing to do and costs a few file stats. Otherwise the pass
recalls the plans that still hold (plan_memory.py) and plans the rest.

While the stamp holds, what the last pass built is of no use: the first skipped
poll lets go of it (the plans, the ledger's reads, the folders' listings) and
hands the memory back, so an idle daemon holds little more than its schedule.
The pass after that rebuilds what it needs, as the first pass of a new process
does. Gmail's passes leave no stamp, so a Gmail daemon keeps its plans between
its polls, each of which is a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from followup_mailer import desktop, idle
from followup_mailer.compose.parts import Writer
from followup_mailer.daemon import heap
from followup_mailer.mailbox.protocol import Mailbox
from followup_mailer.model import Interview
from followup_mailer.plan_memory import PlanMemory
from followup_mailer.reconcile import PassReport, run_pass
from followup_mailer.settings import Settings
from followup_mailer.store import Store


class Passes:
    """One ledger's passes in a long-running process, and what it keeps between them."""

    def __init__(self, store: Store, show: Callable[[str, str], bool] = desktop.show) -> None:
        self.store, self.show = store, show
        self.memory = PlanMemory()
        self.stamp: dict[str, str] | None = None
        self.resting = False  # the last pass's work has been let go of

    def forget_stamp(self) -> None:
        """Make the next poll a pass (the stamp describes the files, not what was loaded)."""
        self.stamp = None

    def idle(self, settings: Settings, now: datetime) -> bool:
        """Tell whether the last pass's stamp still holds: the poll has nothing to do (and,
        like `run --once`, need not take the lock to know it)."""
        return idle.holds(self.stamp, settings, self.store, now)

    def rest(self, mailbox: Mailbox) -> None:
        """Let go of what the last pass built, once (a poll that found nothing to do)."""
        if not self.resting:
            self.let_go(mailbox)

    def let_go(self, mailbox: Mailbox | None) -> None:
        """Let go of the plans, the ledger's reads and the mailbox's listings, and hand the
        memory back (heap.py): the next pass rebuilds what it needs."""
        self.resting = True
        self.memory.forget()
        self.store.release()
        if mailbox is not None:
            mailbox.release()
        heap.give_back()

    def run(
        self,
        settings: Settings,
        interviews: tuple[Interview, ...],
        mailbox: Mailbox,
        writer: Writer,
        now: datetime,
    ) -> PassReport:
        """Run a pass (the caller holds the pass lock), and stamp it if it left nothing to do."""
        self.stamp, self.resting = None, False  # a pass that fails leaves no stamp
        report = run_pass(
            settings=settings,
            interviews=interviews,
            store=self.store,
            mailbox=mailbox,
            writer=writer,
            now=now,
            show=self.show,
            memory=self.memory,
        )
        self.stamp = idle.stamp_of(
            settings, self.store, report, interviews=interviews, memory=self.memory, now=now
        )
        return report
