"""Measurements behind scripts/bench. Numbers, not assertions: the tests check behaviour.

    scripts/bench                    everything (a few minutes)
    scripts/bench --quick            smaller sizes and fewer rounds
    scripts/bench --profile          also write a cProfile of the slowest case (bench-profile.prof)
    scripts/bench --baseline DIR     the command-line measurements of another checkout (with its
                                     own .venv) side by side, in the same run, interleaved (its
                                     idle passes up to 1,000 interviews: an old, quadratic
                                     checkout takes minutes a pass at 10,000)
    scripts/bench --polls N          the daemon's back-to-back passes (default 1,000; --quick 100)

CPU is user + system time of the whole process (start-up included), read
by the process itself at exit; "above python" subtracts the median CPU of
`python -c "import followup_mailer"` measured in the same rounds.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchsetup import Workspace, now_utc, sent_history, write_schedule

ROOT = Path(__file__).resolve().parent.parent
RACY = 2.1  # seconds: see maildir_files.RACY
PROFILE_FILE = Path.cwd() / "bench-profile.prof"  # where scripts/bench was started
BASELINE_UP_TO = 1000  # interviews: the largest idle pass measured on a --baseline checkout
LAUNCH = r"""
import os, resource, sys
from followup_mailer.cli import main
code = 0
try:
    main(sys.argv[1:], prog_name="followup-mailer")
except SystemExit as leaving:
    code = leaving.code
finally:
    used = resource.getrusage(resource.RUSAGE_SELF)
    io = dict(line.split(": ") for line in open("/proc/self/io").read().splitlines())
    with open(os.environ["BENCH_OUT"], "w") as out:
        out.write(f"{used.ru_utime + used.ru_stime} {used.ru_maxrss} {io['wchar']} {code}")
"""
BARE = r"""
import os, resource
import followup_mailer
used = resource.getrusage(resource.RUSAGE_SELF)
with open(os.environ["BENCH_OUT"], "w") as out:
    out.write(f"{used.ru_utime + used.ru_stime} {used.ru_maxrss} 0 0")
"""


class Program:
    """One checkout's interpreter, measured running the command line."""

    def __init__(self, checkout: Path, label: str) -> None:
        self.checkout, self.label = checkout, label
        self.python = str(checkout / ".venv" / "bin" / "python")

    def run(self, *args: str, script: str = LAUNCH) -> tuple[float, int, int]:
        """Run the command; return (CPU seconds, peak RSS KiB, bytes written)."""
        with tempfile.NamedTemporaryFile(suffix=".bench") as out:
            env = self.env | {"BENCH_OUT": out.name}
            subprocess.run([self.python, "-c", script, *args], env=env, capture_output=True)
            cpu, rss, written, code = Path(out.name).read_text().split()
        if code not in ("0", "None"):
            raise RuntimeError(f"{self.label}: followup-mailer {' '.join(args)} exited {code}")
        return float(cpu), int(rss), int(written)

    @property
    def env(self) -> dict[str, str]:
        """The environment its commands run in: its own code first."""
        return os.environ | {"PYTHONPATH": str(self.checkout)}

    def bare(self) -> float:
        return self.run(script=BARE)[0]


def median_cpu(
    program: Program, args: list[str], rounds: int, before: Callable[[], None] = lambda: None
) -> tuple[float, float, int, int]:
    """Return (median CPU, median CPU of a bare import, peak RSS KiB, bytes written)."""
    cpus, bares, rss, written = [], [], 0, 0
    for _ in range(rounds):
        bares.append(program.bare())
        before()
        cpu, peak, wrote = program.run(*args)
        cpus.append(cpu)
        rss, written = max(rss, peak), max(written, wrote)
    return statistics.median(cpus), statistics.median(bares), rss, written


def state_digest(ws: Workspace) -> dict[str, tuple[int, int]]:
    """Return size and mtime of every file under the state folder and the maildir."""
    found = {}
    for folder in (ws.root / "state", ws.maildir):
        for path in folder.rglob("*"):
            if path.is_file():
                info = path.stat()
                found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found


def idle_passes(programs: list[Program], sizes: list[int], rounds: int) -> None:
    print("\nIdle pass on the maildir backend: `run --once` with nothing due (x3 interviewers)")
    print("  full: a whole pass (the first after any change); skipped: a pass the idle stamp")
    print("  skips (nothing changed since the last one); CPU above `python -c 'import ...'`")
    print(f"{'program':>10} {'interviews':>10} {'full':>8} {'skipped':>8} {'peak RSS':>9}"
          f" {'files changed':>14}")  # fmt: skip
    for size in sizes:
        for program in programs:
            if program.label == "baseline" and size > BASELINE_UP_TO:
                print(f"{program.label:>10} {size:>10,}   (not run on a baseline: see --help)")
                continue
            with tempfile.TemporaryDirectory() as folder:
                ws = Workspace(Path(folder))
                command = [program.python, "-m", "followup_mailer"]
                sent_history(ws, command, size, now_utc(), env=program.env)
                program.run("--config", str(ws.config), "run", "--once")  # reads every file once
                time.sleep(RACY)  # a folder changed this recently is never trusted unchanged
                once = ["--config", str(ws.config), "run", "--once"]
                full, bare, rss, _ = median_cpu(program, once, rounds, before=drop_stamp(ws))
                program.run(*once)  # leaves the stamp (a program that has one)
                before = state_digest(ws)
                skipped, bare_too, _, _ = median_cpu(program, once, rounds)
                changed = sum(1 for k, v in state_digest(ws).items() if before.get(k) != v)
                shown = f"{skipped - bare_too:>7.3f}s" if stamped(ws) else f"{'none':>8}"
                print(f"{program.label:>10} {size:>10,} {full - bare:>7.3f}s {shown}"
                      f" {rss // 1024:>6} MiB {changed:>14}")  # fmt: skip


def stamped(ws: Workspace) -> bool:
    """Tell whether the last run --once left an idle stamp (an older program has none)."""
    db = sqlite3.connect(ws.ledger)
    row = db.execute("SELECT value FROM settings WHERE name = 'idle_stamp'").fetchone()
    db.close()
    return bool(row and row[0])


def drop_stamp(ws: Workspace) -> Callable[[], None]:
    """Return what takes the idle stamp away, so that the next run --once is a full pass."""

    def drop() -> None:
        db = sqlite3.connect(ws.ledger)
        with db:
            db.execute("DELETE FROM settings WHERE name = 'idle_stamp'")
        db.close()

    return drop


def start_up(programs: list[Program], rounds: int) -> None:
    print("\nStart-up: `followup-mailer --help`")
    for program in programs:
        cpu, bare, _, _ = median_cpu(program, ["--help"], rounds)
        print(f"{program.label:>10} {cpu * 1000:7.0f} ms CPU, {(cpu - bare) * 1000:5.0f} ms above"
              f" `python -c 'import followup_mailer'` ({bare * 1000:.0f} ms)")  # fmt: skip


def drafts_pass(program: Program, count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(Path(folder))
        write_schedule(ws, count, now_utc() - timedelta(hours=3), people=1)
        started = time.perf_counter()
        cpu, rss, _ = program.run("--config", str(ws.config), "run", "--once")
        wall = time.perf_counter() - started
        made = len(list((ws.maildir / "Drafts" / "new").iterdir()))
    print(f"\nA pass that creates {made:,} drafts: {wall:.1f} s wall, {cpu:.1f} s CPU, "
          f"peak RSS {rss // 1024} MiB")  # fmt: skip


DAEMON_LOOP = r"""
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from followup_mailer.backends import open_mailbox
from followup_mailer.cli.context import Session, writer_for
from followup_mailer.daemon.passes import Passes
session = Session(Path(sys.argv[1]))
settings, interviews = session.settings, session.schedule()
writer, polls, marks, skipped = writer_for(settings), int(sys.argv[2]), [], 0


def rss_mib():
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) // 1024


with session.store() as store:
    daemon = Passes(store, show=lambda title, body: True)  # what the daemon keeps
    mailbox = open_mailbox(settings, clock=lambda: datetime.now(UTC), store=store)
    started = time.perf_counter()
    for n in range(polls):  # as Daemon.tick polls
        now = datetime.now(UTC)
        if daemon.idle(settings, now):
            daemon.rest(mailbox)
            skipped += 1
        else:
            daemon.run(settings, interviews, mailbox, writer, now)
        if n < 2:  # the first pass reads the ledger and the mail, and the next rests
            started = time.perf_counter()
            continue
        if n + 1 in (10, polls):
            marks.append(rss_mib())
    each = (time.perf_counter() - started) / (polls - 2)
    fresh = []
    for _ in range(10):  # passes after a change: each from nothing kept, then a rest
        started = time.perf_counter()
        daemon.run(settings, interviews, mailbox, writer, datetime.now(UTC))
        fresh.append(time.perf_counter() - started)
        daemon.rest(mailbox)
    rested = rss_mib()
    started = time.perf_counter()
    for _ in range(20):  # passes back to back, with the plans kept (Gmail's polls)
        daemon.run(settings, interviews, mailbox, writer, datetime.now(UTC))
    planned = (time.perf_counter() - started) / 20
print(marks[0], marks[-1], f"{each:.4f}", skipped, f"{sum(fresh) / 10:.3f}", rested,
      f"{planned:.3f}", rss_mib())
"""


def daemon_memory(program: Program, size: int, polls: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(Path(folder))
        sent_history(ws, [program.python, "-m", "followup_mailer"], size, now_utc(), program.env)
        program.run("--config", str(ws.config), "run", "--once")  # reads every file once
        time.sleep(RACY)  # as a minute between polls would: no folder changed just now
        out = subprocess.run(
            [program.python, "-c", DAEMON_LOOP, str(ws.config), str(polls)],
            capture_output=True, text=True, check=True,
            env=program.env,
        )  # fmt: skip
        early, late, each, skipped, fresh, rested, planned, kept = out.stdout.split()
        process = daemon_process(program, ws)
    print(f"\nThe daemon's polls, {polls:,} back to back at {size:,} interviews"
          " (after a run --once read the mail), in process:"
          f" RSS {early} MiB after 10, {late} MiB after {polls:,};"
          f" {float(each) * 1000:.1f} ms a poll ({skipped} of {polls:,} skipped: nothing changed)."
          f"\nA pass after a change (from nothing kept): {float(fresh):.2f} s, and RSS {rested} MiB"
          f" after 10 of them, each followed by a rest."
          f"\nA pass with the plans kept (Gmail's polls, back to back): {float(planned) * 1000:.0f}"
          f" ms; RSS {kept} MiB while they are kept."
          f"\nThe daemon process (`run`, a poll a second): {process}")  # fmt: skip


def daemon_process(program: Program, ws: Workspace, edits: int = 3) -> str:
    """Run the real daemon on the workspace, polling every second, and edit its schedule a
    few times (each edit parsed, then a full pass); describe its memory."""
    config, schedule = ws.config.read_text(encoding="utf-8"), ws.schedule.read_text("utf-8")
    ws.config.write_text(config + '\n[gmail]\npoll_interval = "1s"\n', encoding="utf-8")
    daemon = subprocess.Popen(
        [program.python, "-m", "followup_mailer", "--config", str(ws.config), "run"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=program.env,
    )  # fmt: skip
    try:
        idle = [_memory(daemon.pid) for _ in range(30)]  # a sample a second
        for number in range(edits):  # the user adds a comment: the schedule is read again
            ws.schedule.write_text(schedule + f"# edit {number}\n", encoding="utf-8")
            edited = [_memory(daemon.pid) for _ in range(20)]
    finally:
        daemon.terminate()
        daemon.wait()
        ws.config.write_text(config, encoding="utf-8")
        ws.schedule.write_text(schedule, encoding="utf-8")
    return (f"RSS {idle[14][0]} MiB after 15 s, {idle[-1][0]} MiB after 30 s, {edited[-1][0]} MiB"
            f" 20 s after the last of {edits} edits of the schedule (20 s apart);"
            f" {edited[-1][1]} MiB at the peak of a pass")  # fmt: skip


def _memory(pid: int) -> tuple[int, int]:
    """Wait a second, then return a process's RSS and peak RSS, in MiB."""
    time.sleep(1)
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    found = {line.split(":")[0]: int(line.split()[1]) // 1024 for line in status
             if line.startswith(("VmRSS", "VmHWM"))}  # fmt: skip
    return found["VmRSS"], found["VmHWM"]


def due_latency(program: Program) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(Path(folder))
        due = now_utc() + timedelta(seconds=5)
        write_schedule(ws, 1, due - timedelta(hours=2), people=1)
        daemon = subprocess.Popen(
            [program.python, "-m", "followup_mailer", "--config", str(ws.config), "run"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        drafts = ws.maildir / "Drafts" / "new"
        try:
            while not (drafts.is_dir() and any(drafts.iterdir())):
                if time.time() > due.timestamp() + 120:
                    raise RuntimeError("the daemon made no draft within 2 minutes of its due time")
                time.sleep(0.02)
            late = time.time() - due.timestamp()
        finally:
            daemon.terminate()
            daemon.wait()
    print(f"\nDue to draft with a 60 s poll: the draft appeared {late:.2f} s after its due time")


def gmail_polls(sizes: list[int]) -> None:
    from benchgmail import gmail_poll_cost

    print("\nGmail (local fake server, classic quota costs)")
    print(f"{'threads':>8} {'idle poll':>22} {'idle wall':>10}")
    for threads in sizes:
        requests, units, seconds = gmail_poll_cost(threads)
        print(f"{threads:>8,} {requests:>5} req {units:>5} units {seconds * 1000:>8.0f} ms")


def profile(size: int) -> None:
    from benchprofile import idle_pass_profile

    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(Path(folder))
        sent_history(ws, [sys.executable, "-m", "followup_mailer"], size, now_utc())
        profiler: cProfile.Profile = idle_pass_profile(ws)
    profiler.dump_stats(PROFILE_FILE)
    print(f"\nProfile of an idle pass at {size:,} interviews written to {PROFILE_FILE}:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--polls", type=int, default=0)
    args = parser.parse_args()
    programs = [Program(ROOT, "this")]
    if args.baseline:
        programs.insert(0, Program(args.baseline.resolve(), "baseline"))
    # `python -c` and `-m` look in the current folder first: away from any checkout, each
    # program runs its own code
    os.chdir(tempfile.gettempdir())
    sizes, rounds = ([100, 1000], 3) if args.quick else ([100, 1000, 10000], 5)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores;"
          f" Python {platform.python_version()}")  # fmt: skip
    start_up(programs, rounds)
    idle_passes(programs, sizes, rounds)
    drafts_pass(programs[-1], 1000)
    daemon_memory(programs[-1], sizes[-1], args.polls or (100 if args.quick else 1000))
    due_latency(programs[-1])
    gmail_polls([1000] if args.quick else [1000, 10000])
    if args.profile:
        profile(sizes[-1])


if __name__ == "__main__":
    main()
