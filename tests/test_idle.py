"""`run --once` skips a pass only while nothing it was made from changed (idle.py).

A real `run --once` leaves the idle stamp; each test then changes one thing a pass
depends on (the mail, the schedule, the config, the ledger, the clock) and checks that
the next `run --once` makes a full pass, and that an unchanged one writes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_mailer import idle
from followup_mailer.cli import output
from followup_mailer.cli.main import main
from followup_mailer.intake.config import load_settings
from followup_mailer.mailbox.maildir_outbox import Outbox
from followup_mailer.model import KEY_HEADER, Outcome, Phase, Record
from followup_mailer.settings import Settings
from followup_mailer.store import Store
from tests import mailtools
from tests.conftest import config_text
from tests.core import file_stamps, interview_text

NOW = datetime.now(UTC).replace(microsecond=0)
IDLE = "nothing to do right now; `followup-mailer plan` shows what comes next\n"


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """One interview two days ago: its thank-you drafted and sent; the first nudge planned."""
    output.stdout.cache_clear()
    config = config_text({"delivery": {"send_window": "always"}, "reminders": {"desktop": False}})
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    write_schedule(tmp_path, NOW - timedelta(days=2))
    assert "drafted" in once(tmp_path)
    maildir = settings(tmp_path).delivery.maildir
    mailtools.approve_draft(maildir, "acme/thank_you/dana@acme.com", sent_at=NOW)
    assert "approved" in once(tmp_path)
    time_passes(maildir)
    assert once(tmp_path) == IDLE  # a full pass with nothing to do: it leaves the stamp
    yield tmp_path


def time_passes(maildir: Path) -> None:
    """Age the folders' stamps: one changed in the last two seconds could change unseen."""
    for folder in maildir.glob("*/*"):
        os.utime(folder, (folder.stat().st_atime, folder.stat().st_mtime - 10))


def write_schedule(home: Path, end: datetime, extra: str = "") -> None:
    text = interview_text(end=end, extra=extra)
    (home / "interviews.toml").write_text(text, encoding="utf-8")


def settings(home: Path) -> Settings:
    return load_settings(home / "config.toml")


def once(home: Path) -> str:
    result = CliRunner().invoke(main, ["--config", str(home / "config.toml"), "run", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def skips(home: Path, now: datetime | None = None) -> bool:
    with Store.open(settings(home).state_dir) as store:
        return idle.nothing_to_do(settings(home), store, now or datetime.now(UTC))


def test_an_unchanged_run_once_skips_the_pass_and_writes_nothing(home: Path) -> None:
    assert skips(home)
    before = file_stamps(home)
    assert once(home) == IDLE
    assert file_stamps(home) == before  # not even the pass lock


def test_new_mail_makes_a_full_pass(home: Path) -> None:
    maildir = settings(home).delivery.maildir
    mailtools.deliver_reply(
        maildir, frm="dana@acme.com", to="alex@example.com", subject="Re: Thanks", date=NOW
    )
    assert not skips(home)


def test_a_message_a_mail_client_renames_makes_a_full_pass(home: Path) -> None:
    maildir = settings(home).delivery.maildir
    [sent] = mailtools.files(maildir, "Sent")
    mailtools.set_flags(sent, "RS")
    assert not skips(home)


def test_an_edited_schedule_or_config_makes_a_full_pass(home: Path) -> None:
    with (home / "interviews.toml").open("a", encoding="utf-8") as schedule:
        schedule.write("# moved to Thursday\n")
    assert not skips(home)
    assert once(home) == IDLE
    assert skips(home)
    with (home / "config.toml").open("a", encoding="utf-8") as config:
        config.write("\n[cadence]\nmax_followups = 1\n")
    assert not skips(home)


def test_a_change_of_the_ledger_by_another_command_makes_a_full_pass(home: Path) -> None:
    with Store.open(settings(home).state_dir) as store:
        store.set_outcome("acme", Outcome.REJECTED, NOW)
    assert not skips(home)


def test_the_stamp_holds_until_the_next_step_falls_due_and_never_for_a_clock_set_back(
    home: Path,
) -> None:
    with Store.open(settings(home).state_dir) as store:
        since = datetime.fromisoformat(json.loads(store.get(idle.STAMP))["since"])
        views = store.snapshot({"acme"}).states
    due = datetime.fromisoformat(str(views["acme/followup-1/dana@acme.com"][1]))
    assert due > since + idle.HORIZON  # a nudge days away
    assert skips(home, since) and skips(home, since + idle.HORIZON - timedelta(seconds=1))
    assert not skips(home, since + idle.HORIZON)  # a full pass at least hourly
    assert not skips(home, since - timedelta(seconds=1))  # a clock set back


def test_the_stamp_ends_when_a_step_falls_due(home: Path) -> None:
    soon = NOW + timedelta(minutes=20)  # the thank-you of a new interview falls due then
    with (home / "interviews.toml").open("a", encoding="utf-8") as schedule:
        schedule.write(interview_text("globex", end=soon - timedelta(hours=2)))
    assert once(home) == IDLE
    assert skips(home, soon - timedelta(seconds=1))
    assert not skips(home, soon)


def test_a_pass_that_creates_something_leaves_no_stamp(home: Path) -> None:
    with (home / "interviews.toml").open("a", encoding="utf-8") as schedule:
        schedule.write(interview_text("globex", end=NOW - timedelta(hours=3)))
    assert "drafted" in once(home)
    assert not skips(home)
    time_passes(settings(home).delivery.maildir)
    assert once(home) == IDLE  # nothing more to do: a full pass, which stamps again
    assert skips(home)


def test_gmail_has_no_stamp(tmp_path: Path) -> None:
    gmail = config_text({"delivery": {"backend": "gmail"}})
    (tmp_path / "config.toml").write_text(gmail, encoding="utf-8")
    assert idle.mail_stamp(settings(tmp_path)) is None


def test_a_stamp_that_cannot_be_read_makes_a_full_pass(home: Path) -> None:
    with Store.open(settings(home).state_dir) as store:
        store.put(idle.STAMP, '{"since": "yesterday"}')
    assert not skips(home)
    assert once(home) == IDLE


def test_a_send_left_in_doubt_leaves_no_stamp(home: Path) -> None:
    """A send whose outcome is unknown (its copy still in the outbox) is looked for again at
    every pass until the user settles it, so no pass may be skipped meanwhile."""
    key = "acme/followup-1/dana@acme.com"
    state = settings(home).state_dir
    Outbox(state / "outbox").keep(f"{KEY_HEADER}: {key}\nSubject: x\n\nhello\n".encode())
    with Store.open(state) as store:
        intent = Record(key=key, interview="acme", step="followup-1", recipient="dana@acme.com",
                        intent_at=NOW, mode="send")  # fmt: skip
        assert store.record_intent(intent)
        store.record_phase(key, Phase.IN_DOUBT, "outcome unknown")
    once(home)
    with Store.open(state) as store:
        assert store.records()[key].phase is Phase.IN_DOUBT
    assert not skips(home)
