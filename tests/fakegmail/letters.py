"""Builders for the mail a test delivers: human replies, auto-replies, bounces, new threads."""

from __future__ import annotations

import email.utils
import uuid
from email.message import EmailMessage

from .mime import header, message_ids, parse, reply_subject

BOUNCE_SENDER = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>"


def reply(
    original: EmailMessage, *, sender: str, body: str, date: float, subject: str | None = None
) -> EmailMessage:
    """Build a reply to `original` from `sender`, with In-Reply-To and References."""
    message = _base(sender=sender, to=_reply_target(original), date=date)
    message["Subject"] = subject or reply_subject(header(original, "Subject"))
    _thread_under(message, original)
    message.set_content(body)
    return message


def auto_reply(
    original: EmailMessage, *, sender: str, date: float, return_date: str | None = None
) -> EmailMessage:
    """Build an out-of-office answer (RFC 3834 Auto-Submitted, "Automatic reply:" subject)."""
    message = _base(sender=sender, to=_reply_target(original), date=date)
    message["Subject"] = f"Automatic reply: {header(original, 'Subject') or ''}"
    message["Auto-Submitted"] = "auto-replied"
    message["X-Autoreply"] = "yes"
    _thread_under(message, original)
    back = f" I will be back on {return_date}." if return_date else ""
    message.set_content(f"Thank you for your message. I am out of the office.{back}\n")
    return message


def new_thread(*, sender: str, to: str, subject: str, body: str, date: float) -> EmailMessage:
    """Build a message that starts a conversation of its own."""
    message = _base(sender=sender, to=to, date=date)
    message["Subject"] = subject
    message.set_content(body)
    return message


def bounce(original: EmailMessage, *, recipient: str, account: str, date: float) -> EmailMessage:
    """Build Gmail's own delivery failure notice (RFC 3464 multipart/report) for `original`."""
    boundary = "000000000000" + uuid.uuid4().hex[:16]
    refs = " ".join(message_ids(header(original, "Message-ID")))
    original_head = "".join(f"{k}: {v}\r\n" for k, v in original.items())
    text = (
        f"From: {BOUNCE_SENDER}\r\n"
        f"To: {account}\r\n"
        f"Subject: Delivery Status Notification (Failure)\r\n"
        f"Date: {email.utils.formatdate(date)}\r\n"
        f"Message-ID: {email.utils.make_msgid(domain='mx.google.com')}\r\n"
        f"In-Reply-To: {refs}\r\nReferences: {refs}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; boundary="{boundary}"; report-type=delivery-status\r\n'
        f"\r\n--{boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        "Address not found\r\n\r\n"
        f"Your message wasn't delivered to {recipient} because the address couldn't be"
        " found, or is unable to receive mail.\r\n"
        f"\r\n--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; googlemail.com\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 The email account that you tried to reach"
        " does not exist.\r\n"
        f"\r\n--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n{original_head}"
        f"\r\n--{boundary}--\r\n"
    )
    return parse(text.encode())


def handwritten(
    *, account: str, to: str, subject: str, body: str, date: float, parent: EmailMessage | None
) -> EmailMessage:
    """Build a message the user writes in the Gmail UI, as a reply to `parent` when given."""
    message = _base(sender=account, to=to, date=date)
    message["Subject"] = subject
    if parent is not None:
        _thread_under(message, parent)
    message.set_content(body)
    return message


def _base(*, sender: str, to: str, date: float) -> EmailMessage:
    """Start a message with From, To, Date and a Message-ID from the sender's domain."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Date"] = email.utils.formatdate(date)
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "example.com"
    message["Message-ID"] = email.utils.make_msgid(domain=domain)
    return message


def _reply_target(original: EmailMessage) -> str:
    """Return where a reply to `original` goes: its Reply-To, else its From."""
    return header(original, "Reply-To") or header(original, "From") or ""


def _thread_under(message: EmailMessage, parent: EmailMessage) -> None:
    """Set In-Reply-To and References so `message` answers `parent`."""
    parent_id = header(parent, "Message-ID")
    if not parent_id:
        return
    chain = [*message_ids(header(parent, "References")), *message_ids(parent_id)]
    message["In-Reply-To"] = parent_id
    message["References"] = " ".join(chain)
