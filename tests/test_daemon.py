"""The daemon as a real subprocess: wakes when due, follows schedule edits, stops cleanly."""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from followup_mailer.daemon.watch import ClockJump
from tests import mailtools
from tests.core import file_stamps
from tests.e2e import COMMAND, Workspace, ended_recently, interview_toml
from tests.fakegmail import FakeGmail

pytestmark = pytest.mark.slow  # the real command and daemon, as subprocesses

DANA = ("Dana Smith", "dana@acme.com")
LEE = ("Lee Park", "lee@initech.com")


class Daemon:
    """A running `followup-mailer run`, its stderr collected in a file."""

    def __init__(self, ws: Workspace, *options: str, **env: str) -> None:
        self.log = ws.root / "daemon.log"
        self.process = subprocess.Popen(
            [COMMAND, "--config", str(ws.config), *options, "run"],
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            env=ws.environ(**env),
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


def unchanged(read: Callable[[], str]) -> Callable[[], bool]:
    """Return a condition that holds once `read` gives the same text twice in a row."""
    last: list[str | None] = [None]

    def check() -> bool:
        now = read()
        same, last[0] = now == last[0], now
        return same

    return check


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
        + interview_toml("initech", end=ended_recently(), people=[LEE], company="Initech")
    )
    wait_for(lambda: len(ws.drafts()) == 2, "the draft for the added interview")
    assert "schedule" in daemon.text()
    assert daemon.stop() == 0
    assert sorted(str(mailtools.read(p)["To"]) for p in ws.drafts()) == [
        "Dana Smith <dana@acme.com>",
        "Lee Park <lee@initech.com>",
    ]


def test_a_broken_schedule_keeps_the_last_good_one(ws: Workspace, started: list[Daemon]) -> None:
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    daemon = Daemon(ws)
    started.append(daemon)
    wait_for(lambda: len(ws.drafts()) == 1, "the first draft")
    ws.write_schedule("[[interview]]\nid = 'broken'\nstart = nope\n")
    wait_for(lambda: "keeping the last good schedule" in daemon.text(), "the error")
    assert str(ws.schedule) in daemon.text()
    assert "Traceback" not in daemon.text()
    assert daemon.stop() == 0
    assert len(ws.drafts()) == 1  # nothing lost, nothing doubled
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    ws.run("run", "--once")
    assert ws.step("acme/thank_you/dana@acme.com")["state"] == "awaiting-approval"
    assert len(ws.drafts()) == 1


def test_a_second_daemon_exits_3_naming_the_first(ws: Workspace, started: list[Daemon]) -> None:
    ws.write_schedule(
        interview_toml("acme", end=ended_recently() + timedelta(days=30), people=[DANA])
    )
    first = Daemon(ws)
    started.append(first)
    wait_for(lambda: "running" in first.text(), "the first daemon to start")
    second = ws.run("run", check=False)
    assert second.returncode == 3
    assert f"pid {first.process.pid}" in second.stderr
    assert first.stop() == 0


SLOW_SENDMAIL = """#!/bin/sh
# a sendmail that takes its time: marks when it starts and when it is done
stamp=$(date +%s%N)
touch "$0.started.$stamp"
cat > /dev/null
sleep 3
touch "$0.finished.$stamp"
"""


def test_sigterm_lets_the_send_in_flight_finish_and_starts_no_other(
    ws: Workspace, started: list[Daemon]
) -> None:
    sendmail = ws.root / "slow-sendmail"
    sendmail.write_text(SLOW_SENDMAIL)
    sendmail.chmod(0o755)
    ws.write_config(delivery={"mode": "send", "sendmail": str(sendmail)})
    ws.write_schedule(
        interview_toml("acme", end=ended_recently(), people=[DANA])
        + interview_toml("initech", end=ended_recently(), people=[LEE], company="Initech")
    )
    daemon = Daemon(ws)
    started.append(daemon)

    def marks(kind: str) -> list[Path]:
        return list(ws.root.glob(f"slow-sendmail.{kind}.*"))

    wait_for(lambda: len(marks("started")) == 1, "the first send to start")
    asked_to_stop = time.monotonic()
    assert daemon.stop() == 0
    assert time.monotonic() - asked_to_stop > 1.5  # it waited for sendmail
    assert (len(marks("started")), len(marks("finished"))) == (1, 1)
    assert len(ws.sent()) == 1
    states = sorted(s["state"] for s in ws.status() if s["step"] == "thank_you")
    assert states == ["planned", "sent"]  # the other one was never started, nothing in doubt
    ws.run("run", "--once")
    assert len(ws.sent()) == 2 and len(marks("started")) == 2


def test_sighup_rereads_the_schedule_even_when_not_watching(
    ws: Workspace, started: list[Daemon]
) -> None:
    ws.write_config(schedule={"watch": False})
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    daemon = Daemon(ws)
    started.append(daemon)
    wait_for(lambda: len(ws.drafts()) == 1, "the first draft")
    ws.write_schedule(
        interview_toml("acme", end=ended_recently(), people=[DANA])
        + interview_toml("initech", end=ended_recently(), people=[LEE], company="Initech")
    )
    time.sleep(2.5)
    assert len(ws.drafts()) == 1  # not watching: the edit waits for SIGHUP
    daemon.process.send_signal(signal.SIGHUP)
    wait_for(lambda: len(ws.drafts()) == 2, "the draft of the interview added before SIGHUP")
    assert daemon.process.poll() is None
    assert daemon.stop() == 0


def test_a_config_edit_takes_effect_and_a_broken_one_keeps_the_last_good(
    ws: Workspace, started: list[Daemon]
) -> None:
    ws.write_config(cadence={"thank_you_after": "1h"})
    ws.write_schedule(interview_toml("acme", end=datetime.now(UTC), people=[DANA]))
    daemon = Daemon(ws)
    started.append(daemon)
    wait_for(lambda: "running" in daemon.text(), "the daemon to start")
    time.sleep(1)
    assert ws.drafts() == []  # due in an hour
    ws.write_config(cadence={"thank_you_after": "2s"})
    wait_for(lambda: len(ws.drafts()) == 1, "the draft due under the edited config")
    ws.config.write_text("[account\nbroken", encoding="utf-8")
    wait_for(lambda: "keeping the last good config" in daemon.text(), "the config error")
    assert str(ws.config) in daemon.text() and "Traceback" not in daemon.text()
    assert daemon.process.poll() is None
    assert daemon.stop() == 0


def test_the_clock_jump_detector_sees_a_suspend_and_a_clock_set_back() -> None:
    clocks = {"wall": 1_000.0, "monotonic": 50.0}
    detector = ClockJump(wall=lambda: clocks["wall"], monotonic=lambda: clocks["monotonic"])

    def advance(wall: float, monotonic: float) -> float:
        clocks["wall"] += wall
        clocks["monotonic"] += monotonic
        return detector.check()

    assert advance(5, 5) == 0.0  # an ordinary heartbeat
    assert advance(5.5, 5) == 0.0  # drift within the tolerance
    assert advance(3_605, 5) == 3_600  # suspended for an hour: monotonic time stood still
    assert advance(5, 5) == 0.0  # and the next beat is ordinary again
    assert advance(-115, 5) == -120  # the clock was set back two minutes


def test_sigterm_while_paused_for_sign_in_still_exits_0(
    ws: Workspace, started: list[Daemon]
) -> None:
    ws.write_config(delivery={"backend": "gmail"}, gmail={"token_store": "file"})
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    daemon = Daemon(ws)
    started.append(daemon)
    wait_for(lambda: "Gmail work is paused" in daemon.text(), "the pause: nobody signed in")
    assert "followup-mailer auth login" in daemon.text()
    assert daemon.process.poll() is None  # paused, not exited: no restart loop under systemd
    assert daemon.stop() == 0


# Gmail: sign-in pauses, and what the logs never show --------------------------------------------

DANA_KEY = "acme/thank_you/dana@acme.com"
SENTINEL = "zebra-sentinel-7731"  # put in an interviewer's notes: it reaches the message body
needs_gmail = pytest.mark.skipif(
    importlib.util.find_spec("followup_mailer.mailbox.gmail") is None,
    reason="the Gmail backend (followup_mailer/mailbox/gmail.py) is not there yet",
)


@pytest.fixture
def gmail() -> Iterator[FakeGmail]:
    with FakeGmail(account="alex@example.com") as fake:
        yield fake


@pytest.fixture
def gws(ws: Workspace, gmail: FakeGmail) -> Workspace:
    """A workspace on the fake Gmail, signed in, with the token in a file."""
    ws.write_config(
        cadence={"thank_you_after": "2s"},
        delivery={"backend": "gmail"},
        gmail={
            "token_store": "file",
            "api_endpoint": gmail.url,
            "token_uri": gmail.token_uri,
            "poll_interval": "1s",
        },
    )
    sign_in(ws, gmail.authorized_user_info())
    return ws


def sign_in(ws: Workspace, token: dict[str, str]) -> None:
    """Store a token as a user would after signing in elsewhere."""
    path = ws.root / "token.json"
    path.write_text(json.dumps(token), encoding="utf-8")
    ws.run("auth", "import", str(path))
    path.unlink()


def with_notes(text: str) -> str:
    """Give the last interviewer of an interview notes that the thank-you will quote."""
    return text.rstrip("\n") + f'\nnotes = "asked about {SENTINEL}"\n\n'


@needs_gmail
def test_a_revoked_token_pauses_gmail_work_until_a_new_sign_in(
    gws: Workspace, gmail: FakeGmail, started: list[Daemon]
) -> None:
    gws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    daemon = Daemon(gws)
    started.append(daemon)
    wait_for(lambda: len(gmail.drafts()) == 1, "the first draft")
    gmail.revoke_token()
    gws.write_schedule(
        interview_toml("acme", end=ended_recently(), people=[DANA])
        + interview_toml("initech", end=ended_recently(), people=[LEE], company="Initech")
    )
    wait_for(lambda: "Gmail work is paused" in daemon.text(), "the pause")
    time.sleep(3)  # several polls while paused
    assert daemon.text().count("Gmail work is paused") == 1  # said once
    assert "run `followup-mailer auth login`" in daemon.text()
    assert daemon.process.poll() is None  # still running: no restart loop under systemd
    assert len(gmail.drafts()) == 1
    assert gws.step(DANA_KEY)["state"] == "awaiting-approval"  # the ledger is untouched
    sign_in(gws, gmail.authorized_user_info(gmail.grant_refresh_token()))
    wait_for(lambda: len(gmail.drafts()) == 2, "the draft once signed in again")
    assert "resuming" in daemon.text()
    assert daemon.stop() == 0
    assert sorted(str(d.message.header("To")) for d in gmail.drafts()) == [
        "Dana Smith <dana@acme.com>",
        "Lee Park <lee@initech.com>",
    ]


@needs_gmail
def test_run_once_with_a_revoked_token_exits_1_naming_auth_login(
    gws: Workspace, gmail: FakeGmail
) -> None:
    gws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    gmail.revoke_token()
    once = gws.run("run", "--once", check=False)
    assert once.returncode == 1
    assert "followup-mailer auth login" in once.stderr and "Traceback" not in once.stderr


def test_debug_logs_of_a_maildir_pass_hold_no_message_body(
    ws: Workspace, started: list[Daemon]
) -> None:
    ws.write_schedule(with_notes(interview_toml("acme", end=ended_recently(), people=[DANA])))
    daemon = Daemon(ws, "-vv")
    started.append(daemon)
    wait_for(lambda: len(ws.drafts()) == 1, "the draft")
    assert daemon.stop() == 0
    assert SENTINEL in ws.drafts()[0].read_text()  # the notes did reach a body
    assert "DEBUG" in daemon.text() and SENTINEL not in daemon.text()


@needs_gmail
@pytest.mark.parametrize("verbosity", ["-vv", "-vvv"])
def test_debug_logs_of_a_gmail_pass_hold_no_token_and_no_body(
    gws: Workspace, gmail: FakeGmail, started: list[Daemon], verbosity: str
) -> None:
    gws.write_schedule(with_notes(interview_toml("acme", end=ended_recently(), people=[DANA])))
    daemon = Daemon(gws, verbosity)
    started.append(daemon)
    wait_for(lambda: len(gmail.drafts()) == 1, "the draft")
    gmail.expire_access_tokens()  # the next poll refreshes the token while we listen
    refreshes = len(gmail.requests("oauth.token"))
    wait_for(lambda: len(gmail.requests("oauth.token")) > refreshes, "a token refresh")
    time.sleep(1.5)
    assert daemon.stop() == 0
    [draft] = gmail.drafts()
    body = draft.message.email.get_body()
    assert body is not None and SENTINEL in body.get_content()
    text = daemon.text()
    info = gmail.authorized_user_info()
    assert "DEBUG" in text
    for secret in (info["refresh_token"], info["client_secret"], "ya29.", "1//", SENTINEL):
        assert secret not in text


def test_sigterm_in_a_long_pass_stops_within_seconds(ws: Workspace, started: list[Daemon]) -> None:
    ended = ended_recently()
    ws.write_schedule(
        "".join(
            interview_toml(f"acme-{n}", end=ended, people=[("Dana Smith", f"dana{n}@acme.com")])
            for n in range(400)
        )
    )
    daemon = Daemon(ws)
    started.append(daemon)
    wait_for(lambda: len(ws.drafts()) >= 20, "the pass to be under way", seconds=60)
    asked_to_stop = time.monotonic()
    assert daemon.stop() == 0
    assert time.monotonic() - asked_to_stop < 5
    made = len(ws.drafts())
    assert made < 400  # it stopped mid-pass; the next start goes on from the ledger
    assert not [s for s in ws.status() if s["state"] == "in-doubt"]


def test_sigusr1_writes_every_threads_stack_to_the_log(
    ws: Workspace, started: list[Daemon]
) -> None:
    ws.write_schedule(
        interview_toml("acme", end=ended_recently() + timedelta(days=30), people=[DANA])
    )
    daemon = Daemon(ws)
    started.append(daemon)
    wait_for(lambda: "running" in daemon.text(), "the daemon to start")
    daemon.process.send_signal(signal.SIGUSR1)
    wait_for(lambda: "Thread 0x" in daemon.text(), "the stack dump")
    # written from the signal handler, thread after thread: a stop while it is still being
    # written races the threads' exit (once, under load, the daemon ended in a segfault)
    wait_for(unchanged(daemon.text), "the whole stack dump")
    assert "most recent call first" in daemon.text()
    assert daemon.stop() == 0


def test_a_pass_longer_than_the_poll_interval_is_said_once(
    ws: Workspace, started: list[Daemon]
) -> None:
    slow = ws.root / "slow-sendmail"
    slow.write_text("#!/bin/sh\ncat > /dev/null\nsleep 2\n")
    slow.chmod(0o755)
    ws.write_config(delivery={"mode": "send", "sendmail": str(slow)}, gmail={"poll_interval": "1s"})
    ws.write_schedule(
        interview_toml("acme", end=ended_recently(), people=[DANA])
        + interview_toml("initech", end=ended_recently(), people=[LEE], company="Initech")
    )
    daemon = Daemon(ws)
    started.append(daemon)
    wait_for(lambda: len(ws.sent()) == 2, "both sends", seconds=30)
    time.sleep(1.5)
    assert daemon.stop() == 0
    log = daemon.text()
    assert log.count("longer than the poll interval") == 1
    assert "maximum number of running instances" not in log


SKIPPED = "nothing changed since the last pass, and its plans hold: skipped"
NEXT_WEEK = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)


def test_an_idle_daemon_skips_its_polls_until_mail_arrives(
    ws: Workspace, started: list[Daemon]
) -> None:
    ws.write_config(gmail={"poll_interval": "1s"})
    ws.write_schedule(interview_toml("acme", end=NEXT_WEEK, people=[DANA]))
    daemon = Daemon(ws, "-vv")
    started.append(daemon)
    wait_for(lambda: SKIPPED in daemon.text(), "a poll skipped (idle.py)")
    before, skips = file_stamps(ws.root, but="daemon.log"), daemon.text().count(SKIPPED)
    wait_for(lambda: daemon.text().count(SKIPPED) >= skips + 2, "two more polls skipped")
    # a skipped poll writes nothing, not even a lock
    assert file_stamps(ws.root, but="daemon.log") == before
    now = datetime.now(UTC)
    mailtools.deliver_reply(
        ws.maildir, frm="dana@acme.com", to="alex@example.com", subject="Re: Monday", date=now
    )
    wait_for(lambda: "1 new message(s)" in daemon.text(), "a full pass that reads the reply")
    assert daemon.stop() == 0


def test_sighup_after_idle_polls_plans_the_schedule_it_rereads(
    ws: Workspace, started: list[Daemon]
) -> None:
    ws.write_config(schedule={"watch": False}, gmail={"poll_interval": "1s"})
    ws.write_schedule(interview_toml("acme", end=NEXT_WEEK, people=[DANA]))
    daemon = Daemon(ws, "-vv")
    started.append(daemon)
    wait_for(lambda: SKIPPED in daemon.text(), "a poll skipped")
    ws.write_schedule(
        interview_toml("acme", end=NEXT_WEEK, people=[DANA])
        + interview_toml("initech", end=ended_recently(), people=[LEE], company="Initech")
    )
    # not watching: a poll stamps the edited file, yet plans the schedule the daemon holds
    log = daemon.text()
    wait_for(lambda: daemon.text().count(SKIPPED) > log.count(SKIPPED) + 1, "polls skipped again")
    assert ws.drafts() == []
    daemon.process.send_signal(signal.SIGHUP)
    wait_for(lambda: len(ws.drafts()) == 1, "the draft of the interview added before SIGHUP")
    assert daemon.stop() == 0
