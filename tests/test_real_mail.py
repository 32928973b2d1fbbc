"""The maildir backend against the real mail software people use with it.

Each test runs the real `followup-mailer` command (a subprocess, through
tests/e2e.py's Workspace, `backend = "maildir"`) on real folders that real
software writes into: Postfix (a private instance, tests/realmail/postfix.py)
bouncing and delaying our mail, Dovecot's LDA with Pigeonhole Sieve answering
it with a vacation response, neomutt recalling, postponing and sending our
draft under a pseudo-terminal, and mbsync syncing a laptop's maildir with a
Dovecot IMAP server that serves the workspace's maildir. Nothing the software
writes is edited: the tests only read it, and wait for it.

The software is installed by scripts/test in CI (as root); elsewhere each test
skips, naming the program and the Debian package it is missing. Postfix and
the IMAP server start as root (they drop to their own users), so their tests
skip when not run as root.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followup_mailer.model import KEY_HEADER
from tests import mailtools
from tests.e2e import Workspace, ended_recently, interview_toml
from tests.realmail.base import MailUser, listed, open_folder, shared_maildir, wait_for
from tests.realmail.clients import Mbsync, NeoMutt
from tests.realmail.dovecot import PASSWORD, ImapServer, SieveMailbox
from tests.realmail.postfix import Postfix

pytestmark = pytest.mark.slow

ALEX = "alex@example.com"
ALEX_NAME = "Alex Rivera"
DANA = ("Dana Smith", "dana@acme.test")
KEY = "acme/thank_you/dana@acme.test"
NUDGE = "acme/followup-1/dana@acme.test"
ZONE = ZoneInfo("America/New_York")  # the account's timezone in tests/conftest.py
COMPOSE_SCREEN = b"Headers:"  # the last line of neomutt's compose screen headers


@dataclass
class World:
    """A folder the mail software's users may enter, holding the workspace and the daemons."""

    root: Path
    user: MailUser
    ws: Workspace

    def home(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(mode=0o755)
        return path


@pytest.fixture
def world() -> Iterator[World]:
    """A workspace whose maildir belongs to the mail user, one interview with Dana."""
    old_umask = os.umask(0o022)  # message files other users' software must read
    try:
        with open_folder("followup-realmail-") as root:
            ws = Workspace(root / "ws")
            ws.root.mkdir(mode=0o711)
            user = MailUser.current()
            shared_maildir(ws.maildir, user)
            ws.maildir.chmod(0o711)
            ws.write_config()
            ws.write_schedule(interview_toml("acme", end=ended_recently(), people=[DANA]))
            yield World(root, user, ws)
    finally:
        os.umask(old_umask)


@pytest.fixture
def start_postfix(world: World) -> Iterator[Callable[..., Postfix]]:
    """Start a private Postfix delivering the account's mail into the workspace's INBOX."""
    started: list[Postfix] = []

    def start(**options: Any) -> Postfix:
        postfix = Postfix(
            world.home("postfix"),
            account=ALEX,
            inbox=world.ws.maildir / "INBOX",
            user=world.user,
            **options,
        )
        started.append(postfix)
        try:
            postfix.start()
        except RuntimeError as error:
            pytest.skip(f"Postfix could not start here: {error}")
        return postfix

    yield start
    for postfix in started:
        postfix.stop()


@pytest.fixture
def imap_server(world: World) -> Iterator[ImapServer]:
    """Dovecot serving the workspace's maildir over IMAP on a free loopback port."""
    server = ImapServer(world.home("dovecot"), maildir=world.ws.maildir, user=world.user)
    try:
        server.start()
    except RuntimeError as error:
        server.stop()
        pytest.skip(f"Dovecot's IMAP server could not start here: {error}")
    yield server
    server.stop()


def steps(ws: Workspace) -> dict[str, dict[str, Any]]:
    """`status --json`, by key (interview/step/recipient)."""
    return {f"{s['interview']}/{s['step']}/{s['to']}": s for s in ws.status()}


def send_mode(ws: Workspace, sendmail: str) -> None:
    ws.write_config(delivery={"mode": "send", "sendmail": sendmail, "max_lateness": "2d"})


def with_key(ws: Workspace, key: str) -> list[Path]:
    """Every message file in Drafts and Sent carrying key, trashed or not."""
    found = listed(ws.maildir / "Drafts") + listed(ws.maildir / "Sent")
    return [p for p in found if mailtools.read(p).get(KEY_HEADER) == key]


def without_tuid(data: bytes) -> bytes:
    return re.sub(rb"(?m)^X-TUID: \S+\n", b"", data)


def sent_time(path: Path) -> datetime:
    return parsedate_to_datetime(str(mailtools.read(path)["Date"]))


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def assert_approved_once(ws: Workspace, *, by: Path) -> None:
    """One message for the key in Drafts+Sent (the client's copy in Sent), the step sent at
    the time the client sent it, the first nudge planned."""
    assert with_key(ws, KEY) == [by]
    now = steps(ws)
    assert now[KEY]["state"] == "sent", now[KEY]
    assert datetime.fromisoformat(now[KEY]["sent_at"]) == sent_time(by)
    assert now[NUDGE]["state"] == "planned", now[NUDGE]
    assert datetime.fromisoformat(now[NUDGE]["due"]) >= sent_time(by) + timedelta(days=5)


def assert_reply_counted(ws: Workspace, sent: Path, *, read_by: NeoMutt | None = None) -> None:
    """Dana answers the copy in Sent; (a client reads it: new/ to cur/, flag S); it counts."""
    copy = mailtools.read(sent)
    reply = mailtools.deliver_reply(
        ws.maildir,
        frm="Dana Smith <dana@acme.test>",
        to=ALEX,
        subject="Re: " + str(copy["Subject"]),
        date=datetime.now(UTC),
        in_reply_to=str(copy["Message-ID"]),
    )
    if read_by is not None:
        keys = [(b"Re: Thank you", b"\r"), (b"next steps", b"q"), (b"q:Quit", b"q")]
        read_by.run("-f", str(ws.maildir / "INBOX"), keys=keys)
        [moved] = listed(ws.maildir / "INBOX")
        assert (moved.parent.name, moved.name.split(":")[0]) == ("cur", reply.name)
        assert moved.name.endswith(":2,S"), moved.name  # neomutt marked it read
    ws.run("run", "--once")
    now = steps(ws)
    assert now[KEY]["state"] == "replied"
    assert (now[NUDGE]["state"], now[NUDGE]["reason"]) == ("cancelled", "replied")


# --- 1. Postfix: a real bounce, a real delay warning ---------------------------------------


def test_a_real_postfix_bounce_marks_the_recipient_bounced(
    world: World, start_postfix: Callable[..., Postfix]
) -> None:
    """Postfix's local(8) finds no user "dana" at acme.test and bounce(8) returns our message:
    a multipart/report from MAILER-DAEMON, not threaded, delivered by virtual(8) into INBOX."""
    postfix = start_postfix(local_domains=("acme.test",))
    ws = world.ws
    send_mode(ws, postfix.sendmail)
    assert f"sent      {KEY}" in ws.run("run", "--once").stdout
    [bounce] = wait_for(
        "bounce from Postfix", lambda: listed(ws.maildir / "INBOX"), log=postfix.log
    )
    report = mailtools.read(bounce)
    assert (report["From"], report["Subject"]) == (
        "Mail Delivery System <MAILER-DAEMON@mx.example.net>",
        "Undelivered Mail Returned to Sender",
    )
    assert 'unknown user: "dana"' in bounce.read_text()
    ws.run("run", "--once")
    now = steps(ws)
    assert now[KEY]["state"] == "bounced", now[KEY]
    assert (now[NUDGE]["state"], now[NUDGE]["reason"]) == ("cancelled", "bounced")
    assert len(listed(ws.maildir / "Sent")) == 1


def test_a_real_postfix_delay_warning_is_not_a_bounce_but_the_expiry_is(
    world: World, start_postfix: Callable[..., Postfix]
) -> None:
    """Postfix cannot reach acme.test (the retry transport defers: "Connection timed out"),
    warns after delay_warning_time ("Delayed Mail (still being retried)", Action: delayed),
    then returns the message when it expires (Action: failed, Status: 4.4.1)."""
    postfix = start_postfix(
        default_transport="retry:4.4.1 Connection timed out",
        extra={
            "delay_warning_time": "1s",
            "queue_run_delay": "1s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "1s",
            "maximal_queue_lifetime": "4s",
            "bounce_queue_lifetime": "4s",
        },
    )
    ws = world.ws
    send_mode(ws, postfix.sendmail)
    ws.run("run", "--once")
    inbox = ws.maildir / "INBOX"
    [warning] = wait_for("delay warning from Postfix", lambda: listed(inbox), log=postfix.log)
    postfix.hold_all()  # no expiry while the pass below reads the warning alone
    assert mailtools.read(warning)["Subject"] == "Delayed Mail (still being retried)"
    assert listed(inbox) == [warning]
    ws.run("run", "--once")
    now = steps(ws)
    assert now[KEY]["state"] == "sent", now[KEY]
    assert now[NUDGE]["state"] == "planned", now[NUDGE]

    postfix.release_all()
    arrived = wait_for(
        "expiry bounce from Postfix", lambda: listed(inbox), count=2, log=postfix.log
    )
    [expired] = [p for p in arrived if p != warning]
    assert mailtools.read(expired)["Subject"] == "Undelivered Mail Returned to Sender"
    assert "Action: failed" in expired.read_text()
    ws.run("run", "--once")
    now = steps(ws)
    assert now[KEY]["state"] == "bounced", now[KEY]
    assert (now[NUDGE]["state"], now[NUDGE]["reason"]) == ("cancelled", "bounced")


# --- 2. Dovecot LDA + Pigeonhole Sieve: a real vacation response ----------------------------


def vacation_after_sending(world: World, sieve: str) -> tuple[Path, dict[str, Any]]:
    """Send the thank-you to Dana's mailbox (dovecot-lda runs her Sieve script, which answers
    into our INBOX); return the response and the first nudge as planned before it was read."""
    ws = world.ws
    company = SieveMailbox(
        world.home("company"),
        address=DANA[1],
        sieve=sieve,
        reply_inbox=ws.maildir / "INBOX",
        user=world.user,
    )
    send_mode(ws, str(company.deliver_command(ALEX)))
    assert f"sent      {KEY}" in ws.run("run", "--once").stdout
    assert len(company.delivered()) == 1, company.tail()
    [response] = wait_for(
        "vacation response", lambda: listed(ws.maildir / "INBOX"), log=company.log
    )
    assert mailtools.read(response)["Auto-Submitted"] == "auto-replied (vacation)"
    return response, steps(ws)[NUDGE]


def dated_vacation(world: World) -> tuple[date, dict[str, Any], dict[str, dict[str, Any]]]:
    """`vacation :days 1 :subject "Out of office" "I am away until <date>. ..."`, three weeks
    ahead; return the date, the first nudge before the response was read, and the status."""
    back = datetime.now(ZONE).date() + timedelta(days=21)
    sieve = (
        'require ["vacation"];\n'
        f'vacation :days 1 :subject "Out of office" "I am away until {back.day} {back:%B %Y} '
        'with limited access to email. For anything urgent, please write to jobs@acme.test.";\n'
    )
    response, before = vacation_after_sending(world, sieve)
    assert mailtools.read(response)["Subject"] == "Out of office"
    world.ws.run("run", "--once")
    return back, before, steps(world.ws)


def test_a_real_sieve_vacation_with_a_return_date_delays_the_first_nudge(world: World) -> None:
    """Pigeonhole's response (Auto-Submitted: auto-replied (vacation), In-Reply-To our
    message, From Dana) is no reply: the step stays sent, the nudge waits, status says why."""
    _, before, now = dated_vacation(world)
    assert now[KEY]["state"] == "sent", now[KEY]
    nudge = now[NUDGE]
    assert nudge["state"] == "planned", nudge
    assert datetime.fromisoformat(nudge["due"]) > datetime.fromisoformat(before["due"])
    assert nudge["reason"].startswith("dana@acme.test is away (auto-reply: back "), nudge


def test_a_real_sieve_vacation_nudge_waits_for_the_business_day_after_the_stated_date(
    world: World,
) -> None:
    back, _, now = dated_vacation(world)
    nudge = now[NUDGE]
    assert f"back {back:%a %d %b %Y})" in nudge["reason"], nudge
    assert datetime.fromisoformat(nudge["due"]).astimezone(ZONE).date() == next_business_day(back)


def test_a_real_sieve_vacation_in_its_default_wording_keeps_the_cadence(world: World) -> None:
    """`vacation "<reason without a date>"`: Pigeonhole's default subject ("Auto: " and ours)
    and :days; the first nudge stays where it was."""
    sieve = (
        'require ["vacation"];\n'
        'vacation "I am currently out of the office and will read your message when I return.";\n'
    )
    response, before = vacation_after_sending(world, sieve)
    assert str(mailtools.read(response)["Subject"]).startswith("Auto: Thank you")
    world.ws.run("run", "--once")
    now = steps(world.ws)
    assert now[KEY]["state"] == "sent", now[KEY]
    assert (now[NUDGE]["state"], now[NUDGE]["due"]) == ("planned", before["due"]), now[NUDGE]


# --- 3. Real clients: neomutt on the maildir, mbsync through Dovecot's IMAP server ----------


def neomutt_on(world: World) -> NeoMutt:
    return NeoMutt(world.home("neomutt"), maildir=world.ws.maildir, account=ALEX, name=ALEX_NAME)


def pass_while_editing(ws: Workspace) -> Callable[[int], None]:
    """What runs while neomutt's compose screen is open: a pass of the daemon."""

    def run(_: int) -> None:
        assert with_key(ws, KEY) == []  # recalled: the draft is out of Drafts
        ws.run("run", "--once")
        assert with_key(ws, KEY) == []  # and the pass did not write it again

    return run


def test_neomutt_recall_and_send_never_duplicates_nor_loses_the_approval(world: World) -> None:
    """neomutt (`-p`: recall-postponed) on the workspace's maildir, keys typed on a pty.

    What neomutt does to the files (seen here; its postpone.c): recalling a draft deletes it
    from the postponed folder at once ("0 kept, 1 deleted"), before the compose screen
    opens; sending ("y") hands it to $sendmail, then writes the Fcc copy into Sent/cur with
    flag S, keeping Message-ID and our X- header, with a new Date. Reading a message
    renames it from new/ to cur/ with `:2,S`. A pass runs while the compose screen is open.
    """
    ws = world.ws
    ws.run("run", "--once")
    mutt = neomutt_on(world)
    mutt.run("-p", keys=[(COMPOSE_SCREEN, b"y")], before=pass_while_editing(ws))
    [sent] = with_key(ws, KEY)
    assert sent.parent == ws.maildir / "Sent" / "cur" and sent.name.endswith(":2,S")
    assert mutt.outbox.read_text().count(f"{KEY_HEADER}: {KEY}") == 1
    ws.run("run", "--once")
    assert_approved_once(ws, by=sent)
    assert_reply_counted(ws, sent, read_by=mutt)


def test_neomutt_recall_then_postpone_again_leaves_the_draft_awaiting_approval(
    world: World,
) -> None:
    """neomutt recalls the draft (unlinked), a pass runs, the user postpones it again ("P"):
    neomutt writes it back into Drafts/new under a new name, our key kept."""
    ws = world.ws
    ws.run("run", "--once")
    [draft] = with_key(ws, KEY)
    mutt = neomutt_on(world)
    mutt.run("-p", keys=[(COMPOSE_SCREEN, b"P")], before=pass_while_editing(ws), status=1)
    [again] = with_key(ws, KEY)
    assert again.name != draft.name and again.parent == ws.maildir / "Drafts" / "new"
    ws.run("run", "--once")
    assert with_key(ws, KEY) == [again]  # nothing re-created
    now = steps(ws)
    assert (now[KEY]["state"], now[NUDGE]["state"]) == ("awaiting-approval", "planned"), now


def test_mbsync_through_dovecot_deletes_the_draft_before_it_uploads_the_sent_copy(
    world: World, imap_server: ImapServer
) -> None:
    """The user works on a laptop: mbsync keeps its maildir in step with Dovecot, whose store
    is the workspace's maildir; neomutt there recalls and sends the draft.

    What the software does to the workspace's files: Dovecot moves our draft from new/ to
    cur/ when mbsync first opens Drafts and keeps its own dovecot-uidlist and dovecot.index*
    files in each folder; mbsync syncs the channels in the order given, so `mbsync drafts
    sent` first propagates the deleted draft (STORE \\Deleted, on which Dovecot renames the
    file to `:2,T`; EXPUNGE, on which it unlinks it) and only then uploads the Sent copy
    (APPEND: Dovecot writes it into Sent/cur, `,S=<size>,W=<size>:2,S`). mbsync puts an
    X-TUID header on each copy it transfers (neomutt keeps the one of the downloaded draft;
    the upload replaces it).
    A pass runs between the two channels.
    """
    ws = world.ws
    laptop = world.home("laptop")
    sync = Mbsync(world.home("mbsync"), local=laptop, port=imap_server.port, password=PASSWORD)
    ws.run("run", "--once")
    [draft] = with_key(ws, KEY)
    sync.sync("drafts", "sent")
    [moved] = with_key(ws, KEY)
    assert moved.parent.name == "cur" and moved.name.startswith(draft.name)
    assert (ws.maildir / "Drafts" / "dovecot-uidlist").exists()
    assert len(listed(laptop / "Drafts")) == 1

    mutt = NeoMutt(world.home("neomutt"), maildir=laptop, account=ALEX, name=ALEX_NAME)
    mutt.run("-p", keys=[(COMPOSE_SCREEN, b"y")])
    [sent] = listed(laptop / "Sent")
    written = sent.read_bytes()
    assert listed(laptop / "Drafts") == []

    sync.sync("drafts")  # the deletion reaches the server first ...
    assert with_key(ws, KEY) == []
    ws.run("run", "--once")
    assert with_key(ws, KEY) == []  # the pass did not write the draft again
    sync.sync("sent")  # ... then the sent copy
    [uploaded] = with_key(ws, KEY)
    assert uploaded.parent == ws.maildir / "Sent" / "cur"
    # as neomutt wrote it, but for the X-TUID header mbsync puts on each copy it transfers
    assert without_tuid(uploaded.read_bytes().replace(b"\r\n", b"\n")) == without_tuid(written)
    ws.run("run", "--once")
    assert_approved_once(ws, by=uploaded)
    assert_reply_counted(ws, uploaded)
