"""Reminders: drafts waiting are announced once, on the desktop or in the log (SPEC section 8)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from followup_mailer.desktop import has_session
from followup_mailer.model import Placed
from tests.e2e import Workspace, ended_recently, interview_toml

DANA = ("Dana Smith", "dana@acme.com")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def session_bus(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real D-Bus session bus with a notification service on it: (address, its log)."""
    if not shutil.which("dbus-daemon"):
        pytest.skip("dbus-daemon is not installed (scripts/test installs it in CI)")
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    log = tmp_path / "notifications.jsonl"
    service = subprocess.Popen(
        [sys.executable, "-m", "tests.notification_service", str(log)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=os.environ | {"DBUS_SESSION_BUS_ADDRESS": address},
    )
    assert service.stdout is not None and service.stdout.readline().strip() == "ready"
    try:
        yield address, log
    finally:
        for process in (service, bus):
            process.terminate()
            process.wait(timeout=10)


def notifications(log: Path) -> list[dict[str, str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.mark.slow
def test_new_drafts_are_announced_once_on_the_desktop(
    tmp_path: Path, session_bus: tuple[str, Path]
) -> None:
    address, log = session_bus
    (tmp_path / "ws").mkdir()
    ws = Workspace(tmp_path / "ws")
    ws.write_config()
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    ws.run("run", "--once", DBUS_SESSION_BUS_ADDRESS=address)
    [shown] = notifications(log)
    assert shown["summary"] == "Drafts waiting for you to send"
    assert shown["body"] == "1 draft to send: Dana Smith (Acme Corp)"
    assert shown["app"] == "followup-mailer"
    ws.run("run", "--once", DBUS_SESSION_BUS_ADDRESS=address)
    assert len(notifications(log)) == 1  # nothing new: nothing said


@pytest.mark.slow
def test_without_a_desktop_the_reminder_is_one_log_line(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    ws.write_config()
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    first = ws.run("-v", "run", "--once", DBUS_SESSION_BUS_ADDRESS="", XDG_RUNTIME_DIR="")
    assert first.stderr.count("1 draft to send: Dana Smith (Acme Corp)") == 1
    again = ws.run("-v", "run", "--once", DBUS_SESSION_BUS_ADDRESS="", XDG_RUNTIME_DIR="")
    assert "draft to send" not in again.stderr


@pytest.mark.slow
def test_a_thank_you_draft_is_reminded_again_near_its_mark(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    ws.write_config(reminders={"before_deadline": "22h"})  # the mark is 24h after the end
    end = ended_recently() - timedelta(minutes=30)  # the draft was due 30 min ago
    ws.write_schedule(interview_toml("acme", end=end, people=[DANA]))
    first = ws.run("-v", "run", "--once", DBUS_SESSION_BUS_ADDRESS="", XDG_RUNTIME_DIR="")
    assert "1 draft to send" in first.stderr  # made in this pass (inside the 22h window too)
    again = ws.run("-v", "run", "--once", DBUS_SESSION_BUS_ADDRESS="", XDG_RUNTIME_DIR="")
    assert "draft to send" not in again.stderr  # its one near-mark reminder was that one


def test_a_session_is_looked_for_on_the_bus() -> None:
    assert not has_session({}) or sys.platform == "darwin"
    assert has_session({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}) == (
        sys.platform.startswith("linux") or sys.platform == "darwin"
    )


def test_the_note_to_self_lists_the_drafts_once_per_pass_with_news(tmp_path: Path) -> None:
    from tests import mailtools
    from tests.core import Rig

    rig = Rig(tmp_path, overrides={"reminders": {"email": True, "desktop": False}})
    rig.run()
    [note] = mailtools.files(rig.maildir, "INBOX")
    message = mailtools.read(note)
    assert (message["From"], message["To"]) == (
        "Alex Rivera <alex@example.com>",
        "Alex Rivera <alex@example.com>",
    )
    assert str(message["X-Followup-Mailer-Key"]).startswith("reminders/")
    assert "Dana Smith" in message.get_content()
    rig.later(minutes=5)
    rig.run()  # nothing new: no second note
    assert len(mailtools.files(rig.maildir, "INBOX")) == 1
    assert rig.run().new_messages == 0  # our own note is no message from the company


def test_a_note_to_self_interrupted_after_delivery_is_not_sent_again(tmp_path: Path) -> None:
    from tests import mailtools
    from tests.core import Crash, Crashing, Rig

    class DiesAfterTheNote(Crashing):
        def note_to_self(self, message: EmailMessage) -> Placed:
            self.inner.note_to_self(message)
            raise Crash("note_to_self")

    rig = Rig(tmp_path, overrides={"reminders": {"email": True, "desktop": False}})
    with pytest.raises(Crash):
        rig.run(DiesAfterTheNote(rig.mailbox(), at="nothing"))
    rig.later(minutes=1)
    report = rig.run()
    assert list(report.settled.values()) == ["found sent"]
    assert len(mailtools.files(rig.maildir, "INBOX")) == 1
