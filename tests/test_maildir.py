"""The maildir backend on real folders, with a real script standing in for sendmail."""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_mailer.mailbox.maildir import MaildirMailbox
from followup_mailer.mailbox.protocol import (
    MailboxError,
    OutcomeUnknown,
    Rejected,
    Unconfigured,
    Watch,
)
from followup_mailer.model import KEY_HEADER, Kind, Placed, Seen
from tests import mailtools
from tests.conftest import examples

EST = timezone(timedelta(hours=-5))
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=EST)
ALEX = "alex@example.com"
DANA = "dana@acme.com"
KEY = "acme-onsite/thank_you/dana@acme.com"


def message(key: str = KEY, *, in_reply_to: str = "", references: str = "") -> EmailMessage:
    """Build a message the way the composer does, carrying its key."""
    built = EmailMessage()
    built["From"] = f"Alex Rivera <{ALEX}>"
    built["To"] = DANA
    built["Subject"] = "Re: Thank you for today" if in_reply_to else "Thank you for today"
    built["Message-ID"] = make_msgid(domain="example.com")
    built[KEY_HEADER] = key
    if in_reply_to:
        built["In-Reply-To"] = in_reply_to
        built["References"] = references or in_reply_to
    built.set_content("Dear Dana,\n\nThank you for your time today.\n\nAlex Rivera\n")
    return built


def watch(drafts: dict[str, str] | None = None, threads: tuple[str, ...] = ()) -> Watch:
    return Watch(
        drafts=drafts or {},
        threads=threads,
        addresses={DANA, "sam@acme.com"},
        domains={"acme.com"},
        own={ALEX},
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def box(root: Path, state: Path) -> MaildirMailbox:
    return MaildirMailbox(root, clock=lambda: NOW, state=state)


def fake_sendmail(tmp_path: Path, body: str) -> list[str]:
    """Write an executable shell script standing in for sendmail; return its command."""
    script = tmp_path / "sendmail"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return [str(script), "-t", "-i"]


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def sender(tmp_path: Path, root: Path, outbox: Path, state: Path) -> MaildirMailbox:
    """A mailbox in send mode whose sendmail appends every message it is given to `outbox`."""
    command = fake_sendmail(tmp_path, f'cat >> "{outbox}"')
    return MaildirMailbox(root, sendmail=command, clock=lambda: NOW, timeout=5, state=state)


def kept(state: Path) -> list[Path]:
    """List the sends whose outcome is not known yet (kept in the state folder)."""
    folder = state / "outbox"
    return sorted(folder.iterdir()) if folder.is_dir() else []


# --- drafts and their approval ---------------------------------------------------------


def test_a_draft_is_a_file_in_drafts_carrying_its_key(box: MaildirMailbox, root: Path) -> None:
    draft = message()
    placed = box.create_draft(draft, thread_id="")
    [path] = mailtools.files(root, "Drafts")
    written = mailtools.read(path)
    assert written[KEY_HEADER] == KEY
    assert placed == Placed(
        thread_id=draft["Message-ID"],
        message_id=draft["Message-ID"],
        draft_id=path.name,
        mailbox_id=f"Drafts/{path.name}",
    )
    assert written["Date"] == format_datetime(NOW)
    assert all(
        (root / folder / sub).is_dir()
        for folder in ("Drafts", "Sent", "INBOX")
        for sub in ("cur", "new", "tmp")
    )


def test_creating_the_same_draft_again_keeps_one(box: MaildirMailbox, root: Path) -> None:
    draft = message()
    first = box.create_draft(draft, thread_id="")
    assert box.create_draft(draft, thread_id="") == first
    assert len(mailtools.files(root, "Drafts")) == 1


def test_a_reply_draft_belongs_to_the_thread_it_answers(box: MaildirMailbox) -> None:
    first = "<first@example.com>"
    nudge = message(in_reply_to="<second@acme.com>", references=f"{first} <second@acme.com>")
    assert box.create_draft(nudge, thread_id=first).thread_id == first


def test_a_draft_sent_from_the_mail_client_is_approved_with_its_send_time(
    box: MaildirMailbox, root: Path
) -> None:
    draft = message()
    placed = box.create_draft(draft, thread_id="")
    sent_at = datetime(2026, 11, 21, 16, 42, tzinfo=EST)
    mailtools.approve_draft(root, KEY, sent_at=sent_at)
    poll = box.poll(watch({KEY: placed.draft_id}))
    approved = poll.approved[KEY]
    assert (approved.sent_at, approved.message_id, approved.thread_id) == (
        sent_at,
        draft["Message-ID"],
        draft["Message-ID"],
    )
    assert poll.declined == ()
    assert poll.seen == ()  # our own approved message is no hand-written one


def test_a_sent_copy_without_a_date_is_dated_by_its_file(box: MaildirMailbox, root: Path) -> None:
    placed = box.create_draft(message(), thread_id="")
    mailtools.decline_draft(root, KEY)
    undated = message()
    del undated["Date"]
    filed = mailtools.deliver(root, undated, folder="Sent", seen=True)
    os.utime(filed, (1_795_000_000, 1_795_000_000))
    approved = box.poll(watch({KEY: placed.draft_id})).approved[KEY]
    assert approved.sent_at == datetime.fromtimestamp(1_795_000_000, UTC)


def test_a_deleted_draft_with_nothing_sent_is_declined(box: MaildirMailbox, root: Path) -> None:
    placed = box.create_draft(message(), thread_id="")
    mailtools.decline_draft(root, KEY)
    poll = box.poll(watch({KEY: placed.draft_id}))
    assert (poll.approved, poll.declined) == ({}, (KEY,))


def test_a_draft_still_waiting_is_neither_approved_nor_declined(
    box: MaildirMailbox, root: Path
) -> None:
    placed = box.create_draft(message(), thread_id="")
    # the mail client marks it seen: the file moves to cur/ with flags
    [path] = mailtools.files(root, "Drafts")
    path.rename(root / "Drafts" / "cur" / f"{path.name}:2,S")
    poll = box.poll(watch({KEY: placed.draft_id}))
    assert (poll.approved, poll.declined) == ({}, ())


def test_a_draft_saved_again_under_a_new_name_is_still_waiting(
    box: MaildirMailbox, root: Path
) -> None:
    placed = box.create_draft(message(), thread_id="")
    [path] = mailtools.files(root, "Drafts")
    mailtools.deliver(root, path.read_bytes(), folder="Drafts", seen=True)
    path.unlink()
    poll = box.poll(watch({KEY: placed.draft_id}))
    assert (poll.approved, poll.declined) == ({}, ())


# --- what arrives ----------------------------------------------------------------------


def sent_thank_you(box: MaildirMailbox, root: Path) -> Placed:
    """Create the thank-you draft and send it from the mail client; return where it was."""
    placed = box.create_draft(message(), thread_id="")
    mailtools.approve_draft(root, KEY, sent_at=NOW)
    return placed


def test_the_interviewer_replying_is_seen_as_a_human_reply(box: MaildirMailbox, root: Path) -> None:
    ours = sent_thank_you(box, root)
    when = NOW + timedelta(hours=3)
    path = mailtools.deliver_reply(
        root,
        frm=f"Dana Smith <{DANA}>",
        to=ALEX,
        date=when,
        subject="Re: Thank you for today",
        in_reply_to=ours.message_id,
    )
    [seen] = box.poll(watch(threads=(ours.thread_id,))).seen
    message_id = mailtools.read(path)["Message-ID"]
    assert seen == Seen(
        mailbox_id=f"INBOX/{path.name}",
        kind=Kind.HUMAN,
        sender=DANA,
        recipients=(ALEX,),
        date=when,
        thread_id=ours.thread_id,
        message_id=message_id,
        subject="Re: Thank you for today",
    )


def test_a_message_keeps_its_id_when_the_mail_client_reads_it(
    box: MaildirMailbox, root: Path
) -> None:
    path = mailtools.deliver_reply(root, frm=DANA, to=ALEX, subject="Hello", date=NOW)
    before = box.poll(watch()).seen
    path.rename(root / "INBOX" / "cur" / f"{path.name}:2,S")
    assert box.poll(watch()).seen == before


def test_someone_else_at_the_company_writing_in_a_new_thread_is_seen(
    box: MaildirMailbox, root: Path
) -> None:
    mailtools.deliver_reply(
        root, frm="Priya <priya@acme.com>", to=ALEX, subject="Next steps", date=NOW
    )
    [seen] = box.poll(watch()).seen
    assert (seen.kind, seen.sender, seen.thread_id) == (
        Kind.HUMAN,
        "priya@acme.com",
        seen.message_id,
    )


def test_unrelated_mail_is_not_reported(box: MaildirMailbox, root: Path) -> None:
    mailtools.deliver_reply(root, frm="news@shop.example", to=ALEX, subject="Sale", date=NOW)
    assert box.poll(watch()).seen == ()


def test_a_reply_from_an_unknown_address_in_our_thread_is_seen(
    box: MaildirMailbox, root: Path
) -> None:
    ours = sent_thank_you(box, root)
    mailtools.deliver_reply(
        root,
        frm="dana.smith@gmail.com",
        to=ALEX,
        subject="Re: Thank you",
        date=NOW,
        in_reply_to=ours.message_id,
    )
    # the thread is watched through our sent message even when watch.threads is empty
    assert [s.sender for s in box.poll(watch()).seen] == ["dana.smith@gmail.com"]


def test_an_out_of_office_answer_is_an_auto_reply_with_a_return_date(
    box: MaildirMailbox, root: Path
) -> None:
    ours = sent_thank_you(box, root)
    mailtools.deliver_auto_reply(
        root,
        frm=DANA,
        to=ALEX,
        subject="Automatic reply: Thank you",
        date=NOW,
        in_reply_to=ours.message_id,
    )
    [seen] = box.poll(watch(threads=(ours.thread_id,))).seen
    assert (seen.kind, seen.return_date) == (Kind.AUTO, date(2026, 11, 30))


def test_a_gmail_bounce_stops_the_recipient_it_names(box: MaildirMailbox, root: Path) -> None:
    ours = sent_thank_you(box, root)
    mailtools.deliver_bounce(
        root,
        failed_recipient=DANA,
        original_message_id=ours.message_id,
        date=NOW + timedelta(minutes=1),
    )
    [seen] = box.poll(watch(threads=(ours.thread_id,))).seen
    assert (seen.kind, seen.bounced, seen.thread_id) == (Kind.BOUNCE, (DANA,), ours.thread_id)
    assert seen.sender == "mailer-daemon@googlemail.com"


def test_an_unthreaded_bounce_is_seen_only_when_it_names_someone_watched(
    box: MaildirMailbox, root: Path
) -> None:
    for failed in ("sam@acme.com", "someone@else.example"):
        mailtools.deliver_bounce(
            root,
            failed_recipient=failed,
            original_message_id="<x@example.com>",
            date=NOW,
            style="postfix",
        )
    [seen] = box.poll(watch()).seen
    assert (seen.kind, seen.bounced) == (Kind.BOUNCE, ("sam@acme.com",))


def test_a_message_the_user_wrote_by_hand_is_own(box: MaildirMailbox, root: Path) -> None:
    path = mailtools.send_by_hand(
        root, frm=ALEX, to=f"Dana <{DANA}>", subject="Quick question", date=NOW
    )
    mailtools.send_by_hand(root, frm=ALEX, to="friend@else.example", subject="Dinner", date=NOW)
    [seen] = box.poll(watch()).seen
    assert (seen.kind, seen.recipients, seen.mailbox_id) == (
        Kind.OWN,
        (DANA,),
        "Sent/" + path.name.split(":")[0],
    )


def test_junk_files_are_skipped(box: MaildirMailbox, root: Path) -> None:
    box.poll(watch())  # creates the folders
    mailtools.deliver_reply(root, frm=DANA, to=ALEX, subject="Re: Thanks", date=NOW)
    for folder in ("INBOX", "Sent", "Drafts"):
        (root / folder / "new" / "junk").write_bytes(b"\x00\xff\xfe garbage \n\n\x89PNG")
        (root / folder / "cur" / "empty:2,").write_bytes(b"")
        (root / folder / "cur" / "a-directory").mkdir()
    assert [s.sender for s in box.poll(watch()).seen] == [DANA]
    assert box.find(KEY, since="") is None


@settings(max_examples=examples(40), deadline=None)
@given(junk=st.binary(max_size=400))
def test_any_bytes_in_a_folder_never_break_a_poll(junk: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        box = MaildirMailbox(root, clock=lambda: NOW)
        box.poll(watch())  # creates the folders
        for name in ("INBOX", "Sent", "Drafts"):
            (root / name / "new" / "x").write_bytes(junk)
        box.poll(watch({KEY: "x"}, threads=("<t@x>",)))
        box.thread_tail("<t@x>")


# --- finding what we made, and the thread to reply in -----------------------------------


def test_find_looks_in_drafts_then_in_sent(box: MaildirMailbox, root: Path) -> None:
    assert box.find(KEY, since="") is None
    placed = box.create_draft(message(), thread_id="")
    assert box.find(KEY, since="") == placed
    mailtools.approve_draft(root, KEY, sent_at=NOW)
    found = box.find(KEY, since="")
    assert found is not None
    assert (found.sent_at, found.draft_id, found.message_id) == (NOW, "", placed.message_id)


def test_find_reports_a_send_that_did_not_finish_as_in_doubt(
    box: MaildirMailbox, state: Path
) -> None:
    (state / "outbox").mkdir(parents=True)
    (state / "outbox" / "1.eml").write_bytes(message().as_bytes())
    with pytest.raises(OutcomeUnknown, match="if it went out"):
        box.find(KEY, since="")


def test_a_send_in_doubt_survives_other_software_emptying_the_maildir_tmp_folders(
    tmp_path: Path, root: Path, state: Path
) -> None:
    command = fake_sendmail(tmp_path, "cat >/dev/null; sleep 30")
    box = MaildirMailbox(root, sendmail=command, clock=lambda: NOW, timeout=0.3, state=state)
    with pytest.raises(OutcomeUnknown):
        box.send(message(), thread_id="")
    for folder in ("Drafts", "Sent", "INBOX"):  # what Dovecot does to tmp/ after 36 hours
        for leftover in (root / folder / "tmp").iterdir():
            leftover.unlink()
    with pytest.raises(OutcomeUnknown):
        box.find(KEY, since="")


def test_the_thread_tail_is_the_latest_message_of_ours_or_a_human(
    box: MaildirMailbox, root: Path
) -> None:
    ours = sent_thank_you(box, root)
    tid = ours.thread_id
    reply = mailtools.deliver_reply(
        root,
        frm=DANA,
        to=ALEX,
        subject="Re: Thank you for today",
        date=NOW + timedelta(days=1),
        in_reply_to=tid,
    )
    reply_id = mailtools.read(reply)["Message-ID"]
    mailtools.deliver_auto_reply(
        root,
        frm=DANA,
        to=ALEX,
        subject="Automatic reply: Re: Thank you",
        date=NOW + timedelta(days=2),
        in_reply_to=reply_id,
        references=f"{tid} {reply_id}",
    )
    mailtools.deliver_bounce(
        root, failed_recipient="sam@acme.com", original_message_id=tid, date=NOW + timedelta(days=3)
    )
    mailtools.deliver_reply(
        root, frm=DANA, to=ALEX, subject="Another thread", date=NOW + timedelta(days=4)
    )
    tail = box.thread_tail(tid)
    assert tail is not None
    assert (tail.message_id, tail.references, tail.subject) == (
        reply_id,
        tid,
        "Re: Thank you for today",
    )


def test_the_thread_tail_of_our_own_first_message_has_no_references(
    box: MaildirMailbox, root: Path
) -> None:
    ours = sent_thank_you(box, root)
    tail = box.thread_tail(ours.thread_id)
    assert tail is not None
    assert (tail.message_id, tail.references) == (ours.message_id, "")
    assert box.thread_tail("<nothing@example.com>") is None


# --- send mode ------------------------------------------------------------------------


def test_send_hands_the_message_to_sendmail_once_and_files_it_in_sent(
    sender: MaildirMailbox, root: Path, outbox: Path, state: Path
) -> None:
    outgoing = message()
    placed = sender.send(outgoing, thread_id="")
    [filed] = mailtools.files(root, "Sent")
    assert outbox.read_bytes() == filed.read_bytes()
    assert placed.sent_at == NOW and placed.message_id == outgoing["Message-ID"]
    assert sender.find(KEY, since="") == Placed(
        thread_id=placed.thread_id,
        message_id=placed.message_id,
        sent_at=NOW,
        mailbox_id=placed.mailbox_id,
    )
    # asked again (a retry after a lost answer): nothing leaves twice
    assert sender.send(outgoing, thread_id="").sent_at == NOW
    assert outbox.read_bytes().count(f"{KEY_HEADER}: {KEY}".encode()) == 1
    assert kept(state) == []


@pytest.mark.parametrize(
    ("exit_code", "error"), [(1, MailboxError), (75, MailboxError), (67, Rejected), (65, Rejected)]
)
def test_a_refusing_sendmail_files_nothing(
    tmp_path: Path, root: Path, state: Path, exit_code: int, error: type[MailboxError]
) -> None:
    command = fake_sendmail(tmp_path, f"cat >/dev/null; echo 'no such user' >&2; exit {exit_code}")
    box = MaildirMailbox(root, sendmail=command, clock=lambda: NOW, state=state)
    with pytest.raises(error, match="no such user") as raised:
        box.send(message(), thread_id="")
    assert not isinstance(raised.value, OutcomeUnknown)
    assert mailtools.files(root, "Sent") == [] and kept(state) == []
    assert box.find(KEY, since="") is None


def test_a_sendmail_that_hangs_leaves_the_outcome_unknown(
    tmp_path: Path, root: Path, state: Path
) -> None:
    command = fake_sendmail(tmp_path, "cat >/dev/null; sleep 30")
    box = MaildirMailbox(root, sendmail=command, clock=lambda: NOW, timeout=0.3, state=state)
    started = time.monotonic()
    with pytest.raises(OutcomeUnknown):
        box.send(message(), thread_id="")
    assert time.monotonic() - started < 10
    assert mailtools.files(root, "Sent") == [] and len(kept(state)) == 1
    with pytest.raises(OutcomeUnknown):
        box.find(KEY, since="")
    with pytest.raises(OutcomeUnknown):
        box.send(message(), thread_id="")  # never sent again while in doubt


@pytest.mark.parametrize("command", [[], ["/nonexistent/sendmail", "-t"]])
def test_a_missing_sendmail_names_the_setting(root: Path, command: list[str]) -> None:
    box = MaildirMailbox(root, sendmail=command, clock=lambda: NOW)
    with pytest.raises(Unconfigured, match=r"\[delivery\] sendmail"):
        box.send(message(), thread_id="")
    assert mailtools.files(root, "Sent") == [] and box.find(KEY, since="") is None


def test_sending_while_a_draft_of_the_message_waits_is_refused(
    sender: MaildirMailbox, outbox: Path
) -> None:
    sender.create_draft(message(), thread_id="")
    with pytest.raises(Rejected, match="Drafts"):
        sender.send(message(), thread_id="")
    assert not outbox.exists()


def test_a_sent_reply_belongs_to_the_thread_it_answers(sender: MaildirMailbox) -> None:
    nudge = message(in_reply_to="<first@example.com>")
    assert sender.send(nudge, thread_id="<first@example.com>").thread_id == "<first@example.com>"


def test_a_draft_sent_while_the_folders_are_listed_is_still_found(
    box: MaildirMailbox, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mail client sends the draft (a copy into Sent, the draft removed) just after Sent
    was listed: since Drafts is listed first, the look finds it there, never in neither."""
    placed = box.create_draft(message(), thread_id="")
    draft = next((root / "Drafts" / "new").iterdir())
    fresh = MaildirMailbox(root, clock=lambda: NOW)  # a new process: nothing listed yet
    listdir = os.listdir

    def sent_meanwhile(folder: str | os.PathLike[str]) -> list[str]:
        names = listdir(folder)
        if Path(folder) == root / "Sent" / "cur" and draft.exists():
            (root / "Sent" / "cur" / f"{draft.name}:2,S").write_bytes(draft.read_bytes())
            draft.unlink()
        return names

    monkeypatch.setattr(os, "listdir", sent_meanwhile)
    found = fresh.find(KEY, since="")
    assert found is not None and found.message_id == placed.message_id
