"""The reminder note to oneself: the drafts waiting, each with its recipient and its deadline.

It goes from the account's address to the same address, carries our key header like every
message we create, and is built by the same safe header code. Its text is ours, not a
template's; the values it lists come from the ledger, so a stray control character in one is
replaced rather than refused (a reminder must never fail to go out).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage

from followup_mailer.compose import envelope, headers
from followup_mailer.compose.parts import Reminder, Writer
from followup_mailer.errors import Problem, TemplateError
from followup_mailer.model import REJECTION, STAY_IN_TOUCH, THANK_YOU, Person, followup_number


def compose_reminder(
    writer: Writer, *, items: Sequence[Reminder], key: str, date: datetime
) -> EmailMessage:
    """Build the note listing the drafts waiting, to and from the account's own address."""
    if date.utcoffset() is None:
        raise ValueError("compose_reminder needs a timezone-aware date")
    sender = writer.sender
    problems = [
        headers.value_problem(sender.name, where="account.name", file=headers.CONFIG_FILE),
        headers.address_problem(sender.email, where="account.email", file=headers.CONFIG_FILE),
        headers.value_problem(key, where="reminder key", file="mailbox"),
    ]
    found = [problem for problem in problems if problem]
    if found or not key.isascii():
        found = found or [Problem(file="mailbox", key="reminder key", message="is not ASCII")]
        raise TemplateError("\n".join(map(str, found)), found)
    me = Person(name=sender.name, email=sender.email)
    message = envelope.build_message(
        sender=sender,
        recipient=me,
        subject=reminder_subject(items),
        date=date.astimezone(writer.timezone),
        key=key,
        previous=None,
    )
    envelope.set_body(message, reminder_text(writer, items), None)
    envelope.verify_round_trip(message, to=sender.email.strip(), headers=message.keys(), where=key)
    return message


def reminder_subject(items: Sequence[Reminder]) -> str:
    """Say how many drafts wait, and how many are overdue."""
    count = len(items)
    overdue = sum(1 for item in items if item.overdue)
    subject = f"{count} draft{'s' if count != 1 else ''} waiting to be sent"
    return subject + (f" ({overdue} overdue)" if overdue else "")


def reminder_text(writer: Writer, items: Sequence[Reminder]) -> str:
    """List the drafts, overdue ones first, each with its recipient and deadline."""
    ordered = sorted(items, key=lambda item: (not item.overdue, item.send_by is None, item.send_by))
    lines = ["These drafts are waiting in your Drafts folder:", ""]
    for item in ordered:
        lines.append(
            f"- {_step_name(item.step)} to {_clean(item.to_name)} <{_clean(item.to_email)}>"
        )
        lines.append(f"  {_clean(item.role)} at {_clean(item.company)} ({_clean(item.interview)})")
        lines.append(f"  {_deadline(writer, item)}")
    lines += ["", "Read each one, change what you like, and press Send.", "", "followup-mailer"]
    return "\n".join(lines) + "\n"


def _deadline(writer: Writer, item: Reminder) -> str:
    """Say when to send a draft by, in the account's timezone with the zone named."""
    if item.send_by is None:
        return "send when you are ready"
    when = item.send_by.astimezone(writer.timezone)
    shown = f"{when:%A, %B} {when.day}, {when:%H:%M %Z}"
    return f"OVERDUE: it was due by {shown}" if item.overdue else f"send by {shown}"


def _step_name(step: str) -> str:
    """Name a step in words: "Thank-you note", "Follow-up 2"."""
    number = followup_number(step)
    if number:
        return f"Follow-up {number}"
    names = {THANK_YOU: "Thank-you note", REJECTION: "Reply to the decision"}
    return names.get(step, "Stay-in-touch note" if step == STAY_IN_TOUCH else step)


def _clean(text: str) -> str:
    """Replace control characters with U+FFFD, so a listed value cannot break a line."""
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
