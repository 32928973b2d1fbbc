"""The daemon: APScheduler as an alarm clock around the same pass as `run --once`.

The ledger is the truth; the scheduler holds nothing that cannot be rebuilt:
the poll (every poll interval), a wake-up at the next due time, a one-second
look at the config and schedule files (and at SIGHUP), a heartbeat that
notices suspends and clock jumps, and the systemd watchdog ping. One worker
thread runs them all, so two passes never overlap and a hung pass stops the
watchdog pings.

Stopping (SIGTERM, SIGINT) lets the mailbox call in flight finish, then lets
no other start. When Google refuses the token, Gmail work pauses (the daemon
keeps running, so systemd does not restart it in a loop) until the stored
token changes, that is, until the user signs in again.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.schedulers.blocking import BlockingScheduler

from followup_mailer.auth.tokens import TokenWatch, token_store
from followup_mailer.backends import open_mailbox
from followup_mailer.compose.message import Writer
from followup_mailer.daemon.systemd import Notifier, watchdog_interval
from followup_mailer.daemon.watch import ClockJump, FileStamp
from followup_mailer.errors import AuthError, FollowupError, UserError
from followup_mailer.intake.config import Settings, load_settings
from followup_mailer.intake.schedule import load_schedule
from followup_mailer.lock import DAEMON_LOCK, AlreadyRunning, acquire, holding
from followup_mailer.mailbox.guarded import guard
from followup_mailer.mailbox.protocol import Mailbox
from followup_mailer.model import Interview, State
from followup_mailer.reconcile import PassReport, run_pass
from followup_mailer.store import Store

log = logging.getLogger(__name__)

FILE_CHECK = timedelta(seconds=1)
HEARTBEAT = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class Shell:
    """What the daemon needs from the world around it, given by the command line."""

    clock: Callable[[], datetime]
    writer_for: Callable[[Settings], Writer]
    environ: Mapping[str, str]


class Daemon:
    """Runs passes when due, when the poll interval passes, and when the files change."""

    def __init__(self, settings: Settings, shell: Shell) -> None:
        self.settings, self.shell, self.clock = settings, shell, shell.clock
        self.writer = shell.writer_for(settings)
        self.notifier = Notifier.from_environ(shell.environ)
        self.stopping = threading.Event()
        self.reload_requested = False
        self.interviews: tuple[Interview, ...] = ()
        self.stamps: dict[str, FileStamp | None] = {"config": FileStamp.of(settings.path)}
        self.mailbox: Mailbox | None = None
        self.waiting: TokenWatch | None = None
        self.clock_jump = ClockJump()
        self.executor = ThreadPoolExecutor(1)
        self.scheduler = BlockingScheduler(
            timezone=UTC,
            executors={"default": self.executor},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; return the exit code."""
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        try:
            lock = acquire(self.settings.state_dir, DAEMON_LOCK, what="the daemon")
        except AlreadyRunning as error:
            log.error("%s", error)
            return AlreadyRunning.exit_code
        with lock, Store.open(self.settings.state_dir) as store:
            self.store = store
            self._load_schedule(initial=True)
            self._open_mailbox()
            self._install_jobs()
            log.info("running; polling every %s", self.settings.gmail.poll_interval)
            self.notifier.ready(self._status_line())
            self.scheduler.start()  # returns once a signal shut it down
            self.notifier.stopping()
            self.executor.shutdown(wait=True)  # the pass in flight ends at its next mailbox call
        log.info("stopped")
        return 0

    def _install_jobs(self) -> None:
        poll = self.settings.gmail.poll_interval.total_seconds()
        add = self.scheduler.add_job
        add(self.tick, "interval", seconds=poll, id="poll", next_run_time=self.clock())
        add(self.watch_files, "interval", seconds=FILE_CHECK.total_seconds(), id="files")
        add(self.heartbeat, "interval", seconds=HEARTBEAT.total_seconds(), id="heartbeat")
        ping = watchdog_interval(self.shell.environ, os.getpid())
        if ping is not None:
            add(self.notifier.watchdog, "interval", seconds=ping.total_seconds(), id="watchdog")

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """SIGHUP: reload at the next file check. Otherwise: stop once the call in flight ends."""
        if signum == signal.SIGHUP:
            log.info("SIGHUP: reloading the config and the schedule")
            self.reload_requested = True
            return
        if self.stopping.is_set():
            return
        log.info("stopping on %s", signal.Signals(signum).name)
        self.stopping.set()
        self._shut_down()

    def _shut_down(self) -> None:
        """End the scheduler's loop (a signal before it started is seen by the file check)."""
        if self.scheduler.state == STATE_RUNNING:
            self.scheduler.shutdown(wait=False)

    def tick(self) -> None:
        """Run one pass (unless stopping or paused), then set the wake-up for the next due step."""
        if self.stopping.is_set() or not self._gmail_ready():
            return
        assert self.mailbox is not None  # _gmail_ready opened it
        try:
            with holding(self.settings.state_dir):
                report = run_pass(
                    settings=self.settings,
                    interviews=self.interviews,
                    store=self.store,
                    mailbox=self.mailbox,
                    writer=self.writer,
                    now=self.clock(),
                )
        except AlreadyRunning as error:
            # a `run --once` (or `outcome`) holds the ledger: the next poll tries again
            log.info("%s; trying again at the next poll", error)
            return
        except AuthError as error:
            self._pause(error)
            return
        except FollowupError as error:
            if self.stopping.is_set():
                log.info("stopped before the pass ended; the next start carries on")
            else:
                log.error("pass failed, will try again at the next poll: %s", error)
            return
        self._set_wake_up(report)

    def _set_wake_up(self, report: PassReport) -> None:
        log.debug(
            "pass done: %d step(s) planned, %d created, %d new message(s)",
            len(report.planned),
            len(report.created),
            report.new_messages,
        )
        now = self.clock()
        upcoming = [
            p.due
            for p in report.planned
            if p.due and p.state in (State.PLANNED, State.AWAITING_WINDOW) and p.due > now
        ]
        wake = min(upcoming) if upcoming else None
        if wake is not None and not self.stopping.is_set():
            self.scheduler.add_job(
                self.tick, "date", run_date=wake, id="wake", replace_existing=True
            )
            log.debug("next step due at %s", wake.isoformat())
        self.notifier.status(self._status_line(wake))

    def _status_line(self, wake: datetime | None = None) -> str:
        if self.waiting is not None:
            return "paused: Gmail refused the sign-in; run `followup-mailer auth login`"
        due = f"next step due {wake.isoformat(timespec='seconds')}" if wake else "nothing due"
        return f"watching {len(self.interviews)} interview(s); {due}"

    # Sign-in pause ------------------------------------------------------------------------------

    def _open_mailbox(self) -> None:
        """Open the mailbox; a refused or missing sign-in pauses Gmail work instead of exiting."""
        try:
            mailbox = open_mailbox(self.settings, clock=self.clock, store=self.store)
        except AuthError as error:
            self._pause(error)
            return
        self.mailbox = guard(mailbox, self.stopping)

    def _pause(self, error: AuthError) -> None:
        """Stop Gmail work, say so once, and remember the token that was refused."""
        self.mailbox = None
        gmail, account = self.settings.gmail, self.settings.account
        store = token_store(
            kind=gmail.token_store, account=account.email, state_dir=self.settings.state_dir
        )
        self.waiting = TokenWatch(store)
        advice = "" if "auth login" in str(error) else "; run `followup-mailer auth login`"
        log.error(
            "Gmail work is paused: %s%s. The daemon resumes by itself once you have signed in "
            "again; nothing is lost",
            error,
            advice,
        )
        self.notifier.status(self._status_line())

    def _gmail_ready(self) -> bool:
        """Return True when the mailbox is open; while paused, resume once the token changed."""
        if self.waiting is None:
            return self.mailbox is not None
        if not self.waiting.changed():
            log.debug("still paused: waiting for a new sign-in")
            return False
        log.info("a new sign-in was stored; resuming Gmail work")
        self.waiting = None
        self._open_mailbox()
        return self.mailbox is not None

    # Files, signals and clocks ------------------------------------------------------------------

    def watch_files(self) -> None:
        """Reload on SIGHUP or a config change; re-read the schedule when it changed."""
        if self.stopping.is_set():
            self._shut_down()
            return
        if self.reload_requested or FileStamp.of(self.settings.path) != self.stamps["config"]:
            self.reload_requested = False
            self.reload()
        elif self._schedule_changed() and self._load_schedule(initial=False):
            self.tick()

    def reload(self) -> None:
        """Re-read the config (a broken one keeps the last good) and the schedule; run a pass."""
        self.stamps["config"] = FileStamp.of(self.settings.path)
        try:
            fresh = load_settings(self.settings.path)
        except UserError as error:
            details = "; ".join(str(p) for p in error.problems)
            log.error("%s; keeping the last good config. %s", error, details)
            return
        self._apply_settings(fresh)
        self._load_schedule(initial=False)
        self.tick()

    def _apply_settings(self, fresh: Settings) -> None:
        """Put new settings in force; what only a restart can change is said so."""
        old, self.settings = self.settings, fresh
        self.writer = self.shell.writer_for(fresh)
        if fresh.state_dir != old.state_dir:
            log.warning("[state] dir changed: it takes effect when the daemon restarts")
        if fresh.gmail.poll_interval != old.gmail.poll_interval:
            seconds = fresh.gmail.poll_interval.total_seconds()
            self.scheduler.reschedule_job("poll", trigger="interval", seconds=seconds)
        if (fresh.delivery, fresh.gmail, fresh.account) != (old.delivery, old.gmail, old.account):
            self.waiting = None
            self._open_mailbox()
        log.info("config %s reloaded", fresh.path)

    def heartbeat(self) -> None:
        """Catch up at once after a suspend or a clock jump (the alarm clock may have slept)."""
        gained = self.clock_jump.check()
        if gained and not self.stopping.is_set():
            log.info("the clock jumped %+.0f s (suspend or clock change): catching up", gained)
            self.tick()

    def _schedule_changed(self) -> bool:
        if not self.settings.schedule.watch:
            return False
        return FileStamp.of(self.settings.schedule.path) != self.stamps.get("schedule")

    def _load_schedule(self, *, initial: bool) -> bool:
        """Load the schedule; on error keep the last good one (or fail at start)."""
        path = self.settings.schedule.path
        self.stamps["schedule"] = FileStamp.of(path)
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
