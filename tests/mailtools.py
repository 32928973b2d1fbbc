"""Write realistic mail into a maildir, as the world and a mail client would.

The maildir backend reads `<root>/Drafts`, `<root>/Sent` and `<root>/INBOX`.
These functions play the other side: an interviewer replying, an out-of-office
responder, a mail server bouncing a message, and the user pressing Send (or
deleting a draft) in a mail client. Standard library only, so end-to-end tests
and the demo script can use them too. Every function returns the file it wrote.
"""

from __future__ import annotations

import functools
import mailbox
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from followup_mailer.model import KEY_HEADER

GMAIL_DAEMON = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>"
POSTFIX_DAEMON = "MAILER-DAEMON@mail.example.net (Mail Delivery System)"
_FAILED = {
    "text": "wasn't delivered: the address couldn't be found, or is unable to receive mail.",
    "status": "5.1.1",
    "diagnostic": "550 5.1.1 The email account that you tried to reach does not exist.",
}
_DELAYED = {
    "text": "hasn't been delivered yet; the server will keep trying.",
    "status": "4.4.1",
    "diagnostic": "421 4.4.1 Connection timed out",
}
_BOUNCE_WORDS = {
    ("gmail", "failed"): _FAILED | {"subject": "Delivery Status Notification (Failure)"},
    ("gmail", "delayed"): _DELAYED | {"subject": "Delivery Status Notification (Delay)"},
    ("postfix", "failed"): _FAILED | {"subject": "Undelivered Mail Returned to Sender"},
    ("postfix", "delayed"): _DELAYED | {"subject": "Delayed Mail (still being retried)"},
}


def files(root: Path, folder: str) -> list[Path]:
    """List the message files of a folder (new/ and cur/), oldest name first."""
    base = Path(root) / folder
    return sorted(
        p for sub in ("new", "cur") if (base / sub).is_dir() for p in (base / sub).iterdir()
    )


def read(path: Path) -> EmailMessage:
    """Parse a message file."""
    message = BytesParser(policy=policy.default).parsebytes(Path(path).read_bytes())
    assert isinstance(message, EmailMessage)
    return message


@functools.lru_cache(maxsize=1024)
def key_of(data: bytes) -> str:
    """Return the X-Followup-Mailer-Key of a message file's bytes, or "" (headers alone are
    parsed, and a message asked again, as invariants do after every step, is not parsed again)."""
    return str(BytesHeaderParser(policy=policy.default).parsebytes(data).get(KEY_HEADER, ""))


def find_by_key(root: Path, folder: str, key: str) -> Path | None:
    """Return the file in a folder whose X-Followup-Mailer-Key is key, or None."""
    return next((p for p in files(root, folder) if key_of(p.read_bytes()) == key), None)


def deliver(
    root: Path, message: EmailMessage | bytes, *, folder: str = "INBOX", seen: bool = False
) -> Path:
    """Add a message to a folder: into new/ (unread), or into cur/ with the S flag when seen."""
    base = Path(root) / folder
    for sub in ("tmp", "new", "cur"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    entry = mailbox.MaildirMessage(message if isinstance(message, bytes) else message.as_bytes())
    if seen:
        entry.set_subdir("cur")
        entry.set_flags("S")
    key = mailbox.Maildir(base, create=False).add(entry)
    return next(p for p in files(root, folder) if p.name.split(":")[0] == key)


def compose(
    *,
    frm: str,
    to: str,
    subject: str,
    date: datetime,
    body: str,
    in_reply_to: str = "",
    references: str = "",
    message_id: str = "",
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """Build a plain-text message with the usual headers."""
    message = EmailMessage()
    message["From"] = frm
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id or make_msgid(domain=_domain(frm))
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references or in_reply_to:
        message["References"] = references or in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def deliver_reply(
    root: Path,
    *,
    frm: str,
    to: str,
    subject: str,
    date: datetime,
    in_reply_to: str = "",
    references: str = "",
    body: str = "Thanks for your note. We will be in touch about next steps this week.\n",
) -> Path:
    """Put a person's reply into INBOX (a new thread when in_reply_to is empty)."""
    message = compose(
        frm=frm,
        to=to,
        subject=subject,
        date=date,
        body=body,
        in_reply_to=in_reply_to,
        references=references,
    )
    return deliver(root, message)


def deliver_auto_reply(
    root: Path,
    *,
    frm: str,
    to: str,
    subject: str,
    date: datetime,
    in_reply_to: str = "",
    references: str = "",
    body: str = "I am out of the office until Monday 30 November 2026.\n",
    headers: dict[str, str] | None = None,
) -> Path:
    """Put an out-of-office answer into INBOX; by default RFC 3834 style, as Exchange sends it.

    Pass headers={} (and an "Automatic reply: ..." subject) for a responder that
    marks itself only by its subject, as Outlook rules do.
    """
    marks = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    message = compose(
        frm=frm,
        to=to,
        subject=subject,
        date=date,
        body=body,
        in_reply_to=in_reply_to,
        references=references,
        headers=marks if headers is None else headers,
    )
    return deliver(root, message)


def deliver_bounce(
    root: Path,
    *,
    failed_recipient: str,
    original_message_id: str,
    date: datetime,
    to: str = "alex@example.com",
    original_subject: str = "Thank you",
    action: str = "failed",
    style: str = "gmail",
) -> Path:
    """Put a delivery status notification (RFC 3464 multipart/report) into INBOX.

    style "gmail": from mailer-daemon@googlemail.com, threaded into the original
    conversation and marked `Auto-Submitted: auto-replied`, as Gmail does.
    style "postfix": from MAILER-DAEMON, not threaded, as Postfix does.
    action "delayed" makes a delay warning (status 4.4.1) instead of a failure.
    """
    gmail = style == "gmail"
    words = _BOUNCE_WORDS[style, action]
    # both mark their bounces auto-replied; only Gmail threads them into the conversation
    marks = "Auto-Submitted: auto-replied\n"
    if gmail:
        marks += f"In-Reply-To: {original_message_id}\nReferences: {original_message_id}\n"
    when = format_datetime(date)
    raw = f"""\
From: {GMAIL_DAEMON if gmail else POSTFIX_DAEMON}
To: {to}
Subject: {words["subject"]}
Date: {when}
Message-ID: {make_msgid(domain="mx.example.net")}
{marks}MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset="UTF-8"

Your message to {failed_recipient} {words["text"]}

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; {"googlemail.com" if gmail else "mail.example.net"}
Arrival-Date: {when}

Final-Recipient: rfc822; {failed_recipient}
Original-Recipient: rfc822;{failed_recipient}
Action: {action}
Status: {words["status"]}
Remote-MTA: dns; mx.{_domain(failed_recipient)}.
Diagnostic-Code: smtp; {words["diagnostic"]}
Last-Attempt-Date: {when}

--BOUNDARY
Content-Type: text/rfc822-headers

From: {to}
To: {failed_recipient}
Subject: {original_subject}
Message-ID: {original_message_id}
Date: {when}

--BOUNDARY--
"""
    return deliver(root, raw.encode())


def send_by_hand(
    root: Path,
    *,
    frm: str,
    to: str,
    subject: str,
    date: datetime,
    in_reply_to: str = "",
    references: str = "",
    body: str = "Hi, just checking in about next steps.\n",
) -> Path:
    """File a message the user wrote themselves in Sent (no X-Followup-Mailer-Key)."""
    message = compose(
        frm=frm,
        to=to,
        subject=subject,
        date=date,
        body=body,
        in_reply_to=in_reply_to,
        references=references,
    )
    return deliver(root, message, folder="Sent", seen=True)


def approve_draft(root: Path, key: str, *, sent_at: datetime, message_id: str = "") -> Path:
    """Send a draft as a mail client does: file it in Sent with a new Date, remove the draft.

    message_id, when given, replaces the Message-ID (some clients mint a new one).
    """
    draft = find_by_key(root, "Drafts", key)
    if draft is None:
        raise FileNotFoundError(f"no draft with {KEY_HEADER}: {key} in {Path(root) / 'Drafts'}")
    message = read(draft)
    message.replace_header("Date", format_datetime(sent_at))
    if message_id:
        message.replace_header("Message-ID", message_id)
    filed = deliver(root, message, folder="Sent", seen=True)
    draft.unlink()
    return filed


def decline_draft(root: Path, key: str) -> Path:
    """Delete a draft as the user does who decides not to send it; return the removed file."""
    draft = find_by_key(root, "Drafts", key)
    if draft is None:
        raise FileNotFoundError(f"no draft with {KEY_HEADER}: {key} in {Path(root) / 'Drafts'}")
    draft.unlink()
    return draft


def _domain(address: str) -> str:
    return parseaddr(address)[1].partition("@")[2] or "example.com"


def recall_draft(root: Path, key: str) -> bytes:
    """Take a draft out of Drafts as a client does that recalls it for editing; return it."""
    draft = find_by_key(root, "Drafts", key)
    if draft is None:
        raise FileNotFoundError(f"no draft with {KEY_HEADER}: {key} in {Path(root) / 'Drafts'}")
    content = draft.read_bytes()
    draft.unlink()
    return content


def send_recalled(root: Path, content: bytes, *, sent_at: datetime) -> Path:
    """File a recalled (or already removed) draft in Sent, sent at `sent_at`."""
    message = BytesParser(policy=policy.default).parsebytes(content)
    assert isinstance(message, EmailMessage)
    message.replace_header("Date", format_datetime(sent_at))
    return deliver(root, message, folder="Sent", seen=True)


def set_flags(path: Path, flags: str) -> Path:
    """Rename a message file into cur/ with these maildir flags (e.g. "S", "ST"), as clients do."""
    unique = path.name.split(":")[0]
    target = path.parent.parent / "cur" / f"{unique}:2,{flags}"
    path.rename(target)
    return target
