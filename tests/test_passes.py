"""The daemon's passes (daemon/passes.py): a poll with nothing to do lets go of what the
last pass built, and the pass after it finds what a daemon that kept everything would.

The ledger, the index and the folders are real; the daemon's loop is Daemon.tick's (a
skipped poll rests). The state machine in test_reconcile.py interleaves rests with
everything else; these tests name the promises one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from followup_mailer.cli.context import writer_for
from followup_mailer.daemon.passes import Passes
from followup_mailer.mailbox.maildir import MaildirMailbox
from followup_mailer.model import State
from followup_mailer.reconcile import PassReport
from followup_mailer.store import GENERATION, Store
from tests import mailtools
from tests.core import Rig, file_stamps

KEY = "acme/thank_you/dana@acme.com"
NUDGE = "acme/followup-1/dana@acme.com"


class Daemon:
    """The daemon's side of a rig: one ledger connection, one mailbox, kept between polls."""

    def __init__(self, rig: Rig, store: Store) -> None:
        self.rig, self.passes = rig, Passes(store, show=lambda title, body: True)
        self.mailbox: MaildirMailbox = rig.mailbox()
        rig.settings.schedule.path.write_text(rig.schedule, encoding="utf-8")

    def poll(self, *, minutes: float = 1) -> PassReport | None:
        """A minute later, poll as Daemon.tick does: rest if nothing changed, else a pass."""
        self.rig.later(minutes=minutes)
        self.rig.minutes_passed_for_the_folders()
        if self.passes.idle(self.rig.settings, self.rig.now):
            self.passes.rest(self.mailbox)
            return None
        return self.pass_now()

    def pass_now(self) -> PassReport:
        rig = self.rig
        return self.passes.run(
            rig.settings, rig.interviews(), self.mailbox, writer_for(rig.settings), rig.now
        )


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Daemon]:
    rig = Rig(tmp_path)
    rig.run()  # the thank-you is drafted
    with Store.open(rig.state) as store:
        yield Daemon(rig, store)


def test_a_poll_with_nothing_to_do_lets_go_of_the_plans_once(daemon: Daemon) -> None:
    assert daemon.poll() is not None  # the daemon's first pass: nothing kept yet
    assert len(daemon.passes.memory) == 1
    assert daemon.poll() is None
    assert len(daemon.passes.memory) == 0 and daemon.passes.resting
    assert daemon.poll() is None and daemon.passes.resting


def test_the_pass_after_a_rest_plans_the_same_and_writes_nothing(daemon: Daemon) -> None:
    kept = daemon.poll()
    assert kept is not None and daemon.poll() is None
    generation = daemon.passes.store.get(GENERATION)
    before = file_stamps(daemon.rig.root)
    again = daemon.pass_now()  # what a pass forced after the rest (say, at the hour) finds
    assert again.planned == kept.planned
    assert (again.created, again.approved, again.declined, again.new_messages) == ({}, (), (), 0)
    assert daemon.passes.store.get(GENERATION) == generation
    assert file_stamps(daemon.rig.root) == before
    assert not daemon.passes.resting and len(daemon.passes.memory) == 1


def test_mail_that_arrives_while_resting_is_read_by_the_next_pass(daemon: Daemon) -> None:
    daemon.poll()
    assert daemon.poll() is None  # resting: the folders' listings are gone
    mailtools.approve_draft(daemon.rig.maildir, KEY, sent_at=daemon.rig.now)
    report = daemon.poll(minutes=60 * 24)
    assert report is not None and report.approved == (KEY,)
    assert daemon.poll() is None
    mailtools.deliver_reply(
        daemon.rig.maildir, frm="Dana Smith <dana@acme.com>", to="alex@example.com",
        subject="Re: Thank you", date=daemon.rig.now,
    )  # fmt: skip
    report = daemon.poll()
    assert report is not None and report.new_messages == 1
    assert daemon.rig.records()[NUDGE].state is State.CANCELLED
    assert daemon.rig.copies(KEY) == {"Drafts": 0, "Sent": 1, "INBOX": 0}
