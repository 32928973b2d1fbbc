"""Messages shaped like the real ones mail servers, responders and calendars send.

Written for these tests after the shapes of real mail (delivery reports of
Postfix, Exim, Sendmail, qmail, Exchange, Office 365, Gmail, Yahoo, Amazon SES
and Lotus Domino; auto-replies; calendar invitations): the wording, headers and
MIME layout of each, with our own addresses and text. `judge` parses the bytes
and classifies them exactly as a backend does: headers by lower-case name, the
body read only when `needs_body` asks for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import format_datetime

from followup_mailer.mailbox.classify import Classified, classify, needs_body
from followup_mailer.model import KEY_HEADER

OWN = ("alex@example.com", "alex.rivera@gmail.com")
EST = timezone(timedelta(hours=-5))
SENT = datetime(2026, 11, 20, 9, 30, tzinfo=EST)  # a Friday
DATE = format_datetime(SENT)
DANA = "dana@acme.com"
KEY = "acme-onsite/thank_you/dana@acme.com"
OUR_ID = "<thanks.1@example.com>"


def judge(raw: str | bytes, *, own: tuple[str, ...] = OWN) -> Classified:
    """Classify a message's bytes as a backend does."""
    headers, message = parse(raw)
    return classify(headers, own=own, message=message if needs_body(headers) else None)


def parse(raw: str | bytes) -> tuple[dict[str, str], Message]:
    """Parse bytes as the maildir backend does: headers by lower-case name, and the message."""
    data = raw.encode() if isinstance(raw, str) else raw
    message = BytesParser(policy=policy.default).parsebytes(data)
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), str(value))
    return headers, message


def our_message(to: str = DANA, *, key: str = KEY, message_id: str = OUR_ID) -> str:
    """The headers and text of a message we sent, as a bounce returns it."""
    return (
        f"Return-Path: <alex@example.com>\nFrom: Alex Rivera <alex@example.com>\nTo: {to}\n"
        f"Subject: Thank you for today\nDate: {DATE}\nMessage-ID: {message_id}\n"
        f"{KEY_HEADER}: {key}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
        "Hi Dana,\n\nThank you for taking the time to talk with me today.\n\nAlex Rivera\n"
    )


def status(recipient: str, action: str = "failed", code: str = "5.1.1") -> str:
    """One recipient's delivery-status fields."""
    return (
        f"Final-Recipient: rfc822; {recipient}\nOriginal-Recipient: rfc822;{recipient}\n"
        f"Action: {action}\nStatus: {code}\nRemote-MTA: dns; mx.acme.com\n"
        f"Diagnostic-Code: smtp; {code[0]}50 {code} mailbox unavailable\n"
    )


def report(
    *,
    frm: str,
    subject: str,
    prose: str,
    statuses: tuple[str, ...] = (),
    original: str = "",
    original_type: str = "message/rfc822",
    report_type: str = "; report-type=delivery-status",
    prose_type: str = "text/plain",
    extra: str = "",
) -> str:
    """A multipart/report delivery report (RFC 3464), as most servers send one."""
    parts = [f"Content-Type: {prose_type}; charset=utf-8\n\n{prose}\n"]
    if statuses:
        fields = "Reporting-MTA: dns; mx.acme.com\n\n" + "\n".join(statuses)
        parts.append(f"Content-Type: message/delivery-status\n\n{fields}")
    if original:
        parts.append(f"Content-Type: {original_type}\n\n{original}")
    body = "".join(f"--REPORT\n{part}\n" for part in parts) + "--REPORT--\n"
    return (
        f"From: {frm}\nTo: alex@example.com\nSubject: {subject}\nDate: {DATE}\n"
        f"Message-ID: <report.1@mx.acme.com>\n{extra}MIME-Version: 1.0\n"
        f'Content-Type: multipart/report{report_type}; boundary="REPORT"\n\n{body}'
    )


def plain(frm: str, subject: str, body: str, extra: str = "") -> str:
    """A one-part text/plain message."""
    return (
        f"From: {frm}\nTo: alex@example.com\nSubject: {subject}\nDate: {DATE}\n"
        f"Message-ID: <plain.1@acme.com>\n{extra}MIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}"
    )


def reply(subject: str = "Re: Thank you for today", body: str = "", extra: str = "") -> str:
    """A person's reply in our thread, quoting our message below their words."""
    text = body or "Hi Alex,\n\nThanks for the note. We will be in touch about next steps.\n\nDana"
    quoted = "\n\nOn Fri, Nov 20, 2026 at 9:00 AM Alex Rivera <alex@example.com> wrote:\n> Hi Dana,"
    return plain(
        "Dana Smith <dana@acme.com>",
        subject,
        text + quoted + "\n",
        f"In-Reply-To: {OUR_ID}\nReferences: {OUR_ID}\n{extra}",
    )


def calendar(method: str, organizer: str = "ORGANIZER;CN=Dana Smith:mailto:dana@acme.com") -> str:
    """A VCALENDAR with one VEVENT (CRLF lines, one folded line), as calendar services write."""
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Example Calendar//EN",
        "VERSION:2.0",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        "DTSTART:20261214T150000Z",
        "DTEND:20261214T190000Z",
        "UID:onsite-2026-12-14@acme.com",
        organizer,
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=",
        " TRUE;CN=alex@example.com:mailto:alex@example.com",
        "SUMMARY:Onsite interview",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def invitation(
    *,
    frm: str = "Dana Smith <dana@acme.com>",
    subject: str = "Invitation: Onsite interview @ Mon Dec 14, 2026 10am - 2pm (EST)",
    method: str = "REQUEST",
    organizer: str = "ORGANIZER;CN=Dana Smith:mailto:dana@acme.com",
    layout: str = "google",
    extra: str = "",
) -> str:
    """An invitation email: "google" (text/calendar inside multipart/alternative and an .ics
    attachment, in multipart/mixed), "outlook" (multipart/alternative with Content-Class) or
    "attachment" (an application/ics file only, as iCloud and scheduling tools send)."""
    ics = calendar(method, organizer)
    text = "Content-Type: text/plain; charset=utf-8\n\nYou have been invited to: Onsite interview\n"
    html = "Content-Type: text/html; charset=utf-8\n\n<p>Onsite interview</p>\n"
    cal = f"Content-Type: text/calendar; charset=utf-8; method={method}\n\n{ics}"
    attached = (
        'Content-Type: application/ics; name="invite.ics"\n'
        'Content-Disposition: attachment; filename="invite.ics"\n\n' + ics
    )
    if layout == "outlook":
        extra += "Content-Class: urn:content-classes:calendarmessage\n"
        top, body = "multipart/alternative", _multipart("ALT", text, html, cal)
    elif layout == "attachment":
        top, body = "multipart/mixed", _multipart("MIX", text, attached)
    else:
        alternative = 'Content-Type: multipart/alternative; boundary="ALT"\n\n' + _multipart(
            "ALT", text, html, cal
        )
        top, body = "multipart/mixed", _multipart("MIX", alternative, attached)
    boundary = "ALT" if top == "multipart/alternative" else "MIX"
    return (
        f"From: {frm}\nTo: alex@example.com\nSubject: {subject}\nDate: {DATE}\n"
        f"Message-ID: <invite.1@acme.com>\n{extra}MIME-Version: 1.0\n"
        f'Content-Type: {top}; boundary="{boundary}"\n\n{body}'
    )


def _multipart(boundary: str, *parts: str) -> str:
    return "".join(f"--{boundary}\n{part}\n" for part in parts) + f"--{boundary}--\n"
