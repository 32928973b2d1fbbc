"""The real `followup-mailer` command, as a subprocess, against the fake Gmail server.

The fake runs in this process; the command reaches it through `[gmail]
api_endpoint` and `token_uri`, with a token in the file store, exactly as a
user's install reaches Gmail.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from followup_mailer.auth.stores import token_store
from followup_mailer.model import KEY_HEADER
from tests.e2e import COMMAND, Workspace, ended_recently, interview_toml
from tests.fakegmail import FakeGmail

pytestmark = pytest.mark.slow  # the real command and daemon, as subprocesses

ALEX = "alex@example.com"
DANA = ("Dana Smith", "dana@acme.com")
LEE = ("Lee Park", "lee@acme.com")
KIM = ("Kim Ortiz", "kim@acme.com")
DANA_KEY = "acme/thank_you/dana@acme.com"


@pytest.fixture
def fake() -> Iterator[FakeGmail]:
    with FakeGmail(account=ALEX, seed=5) as server:
        yield server


def gmail_workspace(root: Path, fake: FakeGmail, *, mode: str = "draft", **extra: str) -> Workspace:
    """A config on the Gmail backend pointed at the fake, a token in the file store."""
    ws = Workspace(root)
    gmail: dict[str, object] = {
        "api_endpoint": fake.url,
        "token_uri": fake.token_uri,
        "token_store": "file",
    }
    ws.write_config(delivery={"backend": "gmail", "mode": mode}, gmail=gmail | extra)
    token_store(kind="file", account=ALEX, state_dir=root / "state").save(
        fake.authorized_user_info()
    )
    return ws


@pytest.fixture
def ws(tmp_path: Path, fake: FakeGmail) -> Workspace:
    """One interview that ended ended_recently, draft mode."""
    workspace = gmail_workspace(tmp_path, fake)
    workspace.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    return workspace


def with_key(fake: FakeGmail, key: str, label: str | None) -> list[str]:
    """Return the ids of the messages carrying key (drafts: label "DRAFT", None: any)."""
    found = fake.find_by_header(KEY_HEADER, key)
    return [m.id for m in found if label is None or label in m.label_ids]


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def start(ws: Workspace, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [COMMAND, "--config", str(ws.config), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ws.environ(**env),
    )


def test_a_draft_its_approval_and_a_reply_after_history_expired(
    ws: Workspace, fake: FakeGmail
) -> None:
    first = ws.run("run", "--once")
    ws.run("run", "--once")
    [draft] = fake.drafts()
    assert f"drafted   {DANA_KEY}" in first.stdout and len(fake.requests("drafts.create")) == 1
    assert ws.step(DANA_KEY)["state"] == "awaiting-approval"

    sent_id = fake.user_sends_draft(draft.id)
    assert f"approved  {DANA_KEY}" in ws.run("run", "--once").stdout
    step = ws.step(DANA_KEY)
    sent_at = datetime.fromtimestamp(fake.message(sent_id).internal_date / 1000, UTC)
    assert (step["state"], datetime.fromisoformat(step["sent_at"])) == ("sent", sent_at)
    assert step["thread_id"] == fake.message(sent_id).thread_id

    fake.deliver_reply(sent_id, sender="Dana Smith <dana@acme.com>")
    fake.expire_history()
    ws.run("run", "--once")
    assert ws.step(DANA_KEY)["state"] == "replied"
    nudge = ws.step("acme/followup-1/dana@acme.com")
    assert (nudge["state"], nudge["reason"]) == ("cancelled", "replied")
    assert fake.drafts() == []


def test_a_declined_draft_is_skipped_and_never_made_again(ws: Workspace, fake: FakeGmail) -> None:
    ws.run("run", "--once")
    fake.user_deletes_draft(fake.drafts()[0].id)
    assert f"declined  {DANA_KEY}" in ws.run("run", "--once").stdout
    ws.run("run", "--once")
    assert (fake.drafts(), len(fake.requests("drafts.create"))) == ([], 1)
    assert ws.step(DANA_KEY)["state"] == "skipped"


def test_sigkill_during_a_create_that_took_effect_leaves_one_draft(
    ws: Workspace, fake: FakeGmail
) -> None:
    fake.delay("drafts.create", 10)
    process = start(ws, "run", "--once")
    wait_for(lambda: len(fake.drafts()) == 1)  # Gmail made it; the answer is held back
    process.kill()
    process.communicate()
    assert ws.step(DANA_KEY)["state"] == "in-doubt"

    ws.run("run", "--once")
    ws.run("run", "--once")

    assert len(with_key(fake, DANA_KEY, "DRAFT")) == 1 and len(fake.requests("drafts.create")) == 1
    step = ws.step(DANA_KEY)
    assert (step["state"], step["draft_id"]) == ("awaiting-approval", fake.drafts()[0].id)


@pytest.mark.parametrize("fault", ["500 after the send", "connection dropped after the send"])
def test_an_ambiguous_send_sends_exactly_once(tmp_path: Path, fake: FakeGmail, fault: str) -> None:
    ws = gmail_workspace(tmp_path, fake, mode="send")
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    if fault.startswith("500"):
        fake.fail("messages.send", 500, after_effect=True)
    else:
        fake.drop_connection("messages.send")

    assert f"in doubt  {DANA_KEY}" in ws.run("run", "--once").stdout
    assert ws.step(DANA_KEY)["state"] == "in-doubt"
    ws.run("run", "--once")
    ws.run("run", "--once")

    [sent] = with_key(fake, DANA_KEY, "SENT")
    assert len(fake.requests("messages.send")) == 1
    step = ws.step(DANA_KEY)
    assert (step["state"], step["message_id"]) == ("sent", fake.message(sent).header("Message-ID"))


@pytest.mark.parametrize("point", ["after_intent", "after_mailbox_call"])
def test_sigkill_around_a_send_sends_exactly_once(
    tmp_path: Path, fake: FakeGmail, point: str
) -> None:
    ws = gmail_workspace(tmp_path, fake, mode="send")
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    killed = ws.run("run", "--once", check=False, FOLLOWUP_MAILER_FAULTPOINT=point)
    assert killed.returncode == -signal.SIGKILL
    ws.run("run", "--once")
    ws.run("run", "--once")
    assert len(with_key(fake, DANA_KEY, "SENT")) == 1
    assert ws.step(DANA_KEY)["state"] == "sent"


def test_429_storms_create_every_step_exactly_once(tmp_path: Path, fake: FakeGmail) -> None:
    ws = gmail_workspace(tmp_path, fake)
    people = [DANA, LEE, KIM]
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=people, format="panel"))
    for method in ("getProfile", "messages.list", "history.list"):
        fake.fail(method, 429, retry_after=0, times=3)
    fake.fail("drafts.create", 429, retry_after=0, times=10)  # more than one call will wait out

    runs = [ws.run("run", "--once", check=False) for _ in range(3)]

    assert all("Traceback" not in run.stderr for run in runs)
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert "not created yet" in runs[0].stdout
    for _, email in people:
        key = f"acme/thank_you/{email}"
        assert len(with_key(fake, key, "DRAFT")) == 1
        assert ws.step(key)["state"] == "awaiting-approval"
    assert [r.status for r in fake.requests("drafts.create")].count(200) == 3


def test_a_revoked_sign_in_stops_run_once_with_the_way_out(ws: Workspace, fake: FakeGmail) -> None:
    fake.revoke_token()
    refused = ws.run("run", "--once", check=False)
    assert refused.returncode == 1 and "followup-mailer auth login" in refused.stderr
    assert "Traceback" not in refused.stderr and fake.drafts() == []

    token_store(kind="file", account=ALEX, state_dir=ws.root / "state").save(
        fake.authorized_user_info(fake.grant_refresh_token())
    )
    ws.run("run", "--once")
    assert len(fake.drafts()) == 1


def test_the_daemon_sees_the_approval_and_the_reply_then_stops_on_sigterm(
    tmp_path: Path, fake: FakeGmail
) -> None:
    ws = gmail_workspace(tmp_path, fake, poll_interval="1s")
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    daemon = start(ws, "run")
    try:
        wait_for(lambda: len(fake.drafts()) == 1)
        sent_id = fake.user_sends_draft(fake.drafts()[0].id)
        wait_for(lambda: ws.step(DANA_KEY)["state"] == "sent")
        fake.deliver_reply(sent_id, sender="Dana Smith <dana@acme.com>")
        wait_for(lambda: ws.step(DANA_KEY)["state"] == "replied")
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=20)
    assert daemon.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert fake.refresh_token not in stderr and "ya29." not in stderr  # no secret in the log
    assert len(fake.requests("drafts.create")) == 1


def test_a_refreshed_token_is_kept_so_the_next_run_signs_in_free(
    ws: Workspace, fake: FakeGmail
) -> None:
    first = ws.run("-vvv", "run", "--once")
    stored = token_store(kind="file", account=ALEX, state_dir=ws.root / "state").load()
    assert stored is not None and len(fake.requests("oauth.token")) == 1

    second = ws.run("-vvv", "run", "--once")

    assert len(fake.requests("oauth.token")) == 1  # within the hour: no token request at all
    assert stored["token"].startswith("ya29.") and stored["expiry"]
    for run in (first, second):
        assert stored["token"] not in run.stderr and fake.refresh_token not in run.stderr
        assert "ya29." not in run.stderr and "Traceback" not in run.stderr
    assert "DEBUG" in first.stderr  # -vvv did speak, secrets blanked out
