"""One writer per ledger: passes that overlap never send or draft a step twice.

Each test holds a mailbox call open (a rate-limited or slow Gmail, a slow
sendmail) in one real `followup-mailer` process while a second one starts on
the same state folder: the second waits for the first (or, for the daemon,
skips its turn), and never settles the first one's intent as if it had
crashed.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from followup_mailer.model import KEY_HEADER
from tests.e2e import COMMAND, Workspace, ended_recently, interview_toml
from tests.fakegmail import FakeGmail
from tests.test_gmail_e2e import gmail_workspace

pytestmark = pytest.mark.slow

DANA = ("Dana Smith", "dana@acme.com")
DANA_KEY = "acme/thank_you/dana@acme.com"
SLOW_SENDMAIL = """#!/bin/sh
cat >> "$0.outbox"
sleep 3
"""


@pytest.fixture
def fake() -> Iterator[FakeGmail]:
    with FakeGmail(account="alex@example.com", seed=7) as server:
        yield server


def start(ws: Workspace, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [COMMAND, "--config", str(ws.config), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ws.environ(),
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out + err


def sent_with_key(fake: FakeGmail) -> list[str]:
    return [m.id for m in fake.find_by_header(KEY_HEADER, DANA_KEY) if "SENT" in m.label_ids]


def test_two_run_once_on_gmail_while_a_send_waits_out_a_429_send_once(
    tmp_path: Path, fake: FakeGmail
) -> None:
    ws = gmail_workspace(tmp_path, fake, mode="send")
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    fake.fail("messages.send", 429, reason="rateLimitExceeded", retry_after=4)
    first = start(ws, "run", "--once")
    time.sleep(2)  # the first pass has recorded its intent and waits out the 429
    second = start(ws, "run", "--once")
    (code_1, out_1), (code_2, out_2) = finish(first), finish(second)
    assert (code_1, code_2) == (0, 0), out_1 + out_2
    assert len(sent_with_key(fake)) == 1
    assert "waiting for followup-mailer" in out_2
    assert ws.step(DANA_KEY)["state"] == "sent"


def test_a_run_once_beside_the_daemon_on_gmail_sends_once(tmp_path: Path, fake: FakeGmail) -> None:
    ws = gmail_workspace(tmp_path, fake, mode="send", poll_interval="1s")
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    fake.fail("messages.send", 429, reason="rateLimitExceeded", retry_after=4)
    daemon = start(ws, "run")
    try:
        deadline = time.monotonic() + 20
        while not fake.requests("messages.send"):
            assert time.monotonic() < deadline, "the daemon never tried to send"
            time.sleep(0.05)
        once = start(ws, "run", "--once")
        code, output = finish(once)
        assert code == 0, output
        deadline = time.monotonic() + 20
        while ws.step(DANA_KEY)["state"] != "sent":
            assert time.monotonic() < deadline, "the send never settled"
            time.sleep(0.1)
    finally:
        daemon.terminate()
        daemon.communicate(timeout=30)
    assert len(sent_with_key(fake)) == 1


def test_two_run_once_on_maildir_with_a_slow_sendmail_send_once(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    sendmail = tmp_path / "slow-sendmail"
    sendmail.write_text(SLOW_SENDMAIL)
    sendmail.chmod(0o755)
    ws.write_config(delivery={"mode": "send", "sendmail": str(sendmail)})
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    first = start(ws, "run", "--once")
    time.sleep(1)
    second = start(ws, "run", "--once")
    (code_1, out_1), (code_2, out_2) = finish(first), finish(second)
    assert (code_1, code_2) == (0, 0), out_1 + out_2
    outbox = Path(f"{sendmail}.outbox").read_text()
    assert outbox.count(f"{KEY_HEADER}: {DANA_KEY}") == 1
    assert len(ws.sent()) == 1 and ws.step(DANA_KEY)["state"] == "sent"


def test_a_busy_ledger_makes_run_once_exit_3_naming_the_holder(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    ws.write_config()
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    (ws.root / "state").mkdir()
    holder = subprocess.Popen(
        [
            "python3",
            "-c",
            "import fcntl, os, sys, time; f = open(sys.argv[1], 'a+');"
            "fcntl.flock(f, fcntl.LOCK_EX); f.write(str(os.getpid())); f.flush(); time.sleep(30)",
            str(ws.root / "state" / "pass.lock"),
        ]
    )
    try:
        time.sleep(0.5)
        result = ws.run("run", "--once", check=False, FOLLOWUP_MAILER_LOCK_WAIT="1")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 3
    assert f"pid {holder.pid}" in result.stderr
