"""apply: intent, mailbox call, outcome; crashes settled by looking, never by calling again.

In process, against a real maildir and a real ledger, with an explicit now.
"""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest

from followup_mailer import apply
from followup_mailer.cli.context import writer_for
from followup_mailer.mailbox.protocol import MailboxError, OutcomeUnknown, Rejected, Unconfigured
from followup_mailer.model import Phase, State
from followup_mailer.prepare import prepare
from followup_mailer.reconcile import current_plan
from followup_mailer.store import Store
from tests import mailtools
from tests.core import Rig, all_keys, interview_text

KEY = "acme/thank_you/dana@acme.com"
NUDGE = "acme/followup-1/dana@acme.com"


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    return Rig(tmp_path)


def sendmail_script(folder: Path, body: str) -> str:
    """Write a sendmail stand-in (a real program) that appends what it is given to outbox."""
    script = folder / "sendmail"
    script.write_text(f'#!/bin/sh\ncat >> "{folder}/outbox"\n{body}\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def sent_out(folder: Path) -> int:
    outbox = folder / "outbox"
    return outbox.read_text().count(f"X-Followup-Mailer-Key: {KEY}") if outbox.exists() else 0


def test_a_due_step_becomes_one_draft_and_a_second_pass_changes_nothing(rig: Rig) -> None:
    report = rig.run()
    assert report.created == {KEY: "drafted"}
    assert rig.copies(KEY) == {"Drafts": 1, "Sent": 0, "INBOX": 0}
    again = rig.run()
    assert again.created == {}
    assert rig.copies(KEY)["Drafts"] == 1


def test_a_crash_after_the_call_is_settled_by_finding_the_draft(rig: Rig) -> None:
    rig.crash("create_draft")
    assert rig.records()[KEY].phase is Phase.INTENT
    report = rig.run()
    assert report.settled == {KEY: "found draft"}
    assert report.created == {}
    assert rig.copies(KEY)["Drafts"] == 1
    assert rig.state_of(KEY) == "awaiting-approval"


def test_a_crash_before_the_call_is_settled_by_creating_it_once(rig: Rig) -> None:
    rig.crash("create_draft", before=True)
    report = rig.run()
    assert report.settled == {KEY: "not created: will create"}
    assert report.created == {KEY: "drafted"}
    assert rig.copies(KEY)["Drafts"] == 1


def test_a_crash_after_a_send_is_settled_by_finding_it_in_sent(tmp_path: Path) -> None:
    rig = Rig(
        tmp_path,
        overrides={"delivery": {"mode": "send", "sendmail": sendmail_script(tmp_path, "")}},
    )
    rig.crash("send")
    report = rig.run()
    assert report.settled == {KEY: "found sent"}
    assert sent_out(tmp_path) == 1
    assert rig.copies(KEY) == {"Drafts": 0, "Sent": 1, "INBOX": 0}
    assert rig.state_of(KEY) == "sent"


def test_a_send_whose_outcome_is_unknown_is_never_sent_again(tmp_path: Path) -> None:
    sendmail = sendmail_script(tmp_path, "kill -9 $$")  # dies after reading the message
    rig = Rig(tmp_path, overrides={"delivery": {"mode": "send", "sendmail": sendmail}})
    assert rig.run().created == {KEY: "in doubt"}
    for _ in range(3):
        rig.later(hours=1)
        rig.run()
    assert sent_out(tmp_path) == 1
    assert rig.state_of(KEY) == "in-doubt"


def test_a_bad_thread_fails_that_interview_alone_before_any_intent(rig: Rig) -> None:
    bad = 'thread = "abc\\r\\nBcc: evil@example.com"'
    lee = (("Lee Park", "lee@initech.com"),)
    rig.schedule = interview_text(extra=bad) + interview_text("initech", people=lee)
    report = rig.run()
    assert report.created["initech/thank_you/lee@initech.com"] == "drafted"
    assert report.created[KEY].startswith("failed")
    with Store.open(rig.state) as store:
        record = store.records()[KEY]
    assert record.phase is None and record.state is State.FAILED  # no intent was written
    assert "thread" in record.reason


@pytest.mark.parametrize(
    ("error", "phase", "summary"),
    [
        (OutcomeUnknown("the connection dropped"), Phase.IN_DOUBT, "in doubt"),
        (Rejected("bad address"), Phase.FAILED, "failed: bad address"),
        (MailboxError("the folder is full"), None, "not created yet: the folder is full"),
        (Unconfigured("no sendmail here"), None, "failed: no sendmail here"),
        (ValueError("a bug"), Phase.IN_DOUBT, "in doubt"),
    ],
)
def test_what_the_call_raised_decides_what_is_recorded(
    rig: Rig, error: Exception, phase: Phase | None, summary: str
) -> None:
    class Failing:
        def __init__(self) -> None:
            self.inner = rig.mailbox()

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        def create_draft(self, *args: object, **kwargs: object) -> object:
            raise error

    report = rig.run(Failing())  # type: ignore[arg-type]
    assert report.created[KEY] == summary
    assert rig.records()[KEY].phase is phase
    assert rig.copies(KEY)["Drafts"] == 0


def test_settle_leaves_a_look_that_fails_in_doubt(rig: Rig) -> None:
    rig.crash("create_draft")

    class Blind:
        def __init__(self) -> None:
            self.inner = rig.mailbox()

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        def find(self, key: str, *, since: str) -> object:
            raise OutcomeUnknown("cannot look now")

    with Store.open(rig.state) as store:
        record = store.records()[KEY]
        assert apply.settle(store, record, Blind()) == "in doubt"  # type: ignore[arg-type]
        assert store.records()[KEY].phase is Phase.IN_DOUBT
    assert rig.copies(KEY)["Drafts"] == 1


def test_a_panel_note_too_like_another_is_drafted_in_send_mode(tmp_path: Path) -> None:
    panel = interview_text(people=(("Dana Smith", "dana@acme.com"), ("Lee Park", "lee@acme.com")))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "thank_you.txt.j2").write_text(
        "Dear {{ recipient.first_name }},\n\nThank you for the interview about"
        " {{ interview.role }} and {{ interview.highlights[0] }}. I am very interested.\n\n"
        "Best regards,\n{{ signature.text }}\n"
    )
    rig = Rig(
        tmp_path,
        schedule=panel,
        overrides={
            "delivery": {"mode": "send", "sendmail": sendmail_script(tmp_path, "")},
            "templates": {"dir": str(templates)},
            "lint": {"thank_you_words": 500},
        },
    )
    report = rig.run()
    assert sorted(report.created.values()) == ["drafted", "sent"]
    drafted = next(key for key, what in report.created.items() if what == "drafted")
    with Store.open(rig.state) as store:
        assert "too close to another note" in store.records()[drafted].reason


def test_a_late_step_is_drafted_with_the_reason(tmp_path: Path) -> None:
    rig = Rig(tmp_path, overrides={"delivery": {"mode": "send", "sendmail": "/bin/true"}})
    rig.now += timedelta(days=2)
    assert rig.run().created == {KEY: "drafted"}
    with Store.open(rig.state) as store:
        assert "drafted instead of sent: 49.0h late" in store.records()[KEY].reason
    assert mailtools.find_by_key(rig.maildir, "Drafts", KEY) is not None


class Refusing:
    """The real mailbox, but one kind of call fails as a mailbox can (a folder gone, a 5xx)."""

    def __init__(self, rig: Rig, call: str) -> None:
        self.inner, self.call = rig.mailbox(), call

    def __getattr__(self, name: str) -> object:
        if name == self.call:
            raise MailboxError(f"{name} is not possible now")
        return getattr(self.inner, name)


def test_a_mailbox_that_cannot_say_where_it_is_creates_nothing_and_is_tried_again(
    rig: Rig,
) -> None:
    report = rig.run(Refusing(rig, "cursor"))  # type: ignore[arg-type]  # a partial stand-in
    assert report.created[KEY] == "not created yet: cursor is not possible now"
    assert rig.records()[KEY].phase is None and rig.copies(KEY)["Drafts"] == 0
    assert rig.run().created == {KEY: "drafted"}


def test_a_nudge_whose_thread_cannot_be_read_waits_for_the_next_pass(rig: Rig) -> None:
    rig.run()
    mailtools.approve_draft(rig.maildir, KEY, sent_at=rig.now)
    rig.later(days=8)
    report = rig.run(Refusing(rig, "thread_tail"))  # type: ignore[arg-type]  # a partial stand-in
    assert report.created[NUDGE] == "not created yet: thread_tail is not possible now"
    assert rig.records()[NUDGE].state is State.PLANNED
    assert rig.run().created == {NUDGE: "drafted"}


def test_the_reminder_note_is_delivered_once_however_many_passes(tmp_path: Path) -> None:
    rig = Rig(tmp_path, overrides={"reminders": {"email": True}})
    rig.run()
    rig.later(minutes=1)
    rig.run()
    notes = [k for folder, k in all_keys(rig.maildir) if folder == "INBOX"]
    assert len(notes) == 1 and notes[0].startswith("reminders/")
    assert rig.records()[notes[0]].phase is Phase.SENT


def test_a_step_whose_intent_is_recorded_is_never_created_a_second_time(rig: Rig) -> None:
    interviews = rig.interviews()
    with Store.open(rig.state) as store:
        planned = current_plan(
            settings=rig.settings, interviews=interviews, store=store, now=rig.now
        )
        (prepared,) = prepare(
            [step for step in planned if step.action is not None],
            interviews={i.id: i for i in interviews},
            writer=writer_for(rig.settings),
            records=store.records(),
            mailbox=rig.mailbox(),
            now=rig.now,
        )
        first = apply.create(prepared, store=store, mailbox=rig.mailbox(), now=rig.now)
        again = apply.create(prepared, store=store, mailbox=rig.mailbox(), now=rig.now)
    assert (first.summary, again.summary) == ("drafted", "already created")
    assert rig.copies(KEY)["Drafts"] == 1


def test_a_reminder_note_already_announced_is_not_delivered_again(tmp_path: Path) -> None:
    rig = Rig(tmp_path, overrides={"reminders": {"email": True}})
    rig.run()
    (note_key,) = [k for folder, k in all_keys(rig.maildir) if folder == "INBOX"]
    path = mailtools.find_by_key(rig.maildir, "INBOX", note_key)
    assert path is not None
    note = mailtools.read(path)
    with Store.open(rig.state) as store:
        again = apply.note_to_self(
            note, store=store, mailbox=rig.mailbox(), own="alex@example.com", now=rig.now
        )
    assert again.summary == "already created"
    assert [k for folder, k in all_keys(rig.maildir) if folder == "INBOX"] == [note_key]
