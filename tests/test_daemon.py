"""The daemon as a real subprocess: wakes when due, follows schedule edits, stops cleanly."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import mailtools
from tests.e2e import COMMAND, Workspace, interview_toml, yesterday

DANA = ("Dana Smith", "dana@acme.com")
LEE = ("Lee Park", "lee@initech.com")


class Daemon:
    """A running `followup-mailer run`, its stderr collected in a file."""

    def __init__(self, ws: Workspace) -> None:
        self.log = ws.root / "daemon.log"
        self.process = subprocess.Popen(
            [COMMAND, "--config", str(ws.config), "run"],
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            env=ws.environ(),
        )

    def text(self) -> str:
        return self.log.read_text()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path)
    workspace.write_config(cadence={"thank_you_after": "2s"}, gmail={"poll_interval": "30s"})
    return workspace


@pytest.fixture
def started() -> Iterator[list[Daemon]]:
    """Daemons a test starts; any still running at the end are killed."""
    daemons: list[Daemon] = []
    yield daemons
    for daemon in daemons:
        if daemon.process.poll() is None:
            daemon.process.kill()
            daemon.process.wait()


def test_the_daemon_wakes_at_the_due_time_and_follows_schedule_edits(
    ws: Workspace, started: list[Daemon]
) -> None:
    ended = datetime.now(UTC).replace(microsecond=0)
    ws.write_schedule(interview_toml("acme", end=ended, people=[DANA]))
    daemon = Daemon(ws)
    started.append(daemon)
    wait_for(lambda: len(ws.drafts()) == 1, "the thank-you draft (due 2 s after the end)")
    # an edit adds an interview: the daemon sees the renamed-over file and drafts it
    ws.write_schedule(
        interview_toml("acme", end=ended, people=[DANA])
        + interview_toml("initech", end=yesterday(), people=[LEE], company="Initech")
    )
    wait_for(lambda: len(ws.drafts()) == 2, "the draft for the added interview")
    assert "schedule" in daemon.text()
    assert daemon.stop() == 0
    assert sorted(str(mailtools.read(p)["To"]) for p in ws.drafts()) == [
        "Dana Smith <dana@acme.com>",
        "Lee Park <lee@initech.com>",
    ]


def test_a_broken_schedule_keeps_the_last_good_one(ws: Workspace, started: list[Daemon]) -> None:
    ws.write_schedule(interview_toml("acme", end=yesterday(), people=[DANA]))
    daemon = Daemon(ws)
    started.append(daemon)
    wait_for(lambda: len(ws.drafts()) == 1, "the first draft")
    ws.write_schedule("[[interview]]\nid = 'broken'\nstart = nope\n")
    wait_for(lambda: "keeping the last good schedule" in daemon.text(), "the error")
    assert str(ws.schedule) in daemon.text()
    assert "Traceback" not in daemon.text()
    assert daemon.stop() == 0
    assert len(ws.drafts()) == 1  # nothing lost, nothing doubled
    ws.write_schedule(interview_toml("acme", end=yesterday(), people=[DANA]))
    ws.run("run", "--once")
    assert ws.step("acme/thank_you/dana@acme.com")["state"] == "awaiting-approval"
    assert len(ws.drafts()) == 1


def test_a_second_daemon_exits_3_naming_the_first(ws: Workspace, started: list[Daemon]) -> None:
    ws.write_schedule(interview_toml("acme", end=yesterday() + timedelta(days=30), people=[DANA]))
    first = Daemon(ws)
    started.append(first)
    wait_for(lambda: "running" in first.text(), "the first daemon to start")
    second = ws.run("run", check=False)
    assert second.returncode == 3
    assert f"pid {first.process.pid}" in second.stderr
    assert first.stop() == 0
