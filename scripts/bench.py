"""Measurements behind scripts/bench. Numbers, not assertions: the tests check behaviour."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from followup_mailer.intake.config import load_settings
from followup_mailer.mailbox.gmail import Position, open_gmail
from followup_mailer.mailbox.protocol import Watch
from followup_mailer.model import Facts, Format, Interview, Person
from followup_mailer.plan import plan
from tests.conftest import config_text
from tests.e2e import COMMAND, interview_toml
from tests.fakegmail import FakeGmail

POLLS_PER_DAY = 24 * 60  # the default poll_interval is 60 s


def gmail_poll_cost(threads: int) -> tuple[int, int, int, int]:
    """Return (requests, units) of one idle poll, and of one full check, with `threads` tracked."""
    with FakeGmail(seed=1) as fake:
        tracked = tuple(
            fake.message(fake.user_sends_message(to="dana@acme.com", subject=f"Note {n}")).thread_id
            for n in range(threads)
        )
        state: dict[str, str] = {}
        box = open_gmail(
            load_token=fake.authorized_user_info,
            api_endpoint=fake.url,
            token_uri=fake.token_uri,
            position=Position(lambda: state.get("at", ""), lambda at: state.update(at=at)),
            clock=lambda: datetime.now(UTC),
        )
        watch = Watch({}, tracked, {"dana@acme.com"}, {"acme.com"}, {"alex@example.com"})
        full = _measure(fake, lambda: box.acknowledge(box.poll(watch).cursor))
        idle = _measure(fake, lambda: box.acknowledge(box.poll(watch).cursor))
    return (*idle, *full)


def _measure(fake: FakeGmail, call: Callable[[], None]) -> tuple[int, int]:
    requests, units = len(fake.requests()), fake.quota_used()
    call()
    return len(fake.requests()) - requests, fake.quota_used() - units


def planner_speed(folder: Path, interviews: int) -> float:
    """Return the median seconds of one plan() over `interviews` panels of three."""
    (folder / "config.toml").write_text(config_text(), encoding="utf-8")
    settings = load_settings(folder / "config.toml")
    end = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    people = tuple(Person(f"P {n}", f"p{n}@acme.com") for n in range(3))
    schedule = tuple(
        Interview(
            f"i{n}",
            "Acme",
            "Engineer",
            end - timedelta(hours=1),
            end,
            format=Format.PANEL,
            interviewers=people,
        )
        for n in range(interviews)
    )
    facts = Facts(schedule)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        plan(facts, end + timedelta(days=2), settings)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def maildir_pass(folder: Path, interviews: int) -> tuple[float, float, int]:
    """Return (seconds of the first pass, of an idle pass, peak RSS MiB) of `run --once`."""
    overrides: dict[str, dict[str, object]] = {"delivery": {"send_window": "always"}}
    (folder / "config.toml").write_text(config_text(overrides), encoding="utf-8")
    ended = (datetime.now(UTC) - timedelta(hours=25)).replace(microsecond=0)
    text = "".join(
        interview_toml(f"i{n}", end=ended, people=[("Dana Smith", f"dana{n}@acme.com")])
        for n in range(interviews)
    )
    (folder / "interviews.toml").write_text(text, encoding="utf-8")
    command = [COMMAND, "--config", str(folder / "config.toml"), "run", "--once"]
    first = _timed(command)
    idle = _timed(command)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return first, idle, peak


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    print("Gmail (local fake, classic quota costs)")
    print(f"{'threads':>8} {'idle poll':>16} {'a day at 60s':>22} {'full check':>18}")
    for threads in (10, 100, 1000):
        requests, units, full_requests, full_units = gmail_poll_cost(threads)
        print(
            f"{threads:>8} {requests:>5} req {units:>4} units "
            f"{requests * POLLS_PER_DAY:>7} req {units * POLLS_PER_DAY:>6} units "
            f"{full_requests:>6} req {full_units:>5} units"
        )
    with tempfile.TemporaryDirectory() as folder:
        for count in (100, 1000):
            seconds = planner_speed(Path(folder), count)
            print(f"plan() over {count} panels of 3 (~{count * 6} steps): {seconds * 1000:.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        first, idle, peak = maildir_pass(Path(folder), 50)
        print(
            f"run --once, 50 interviews on a maildir: first pass {first:.2f} s (50 drafts), "
            f"idle pass {idle:.2f} s, peak RSS {peak} MiB"
        )


if __name__ == "__main__":
    main()
