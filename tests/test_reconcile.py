"""A pass end to end, in process: what the user does in a mail client, what arrives, what is made.

Real maildir folders, a real ledger, an explicit now; the last test is a
Hypothesis state machine over everything a user and the world can do between
passes, checking the exactly-once invariants after every step.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from followup_mailer.cli.context import writer_for
from followup_mailer.daemon.passes import Passes
from followup_mailer.history import Index
from followup_mailer.mailbox.protocol import Mailbox
from followup_mailer.model import Outcome, State
from followup_mailer.plan import plan
from followup_mailer.plan_memory import made_from
from followup_mailer.reconcile import PassReport, current_plan, facts_of
from followup_mailer.store import DB_NAME, GENERATION, Store
from followup_mailer.store.rows import iso
from tests import mailtools
from tests.conftest import examples
from tests.core import END, Crash, Crashing, Rig, all_keys, interview_text

KEY = "acme/thank_you/dana@acme.com"
NUDGE = "acme/followup-1/dana@acme.com"
DANA = "Dana Smith <dana@acme.com>"


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    return Rig(tmp_path)


def states(rig: Rig) -> dict[str, str]:
    return {key: str(r.state) for key, r in rig.records().items()}


def test_an_idle_pass_writes_nothing_to_the_ledger(rig: Rig) -> None:
    rig.run()
    rig.run()
    ledger = rig.state / DB_NAME

    def look() -> tuple[bytes, int, bool]:
        return ledger.read_bytes(), ledger.stat().st_mtime_ns, Path(f"{ledger}-wal").exists()

    before = look()
    rig.later(minutes=1)
    rig.run()
    assert look() == before


def test_an_approved_draft_plans_the_first_nudge_from_its_send_time(rig: Rig) -> None:
    rig.run()
    sent_at = rig.now + timedelta(hours=1)
    mailtools.approve_draft(rig.maildir, KEY, sent_at=sent_at)
    rig.later(hours=2)
    report = rig.run()
    assert report.approved == (KEY,)
    record = rig.records()[KEY]
    assert (record.state, record.sent_at) == (State.SENT, sent_at)
    assert rig.records()[NUDGE].state is State.PLANNED


def test_a_draft_recalled_for_editing_and_sent_later_is_sent_not_declined(rig: Rig) -> None:
    rig.run()
    content = mailtools.recall_draft(rig.maildir, KEY)  # neomutt: the draft leaves Drafts
    for _ in range(3):  # several polls see it gone
        rig.later(minutes=1)
        rig.run()
    sent_at = rig.now
    mailtools.send_recalled(rig.maildir, content, sent_at=sent_at)
    rig.later(minutes=1)
    rig.run()
    record = rig.records()[KEY]
    assert (record.state, record.sent_at) == (State.SENT, sent_at)
    assert rig.records()[NUDGE].state is State.PLANNED  # its nudges resume
    filed = mailtools.find_by_key(rig.maildir, "Sent", KEY)
    assert filed is not None
    mailtools.deliver_reply(
        rig.maildir, frm=DANA, to="alex@example.com", subject="Re: thanks",
        date=rig.now + timedelta(hours=1), in_reply_to=str(mailtools.read(filed)["Message-ID"]),
    )  # fmt: skip
    rig.later(hours=2)
    rig.run()
    assert rig.records()[KEY].state is State.REPLIED
    assert rig.records()[NUDGE].reason == "replied"


def test_a_draft_taken_for_editing_while_its_outcome_is_in_doubt_is_not_made_again(
    rig: Rig,
) -> None:
    rig.crash(at="create_draft")  # the draft is made; the outcome never reaches the ledger
    content = mailtools.recall_draft(rig.maildir, KEY)  # the client takes it to edit it
    rig.later(minutes=1)
    rig.run()  # settles the doubt: the draft was made, and is gone from Drafts
    assert mailtools.find_by_key(rig.maildir, "Drafts", KEY) is None
    mailtools.send_recalled(rig.maildir, content, sent_at=rig.now)
    rig.later(minutes=1)
    rig.run()
    assert rig.records()[KEY].state is State.SENT
    assert [key for _, key in all_keys(rig.maildir)].count(KEY) == 1


def test_a_draft_recalled_then_saved_again_waits_again(rig: Rig) -> None:
    rig.run()
    content = mailtools.recall_draft(rig.maildir, KEY)  # neomutt: recalled for editing
    rig.later(minutes=1)
    rig.run()
    assert rig.records()[KEY].state is State.SKIPPED  # gone, as far as a look can tell
    saved = mailtools.deliver(rig.maildir, content, folder="Drafts")  # postponed again
    rig.later(minutes=1)
    rig.run()
    record = rig.records()[KEY]
    assert (record.state, record.draft_id) == (State.AWAITING_APPROVAL, saved.name.split(":")[0])
    assert rig.records()[NUDGE].reason == "waits until you send the thank_you draft"
    mailtools.approve_draft(rig.maildir, KEY, sent_at=rig.now)
    rig.later(minutes=1)
    rig.run()
    assert rig.records()[KEY].state is State.SENT


def test_a_sent_copy_that_is_filed_before_the_draft_goes_is_an_approval(rig: Rig) -> None:
    rig.run()
    draft = mailtools.find_by_key(rig.maildir, "Drafts", KEY)
    assert draft is not None
    mailtools.send_recalled(rig.maildir, draft.read_bytes(), sent_at=rig.now)  # Sent first
    draft.unlink()  # then the draft goes (mbsync uploads, then deletes)
    rig.later(minutes=1)
    report = rig.run()
    assert report.approved == (KEY,) and report.declined == ()


def test_a_draft_flagged_trashed_counts_as_deleted(rig: Rig) -> None:
    rig.run()
    draft = mailtools.find_by_key(rig.maildir, "Drafts", KEY)
    assert draft is not None
    mailtools.set_flags(draft, "ST")
    rig.later(minutes=1)
    report = rig.run()
    assert report.declined == (KEY,)
    assert rig.records()[KEY].state is State.SKIPPED


def test_flag_renames_neither_approve_nor_decline(rig: Rig) -> None:
    rig.run()
    draft = mailtools.find_by_key(rig.maildir, "Drafts", KEY)
    assert draft is not None
    mailtools.set_flags(draft, "S")
    rig.later(minutes=1)
    report = rig.run()
    assert (report.approved, report.declined) == ((), ())
    assert rig.records()[KEY].state is State.AWAITING_APPROVAL


def test_an_unthreaded_bounce_marks_the_step_bounced(rig: Rig) -> None:
    rig.run()
    mailtools.approve_draft(rig.maildir, KEY, sent_at=rig.now)
    rig.later(minutes=5)
    filed = mailtools.find_by_key(rig.maildir, "Sent", KEY)
    assert filed is not None
    message_id = str(mailtools.read(filed)["Message-ID"])
    mailtools.deliver_bounce(
        rig.maildir, failed_recipient="dana@acme.com", original_message_id=message_id,
        date=rig.now, style="postfix",
    )  # fmt: skip
    rig.later(minutes=1)
    rig.run()
    assert rig.records()[KEY].state is State.BOUNCED
    assert rig.records()[NUDGE].reason == "bounced"


def test_new_messages_count_only_the_companies_mail(rig: Rig) -> None:
    rig.run()
    mailtools.approve_draft(rig.maildir, KEY, sent_at=rig.now)
    mailtools.send_by_hand(
        rig.maildir, frm="alex@example.com", to=DANA, subject="One more thing", date=rig.now
    )
    rig.later(minutes=1)
    assert rig.run().new_messages == 0


# --- the state machine ----------------------------------------------------------------------

PEOPLE = (("Dana Smith", "dana@acme.com"), ("Lee Park", "lee@acme.com"))


class Mailroom(RuleBasedStateMachine):
    """Passes, interleaved with everything a user, a mail client and the world can do."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(self._make_folder())
        self.rig = Rig(self.folder, schedule=interview_text(people=PEOPLE))
        self.replied_at: datetime | None = None
        self.thanked_at: datetime | None = None  # the first thank-you the user sent
        # the nudges announced before the reply: by order of events, not clock (it may go back)
        self.nudged_before_reply: dict[str, datetime] = {}
        self.recalled: dict[str, bytes] = {}
        # the daemon's passes, with the plans and the idle stamp it keeps between them, and
        # its mailbox, with the folders' listings it keeps between them
        self.daemon = Passes(Store.open(self.rig.state), show=lambda title, body: True)
        self.mailbox = self.rig.mailbox()

    @staticmethod
    def _make_folder() -> str:
        import tempfile

        return tempfile.mkdtemp(prefix="mailroom-")

    def teardown(self) -> None:
        import shutil

        self.daemon.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize()
    def first_pass(self) -> None:
        self.rig.run()

    # soon, or a week or more later (when nudges fall due); by the daemon (which keeps its
    # plans between passes) or by `run --once`
    @rule(
        minutes=st.integers(1, 600) | st.integers(60 * 24 * 7, 60 * 24 * 12),
        daemon=st.booleans(),
    )
    def a_pass_later(self, minutes: int, daemon: bool) -> None:
        self.rig.later(minutes=minutes)
        if daemon:
            self._a_daemon_poll()
            self._stored_as_planned_anew()
        else:
            self.rig.run()

    @rule()
    def the_daemon_polls_a_minute_later(self) -> None:
        self.rig.later(minutes=1)
        self._a_daemon_poll()

    def _a_daemon_poll(self) -> None:
        """The daemon skips a poll while its idle stamp holds, and lets go of what it kept
        (Daemon.tick): a pass made then, from nothing kept, must find nothing to do, and
        write nothing."""
        self.rig.minutes_passed_for_the_folders()
        self.rig.settings.schedule.path.write_text(self.rig.schedule, encoding="utf-8")
        held = self.daemon.idle(self.rig.settings, self.rig.now)
        if held:
            self.daemon.rest(self.mailbox)
            assert len(self.daemon.memory) == 0
        generation = self.daemon.store.get(GENERATION)
        report = self._daemon_pass(self.mailbox)
        if held:
            did = (report.settled, report.created, report.approved, report.declined)
            assert did == ({}, {}, (), ()) and report.new_messages == 0
            assert self.daemon.store.get(GENERATION) == generation

    def _daemon_pass(self, mailbox: Mailbox) -> PassReport:
        rig = self.rig
        return self.daemon.run(
            rig.settings, rig.interviews(), mailbox, writer_for(rig.settings), rig.now
        )

    @rule()
    def a_pass_that_crashes_after_the_call(self) -> None:
        self.rig.later(minutes=5)
        with contextlib.suppress(Crash):
            self._daemon_pass(Crashing(self.rig.mailbox(), at="create_draft"))

    def _stored_as_planned_anew(self) -> None:
        """The ledger shows what a plan made without the daemon's memory shows."""
        with Store.open(self.rig.state) as store:
            interviews = self.rig.interviews()
            planned = current_plan(
                settings=self.rig.settings, interviews=interviews, store=store, now=self.rig.now
            )
            stored = store.snapshot({i.id for i in interviews}).states
        for step in planned:
            if step.action is None:
                assert stored[step.key][:3] == (step.state.value, iso(step.due), step.reason)

    @invariant()
    def a_plan_the_daemon_recalls_is_the_plan_made_anew(self) -> None:
        with Store.open(self.rig.state) as store:
            facts = facts_of(store, self.rig.interviews())
        now, settings, index = self.rig.now, self.rig.settings, Index(facts)
        fresh = plan(facts, now, settings)
        for interview in facts.interviews:
            inputs = made_from(interview, facts, index, settings)
            kept = self.daemon.memory.recall(interview.id, inputs, now)
            if kept is not None:
                assert list(kept) == [s for s in fresh if s.interview == interview.id]

    @rule(index=st.integers(0, 20))
    def the_user_sends_a_draft(self, index: int) -> None:
        drafts = sorted(k for f, k in all_keys(self.rig.maildir) if f == "Drafts")
        if drafts:
            key = drafts[index % len(drafts)]
            mailtools.approve_draft(self.rig.maildir, key, sent_at=self.rig.now)
            if "/thank_you/" in key:
                self.thanked_at = min(self.thanked_at or self.rig.now, self.rig.now)

    @rule(index=st.integers(0, 20))
    def the_user_deletes_a_draft(self, index: int) -> None:
        drafts = sorted(k for f, k in all_keys(self.rig.maildir) if f == "Drafts")
        if drafts:
            mailtools.decline_draft(self.rig.maildir, drafts[index % len(drafts)])

    @rule(index=st.integers(0, 20))
    def the_client_recalls_a_draft(self, index: int) -> None:
        drafts = sorted(k for f, k in all_keys(self.rig.maildir) if f == "Drafts")
        if drafts:
            key = drafts[index % len(drafts)]
            self.recalled[key] = mailtools.recall_draft(self.rig.maildir, key)

    @rule()
    def the_client_sends_what_it_recalled(self) -> None:
        for key, content in self.recalled.items():
            mailtools.send_recalled(self.rig.maildir, content, sent_at=self.rig.now)
            if "/thank_you/" in key:
                self.thanked_at = min(self.thanked_at or self.rig.now, self.rig.now)
        self.recalled.clear()

    @rule(sender=st.sampled_from(["dana@acme.com", "lee@acme.com", "hr@acme.com"]))
    def the_company_replies(self, sender: str) -> None:
        mailtools.deliver_reply(
            self.rig.maildir, frm=sender, to="alex@example.com", subject="Re: thanks",
            date=self.rig.now,
        )  # fmt: skip
        first = self.thanked_at
        if self.replied_at is None and first is not None and self.rig.now > first:
            self.replied_at = self.rig.now
            self.nudged_before_reply = self._nudges()

    @rule()
    def an_auto_reply_arrives(self) -> None:
        mailtools.deliver_auto_reply(
            self.rig.maildir, frm=DANA, to="alex@example.com", subject="Out of office",
            date=self.rig.now,
        )  # fmt: skip

    @rule(outcome=st.sampled_from(Outcome))
    def the_user_records_an_outcome(self, outcome: Outcome) -> None:
        with Store.open(self.rig.state) as store:  # as `followup-mailer outcome` does
            store.set_outcome("acme", outcome, self.rig.now)

    @rule(days=st.integers(-2, 40))
    def the_clock_jumps(self, days: int) -> None:
        self.rig.later(days=days)

    @rule(hours=st.integers(-48, 48))
    def the_schedule_is_edited(self, hours: int) -> None:
        self.rig.schedule = interview_text(people=PEOPLE, end=END + timedelta(hours=hours))

    def _nudges(self) -> dict[str, datetime]:
        records = self.rig.records().values()
        return {
            r.key: r.intent_at for r in records if r.step.startswith("followup-") and r.intent_at
        }

    @invariant()
    def at_most_one_message_per_key(self) -> None:
        keys = [key for _, key in all_keys(self.rig.maildir)]
        assert len(keys) == len(set(keys)), sorted(keys)

    @invariant()
    def no_step_before_its_predecessor_was_sent(self) -> None:
        records = self.rig.records()
        for record in records.values():
            if record.step.startswith("followup-") and record.created:
                previous = "thank_you" if record.step == "followup-1" else "followup-1"
                before = records.get(f"acme/{previous}/{record.recipient}")
                assert before is not None and before.sent_at is not None
                assert record.intent_at is not None and before.sent_at <= record.intent_at

    @invariant()
    def nothing_after_a_human_reply(self) -> None:
        if self.replied_at is None:
            return
        # no nudge announced since the reply arrived (one announced before may still settle)
        assert self._nudges().items() <= self.nudged_before_reply.items()


TestMailroom = Mailroom.TestCase
TestMailroom.settings = settings(
    max_examples=examples(25),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
