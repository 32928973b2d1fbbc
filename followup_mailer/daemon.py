"""The daemon: APScheduler as an alarm clock around the same pass as `run --once`.

The ledger is the truth; the scheduler holds nothing that cannot be rebuilt:
one interval job (the poll), one date job (a wake-up at the next due time)
and, when `[schedule] watch` is on, a quick check of the schedule file. One
worker thread runs them, so two passes never overlap.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import IO

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler

from followup_mailer.apply import Writer
from followup_mailer.config import Settings
from followup_mailer.errors import FollowupError, UserError
from followup_mailer.mailbox import open_mailbox
from followup_mailer.model import Interview, State
from followup_mailer.reconcile import run_pass
from followup_mailer.schedule import load_schedule
from followup_mailer.store import Store

log = logging.getLogger(__name__)

EXIT_ALREADY_RUNNING = 3
SCHEDULE_CHECK = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class FileStamp:
    """Enough of a file's stat to notice any change, including a rename over it."""

    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStamp | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return cls(st.st_ino, st.st_size, st.st_mtime_ns)


class AlreadyRunning(FollowupError):
    """Another daemon holds the lock of this state directory."""


def acquire_lock(state_dir: Path) -> IO[str]:
    """Take the one-daemon-per-state-dir lock; raise AlreadyRunning naming the holder."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "daemon.lock"
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise AlreadyRunning(
            f"followup-mailer is already running (pid {holder}, lock {path})"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


class Daemon:
    """Runs passes when due, when the poll interval passes, and when the schedule changes."""

    def __init__(self, settings: Settings, writer: Writer, *, clock: Callable[[], datetime]):
        self.settings = settings
        self.writer = writer
        self.clock = clock
        self.stopping = False
        self.interviews: tuple[Interview, ...] = ()
        self.stamp: FileStamp | None = None
        self.scheduler = BlockingScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; return the exit code."""
        try:
            lock = acquire_lock(self.settings.state_dir)
        except AlreadyRunning as error:
            log.error("%s", error)
            return EXIT_ALREADY_RUNNING
        with lock, Store.open(self.settings.state_dir) as store:
            self.store = store
            self.mailbox = open_mailbox(self.settings, clock=self.clock)
            self._load_schedule(initial=True)
            self._install_jobs()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self._stop)
            log.info("running; polling every %s", self.settings.gmail.poll_interval)
            self.scheduler.start()
        log.info("stopped")
        return 0

    def _install_jobs(self) -> None:
        poll = self.settings.gmail.poll_interval
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=poll.total_seconds(),
            id="poll",
            next_run_time=self.clock(),
        )
        if self.settings.schedule.watch:
            self.scheduler.add_job(
                self.watch_schedule, "interval", seconds=SCHEDULE_CHECK.total_seconds(), id="watch"
            )

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        """Finish the pass in flight, start no other, and exit."""
        log.info("stopping on %s", signal.Signals(signum).name)
        self.stopping = True
        self.scheduler.shutdown(wait=True)

    def tick(self) -> None:
        """Run one pass, then set the wake-up for the next due step."""
        if self.stopping:
            return
        try:
            report = run_pass(
                settings=self.settings,
                interviews=self.interviews,
                store=self.store,
                mailbox=self.mailbox,
                writer=self.writer,
                now=self.clock(),
            )
        except FollowupError as error:
            log.error("pass failed, will try again at the next poll: %s", error)
            return
        upcoming = [
            p.due
            for p in report.planned
            if p.due and p.state in (State.PLANNED, State.AWAITING_WINDOW) and p.due > self.clock()
        ]
        if upcoming and not self.stopping:
            wake = min(upcoming)
            self.scheduler.add_job(
                self.tick, "date", run_date=wake, id="wake", replace_existing=True
            )
            log.debug("next step due at %s", wake.isoformat())

    def watch_schedule(self) -> None:
        """Re-read the schedule file when it changed, and run a pass at once."""
        changed = FileStamp.of(self.settings.schedule.path) != self.stamp
        if changed and not self.stopping and self._load_schedule(initial=False):
            self.tick()

    def _load_schedule(self, *, initial: bool) -> bool:
        """Load the schedule; on error keep the last good one (or fail at start)."""
        path = self.settings.schedule.path
        self.stamp = FileStamp.of(path)
        try:
            self.interviews = load_schedule(path, default_tz=self.settings.account.timezone)
        except UserError as error:
            if initial:
                raise
            details = "; ".join(str(p) for p in error.problems)
            log.error("%s; keeping the last good schedule. %s", error, details)
            return False
        log.info("schedule %s: %d interview(s)", path, len(self.interviews))
        return True
