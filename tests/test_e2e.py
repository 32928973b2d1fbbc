"""The real `followup-mailer` command, as a subprocess, on a real maildir."""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import mailtools
from tests.e2e import Workspace, ended_recently, interview_toml

pytestmark = pytest.mark.slow  # the real command and daemon, as subprocesses

DANA = ("Dana Smith", "dana@acme.com")
PRIYA = ("Priya Natarajan", "priya@globex.com")
MARCO = ("Marco Rossi", "marco@globex.com")
DANA_KEY = "acme/thank_you/dana@acme.com"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """One one-on-one interview that ended ended_recently, on a maildir, draft mode."""
    workspace = Workspace(tmp_path)
    workspace.write_config()
    workspace.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    return workspace


def approve(ws: Workspace, key: str = DANA_KEY, ago: timedelta = timedelta(0)) -> datetime:
    sent_at = (datetime.now(UTC) - ago).replace(microsecond=0)
    mailtools.approve_draft(ws.maildir, key, sent_at=sent_at)
    return sent_at


def test_run_once_creates_each_draft_once(ws: Workspace) -> None:
    first = ws.run("run", "--once")
    assert f"drafted   {DANA_KEY}" in first.stdout
    assert len(ws.drafts()) == 1
    draft = mailtools.read(ws.drafts()[0])
    assert (draft["To"], draft["X-Followup-Mailer-Key"]) == ("Dana Smith <dana@acme.com>", DANA_KEY)
    ws.run("run", "--once")
    assert len(ws.drafts()) == 1  # nothing twice
    assert ws.step(DANA_KEY)["state"] == "awaiting-approval"
    assert ws.step("acme/followup-1/dana@acme.com")["state"] == "planned"


def test_approval_is_detected_and_times_the_first_nudge(ws: Workspace) -> None:
    ws.run("run", "--once")
    sent_at = approve(ws)
    ws.run("run", "--once")
    step = ws.step(DANA_KEY)
    assert (step["state"], datetime.fromisoformat(step["sent_at"])) == ("sent", sent_at)
    nudge = ws.step("acme/followup-1/dana@acme.com")
    assert nudge["state"] == "planned"
    assert datetime.fromisoformat(nudge["due"]) >= sent_at + timedelta(days=5)


def test_a_declined_draft_is_never_recreated(ws: Workspace) -> None:
    ws.run("run", "--once")
    mailtools.decline_draft(ws.maildir, DANA_KEY)
    ws.run("run", "--once")
    ws.run("run", "--once")
    assert ws.drafts() == []
    assert ws.step(DANA_KEY)["state"] == "skipped"
    assert ws.step("acme/followup-1/dana@acme.com")["state"] == "cancelled"


def test_a_reply_stops_the_nudges(ws: Workspace) -> None:
    ws.run("run", "--once")
    approve(ws, ago=timedelta(hours=2))
    sent = mailtools.read(ws.sent()[0])
    mailtools.deliver_reply(
        ws.maildir,
        frm="Dana Smith <dana@acme.com>",
        to="alex@example.com",
        subject="Re: " + str(sent["Subject"]),
        date=datetime.now(UTC),
        in_reply_to=str(sent["Message-ID"]),
        references=str(sent["Message-ID"]),
    )
    ws.run("run", "--once")
    assert ws.step(DANA_KEY)["state"] == "replied"
    nudge = ws.step("acme/followup-1/dana@acme.com")
    assert (nudge["state"], nudge["reason"]) == ("cancelled", "replied")


def test_an_auto_reply_does_not_stop_the_nudges(ws: Workspace) -> None:
    ws.run("run", "--once")
    approve(ws, ago=timedelta(hours=2))
    sent = mailtools.read(ws.sent()[0])
    mailtools.deliver_auto_reply(
        ws.maildir,
        frm="Dana Smith <dana@acme.com>",
        to="alex@example.com",
        subject=str(sent["Subject"]),
        date=datetime.now(UTC),
        in_reply_to=str(sent["Message-ID"]),
    )
    ws.run("run", "--once")
    assert ws.step(DANA_KEY)["state"] == "sent"
    assert ws.step("acme/followup-1/dana@acme.com")["state"] == "planned"


def test_a_bounce_marks_the_recipient_bounced(ws: Workspace) -> None:
    ws.run("run", "--once")
    approve(ws, ago=timedelta(hours=2))
    sent = mailtools.read(ws.sent()[0])
    mailtools.deliver_bounce(
        ws.maildir,
        failed_recipient="dana@acme.com",
        original_message_id=str(sent["Message-ID"]),
        original_subject=str(sent["Subject"]),
        date=datetime.now(UTC),
    )
    ws.run("run", "--once")
    assert ws.step(DANA_KEY)["state"] == "bounced"
    assert ws.step("acme/followup-1/dana@acme.com")["reason"] == "bounced"
    assert "bounced" in ws.run("status").stdout


def test_the_nudge_is_a_reply_in_the_thank_you_thread(ws: Workspace) -> None:
    ws.write_config(cadence={"followup_after": "1s"})
    ws.run("run", "--once")
    approve(ws, ago=timedelta(minutes=5))
    ws.run("run", "--once")
    [thanks] = ws.sent()
    [nudge_file] = ws.drafts()
    nudge, original = mailtools.read(nudge_file), mailtools.read(thanks)
    assert nudge["X-Followup-Mailer-Key"] == "acme/followup-1/dana@acme.com"
    assert nudge["In-Reply-To"] == original["Message-ID"]
    assert nudge["Subject"] == "Re: " + original["Subject"]


@pytest.mark.parametrize("point", ["after_intent", "before_maildir_delivery", "after_mailbox_call"])
def test_sigkill_between_intent_and_outcome_leaves_exactly_one_draft(
    ws: Workspace, point: str
) -> None:
    killed = ws.run("run", "--once", check=False, FOLLOWUP_MAILER_FAULTPOINT=point)
    assert killed.returncode == -signal.SIGKILL
    assert ws.step(DANA_KEY)["state"] == "in-doubt"
    ws.run("run", "--once")
    ws.run("run", "--once")
    assert len(ws.drafts()) == 1
    assert ws.step(DANA_KEY)["state"] == "awaiting-approval"
    assert list((ws.maildir / "Drafts" / "tmp").iterdir()) == []  # nothing left half-made


def test_a_draft_taken_away_while_its_outcome_is_in_doubt_is_not_made_again(
    ws: Workspace,
) -> None:
    killed = ws.run("run", "--once", check=False, FOLLOWUP_MAILER_FAULTPOINT="after_mailbox_call")
    assert killed.returncode == -signal.SIGKILL
    [draft] = ws.drafts()
    draft.rename(ws.root / "being-edited")  # a mail client took it out of Drafts to edit it
    ws.run("run", "--once")
    ws.run("run", "--once")
    assert ws.drafts() == []  # it was made once: the user has it
    assert ws.step(DANA_KEY)["state"] != "in-doubt"


def test_a_broken_schedule_gives_a_clear_error_and_loses_nothing(ws: Workspace) -> None:
    ws.run("run", "--once")
    ws.write_schedule(ws.schedule.read_text() + "\n[[interview]]\nid = 'x'\nstart = oops\n")
    checked = ws.run("check", check=False)
    assert checked.returncode == 1
    assert f"{ws.schedule}:" in checked.stderr and "Traceback" not in checked.stderr
    status = ws.run("status", "--json")
    assert "warning" in status.stderr
    assert [s["state"] for s in ws.status() if s["step"] == "thank_you"] == ["awaiting-approval"]
    assert ws.run("run", "--once", check=False).returncode == 1
    assert len(ws.drafts()) == 1


def test_an_unsafe_header_fails_that_interview_only(ws: Workspace) -> None:
    ws.write_schedule(
        interview_toml("acme", end=ended_recently(), people=[DANA])
        + interview_toml(
            "evil", end=ended_recently(), people=[("Eve\\r\\nBcc: x@evil.com", "e@x.com")]
        )
    )
    checked = ws.run("check", check=False)
    assert checked.returncode == 1 and "evil" in checked.stderr
    ws.run("run", "--once")
    assert [mailtools.read(p)["To"] for p in ws.drafts()] == ["Dana Smith <dana@acme.com>"]
    evil = ws.step("evil/thank_you/e@x.com")
    assert evil["state"] == "failed" and "evil" in evil["reason"]


def test_status_json_has_the_documented_fields(ws: Workspace) -> None:
    ws.run("run", "--once")
    fields = {
        "interview",
        "step",
        "to",
        "state",
        "due",
        "sent_at",
        "thread_id",
        "draft_id",
        "message_id",
        "reason",
    }
    assert all(fields <= set(row) for row in ws.status())


def test_outcome_cancels_nudges_and_plans_the_rejection_note(ws: Workspace) -> None:
    ws.run("run", "--once")
    approve(ws, ago=timedelta(hours=1))
    ws.run("run", "--once")
    said = ws.run("outcome", "acme", "rejected")
    assert "rejection" in said.stdout
    ws.run("run", "--once")
    assert ws.step("acme/followup-1/dana@acme.com")["state"] == "cancelled"
    assert ws.step("acme/rejection/dana@acme.com")["state"] == "awaiting-approval"


def test_usage_errors_exit_2_and_unknown_interview_exits_1(ws: Workspace) -> None:
    assert ws.run("outcome", "acme", "maybe", check=False).returncode == 2
    missing = ws.run("outcome", "nope", "offer", check=False)
    assert missing.returncode == 1 and "nope" in missing.stderr


def test_send_mode_hands_each_message_to_sendmail_once(ws: Workspace) -> None:
    outbox = ws.root / "outbox.txt"
    script = ws.root / "sendmail"
    script.write_text(f"#!/bin/sh\ncat >> {outbox}\necho '.' >> {outbox}\n")
    script.chmod(0o755)
    ws.write_config(delivery={"mode": "send", "sendmail": str(script), "max_lateness": "2d"})
    assert "sent      acme/thank_you/dana@acme.com" in ws.run("run", "--once").stdout
    ws.run("run", "--once")
    assert outbox.read_text().count("X-Followup-Mailer-Key: acme/thank_you/dana@acme.com") == 1
    assert len(ws.sent()) == 1 and ws.drafts() == []
    assert ws.step(DANA_KEY)["state"] == "sent"


def test_send_mode_drafts_a_message_that_is_too_late(ws: Workspace) -> None:
    ws.write_config(delivery={"mode": "send", "sendmail": "/bin/false", "max_lateness": "10m"})
    ws.write_schedule(
        interview_toml("acme", end=ended_recently() - timedelta(hours=3), people=[DANA])
    )
    ws.run("run", "--once")
    assert len(ws.drafts()) == 1 and ws.sent() == []
    assert "late" in ws.step(DANA_KEY)["reason"]


def test_init_writes_a_working_config_and_never_overwrites(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "new")
    made = ws.run("init", "--dir", str(ws.root))
    assert f"wrote {ws.config}" in made.stdout and ws.schedule.exists()
    assert "interview(s)" in ws.run("check").stdout
    again = ws.run("init", "--dir", str(ws.root), check=False)
    assert again.returncode == 1 and "refusing to overwrite" in again.stderr


def test_check_reports_a_broken_user_template_with_its_line(ws: Workspace) -> None:
    templates = ws.root / "templates"
    templates.mkdir()
    (templates / "rejection.txt.j2").write_text("Hi {{ recipient.first_name }},\n{% if %}\n")
    ws.write_config(templates={"dir": "templates"})
    checked = ws.run("check", check=False)
    assert checked.returncode == 1
    assert f"{templates / 'rejection.txt.j2'}:2" in checked.stderr


def test_preview_prints_headers_then_body_then_the_lint(ws: Workspace) -> None:
    shown = ws.run("preview", "acme").stdout.splitlines()
    assert shown[:3] == [
        "From: Alex Rivera <alex@example.com>",
        "To: Dana Smith <dana@acme.com>",
        "Subject: Thank you – Senior Backend Engineer interview at Acme Corp",
    ]
    assert shown[3] == "" and "Dana" in shown[4]
    assert shown[-2:] == ["-- lint (thank_you to dana@acme.com) --", "all clear"]
    assert ws.drafts() == []  # a preview creates nothing


def test_preview_of_a_nudge_replies_to_the_message_sent(ws: Workspace) -> None:
    ws.run("run", "--once")
    approve(ws, ago=timedelta(hours=1))
    ws.run("run", "--once")
    sent = mailtools.read(ws.sent()[0])
    shown = ws.run("preview", "acme", "--step", "followup-1").stdout
    assert f"In-Reply-To: {sent['Message-ID']}" in shown
    assert f"Subject: Re: {sent['Subject']}" in shown


def test_preview_of_an_unknown_interview_names_the_known_ones(ws: Workspace) -> None:
    missing = ws.run("preview", "nope", check=False)
    assert missing.returncode == 1 and "acme" in missing.stderr


def test_check_refuses_a_sendmail_that_cannot_run_and_a_fix_retries_the_step(
    ws: Workspace,
) -> None:
    ws.write_config(delivery={"mode": "send", "sendmail": "/no/such/sendmail -t -i"})
    ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
    checked = ws.run("check", check=False)
    assert checked.returncode == 1
    assert "delivery.sendmail" in checked.stderr and "/no/such/sendmail" in checked.stderr
    ws.run("run", "--once")
    step = ws.step(DANA_KEY)
    assert step["state"] == "failed" and "fix [delivery] sendmail" in step["reason"]
    outbox = ws.root / "outbox"
    script = ws.root / "sendmail"
    script.write_text(f'#!/bin/sh\ncat >> "{outbox}"\n')
    script.chmod(0o755)
    ws.write_config(delivery={"mode": "send", "sendmail": f"{script} -t -i"})
    assert ws.run("check").returncode == 0
    ws.run("run", "--once")
    assert ws.step(DANA_KEY)["state"] == "sent"
    assert outbox.read_text().count(f"X-Followup-Mailer-Key: {DANA_KEY}") == 1
