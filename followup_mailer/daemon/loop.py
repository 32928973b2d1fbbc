"""The daemon: APScheduler as an alarm clock around the same pass as `run --once`.

The ledger is the truth; the scheduler holds nothing that cannot be rebuilt:
the poll (every poll interval), a wake-up at the next due time, a one-second
look at the config and schedule files (and at SIGHUP), a heartbeat that
notices suspends and clock jumps, and the systemd watchdog ping. One worker
thread runs them all, so two passes never overlap and a hung pass stops the
watchdog pings.

Stopping (SIGTERM, SIGINT) lets the mailbox call in flight finish, then lets
no other start: every call and every request beats the pulse (mailbox/guarded.py),
which also pings the systemd watchdog from the work itself. SIGUSR1 dumps
every thread's stack to the log. When Google refuses the token, Gmail work pauses (the daemon
keeps running, so systemd does not restart it in a loop) until the stored
token changes, that is, until the user signs in again.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.schedulers.blocking import BlockingScheduler

from followup_mailer.compose.parts import Writer
from followup_mailer.daemon import heap
from followup_mailer.daemon.passes import Passes
from followup_mailer.daemon.signin import MailboxSlot
from followup_mailer.daemon.systemd import Notifier, watchdog_interval
from followup_mailer.daemon.watch import ClockJump, FileStamp
from followup_mailer.errors import AuthError, FollowupError, UserError
from followup_mailer.intake.config import load_settings
from followup_mailer.intake.schedule import load_schedule
from followup_mailer.intake.schedule_cache import CACHE_NAME
from followup_mailer.lock import DAEMON_LOCK, AlreadyRunning, acquire, holding
from followup_mailer.logs import quiet_when_busy
from followup_mailer.mailbox.guarded import Pulse
from followup_mailer.model import Interview, State
from followup_mailer.reconcile import PassReport
from followup_mailer.settings import Settings
from followup_mailer.store import Store

log = logging.getLogger(__name__)

FILE_CHECK = timedelta(seconds=1)
HEARTBEAT = timedelta(seconds=5)
PING_EVERY = 1.0  # seconds between watchdog pings from a pass at work


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
        self.pulse = Pulse(self.stopping, self._watchdog_ping(), every=PING_EVERY)
        self.long_pass_said, self.reload_requested = False, False
        self.interviews: tuple[Interview, ...] = ()
        self.stamps: dict[str, FileStamp | None] = {"config": FileStamp.of(settings.path)}
        self.clock_jump = ClockJump()
        self.executor = ThreadPoolExecutor(1)
        self.scheduler = BlockingScheduler(
            timezone=UTC,
            executors={"default": self.executor},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; return the exit code."""
        heap.one_arena()  # before the scheduler's threads start (heap.py)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        # `kill -USR1 <pid>` writes every thread's stack to the log: a hang can be diagnosed
        faulthandler.register(signal.SIGUSR1, all_threads=True)
        quiet_when_busy()
        try:
            lock = acquire(self.settings.state_dir, DAEMON_LOCK, what="the daemon")
        except AlreadyRunning as error:
            log.error("%s", error)
            return AlreadyRunning.exit_code
        with lock, Store.open(self.settings.state_dir) as store:
            self.passes = Passes(store)
            self.slot = MailboxSlot(clock=self.clock, store=store, pulse=self.pulse)
            self._load_schedule(initial=True)
            self.slot.open(self.settings)
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
            # between passes; during one, the pass itself pings through the pulse
            add(self.notifier.watchdog, "interval", seconds=ping.total_seconds(), id="watchdog")

    def _watchdog_ping(self) -> Callable[[], None]:
        """Return the ping the pulse sends: the watchdog's, when the service manager wants one."""
        if watchdog_interval(self.shell.environ, os.getpid()) is None:
            return lambda: None
        return self.notifier.watchdog

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """SIGHUP: reload at the next file check. Otherwise: stop once the call in flight ends."""
        if signum == signal.SIGHUP:
            log.info("SIGHUP: reloading the config and the schedule")
            self.reload_requested = True
            return
        if self.stopping.is_set():
            return
        log.info("stopping on %s", signal.Signals(signum).name)
        # only a flag here: the file check (every second, on the worker thread) ends the
        # scheduler; called from a handler, it could wait for ever on a lock the interrupted
        # code holds (the executor's, while the main loop submits a job)
        self.stopping.set()

    def _shut_down(self) -> None:
        """End the scheduler's loop, from a job (a signal before it started is seen the same)."""
        if self.scheduler.state == STATE_RUNNING:
            self.scheduler.shutdown(wait=False)

    def tick(self) -> None:
        """Run one pass (unless stopping or paused), then set the wake-up for the next due step."""
        mailbox = None if self.stopping.is_set() else self.slot.ready(self.settings)
        if mailbox is None:
            self.notifier.status(self._status_line())
            return
        now, started = self.clock(), time.monotonic()
        try:  # a ledger that cannot be read fails the check as it fails a pass
            if self.passes.idle(self.settings, now):
                log.debug("nothing changed since the last pass, and its plans hold: skipped")
                self.passes.rest(mailbox)
                return
            with holding(self.settings.state_dir):
                report = self.passes.run(self.settings, self.interviews, mailbox, self.writer, now)
        except AlreadyRunning as error:
            # a `run --once` (or `outcome`) holds the ledger: the next poll tries again
            log.info("%s; trying again at the next poll", error)
            return
        except AuthError as error:
            self.slot.pause(self.settings, error)
            self.notifier.status(self._status_line())
            return
        except FollowupError as error:
            if self.stopping.is_set():
                log.info("stopped before the pass ended; the next start carries on")
            else:
                log.error("pass failed, will try again at the next poll: %s", error)
            return
        self._note_length(time.monotonic() - started)
        self._set_wake_up(report)

    def _note_length(self, seconds: float) -> None:
        """Say once that passes take longer than the poll interval (they then run back to back)."""
        interval = self.settings.gmail.poll_interval.total_seconds()
        if seconds > interval and not self.long_pass_said:
            self.long_pass_said = True
            log.warning(
                "a pass took %.1f s, longer than the poll interval (%s): passes now run back to "
                "back; a longer [gmail] poll_interval saves the machine's effort",
                seconds,
                self.settings.gmail.poll_interval,
            )

    def _set_wake_up(self, report: PassReport) -> None:
        planned, created, new = len(report.planned), len(report.created), report.new_messages
        log.debug(
            "pass done: %d step(s) planned, %d created, %d new message(s)", planned, created, new
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
        if self.slot.paused:
            return "paused: Gmail refused the sign-in; run `followup-mailer auth login`"
        due = f"next step due {wake.isoformat(timespec='seconds')}" if wake else "nothing due"
        return f"watching {len(self.interviews)} interview(s); {due}"

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
            self.slot.open(fresh)
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
        """Load the schedule; on error keep the last good one (or fail at start).

        What the passes built goes first, and the new schedule is rebuilt once parsed, so
        that it lies in one piece: parsed among the parse's garbage and the last pass's
        work, its objects would keep that memory from the system for as long as it runs.
        """
        path = self.settings.schedule.path
        self.stamps["schedule"] = FileStamp.of(path)
        self.passes.let_go(self.slot.mailbox)
        try:
            cache = self.settings.state_dir / CACHE_NAME
            zone = self.settings.account.timezone
            loaded = pickle.dumps(load_schedule(path, default_tz=zone, cache=cache))
        except UserError as error:
            if initial:
                raise
            details = "; ".join(str(p) for p in error.problems)
            log.error("%s; keeping the last good schedule. %s", error, details)
            return False
        self.interviews = ()  # the last good one goes once the new one is good
        self.passes.forget_stamp()
        heap.give_back()
        self.interviews = pickle.loads(loaded)  # into the memory just freed
        log.info("schedule %s: %d interview(s)", path, len(self.interviews))
        return True
