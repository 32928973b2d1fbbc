"""Tell what an incoming message is for the stop rules: own, bounce, invite, auto-reply or human.

Works from a mapping of header names to values (and, where the backend read
it, the parsed message), so the Gmail and Maildir backends share it. A
backend first asks `needs_body(headers)`: only a message that may be a
delivery report, a calendar invitation or an auto-reply is worth reading
whole (most human replies answer False, and Gmail bills a raw fetch). The
tests then run in this order, because each later one would misread the
earlier kinds:

1. From one of the account's own addresses: OWN.
2. A delivery report (bounces.py): final, it is a BOUNCE, with the failed
   recipients and what the returned copy gives back of our message (its key
   header and Message-ID); a delay warning or a delivered notice is AUTO.
   Checked before auto-replies because Gmail's bounces carry
   `Auto-Submitted: auto-replied`.
3. A calendar (invites.py): METHOD:REQUEST is an INVITE with its organizer;
   a calendar answer or cancellation is AUTO.
4. An auto-reply (autoreplies.py): AUTO, with the return date its text states
   (return_dates.py).
5. Anything else: HUMAN.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import TYPE_CHECKING

from followup_mailer.model import KEY_HEADER, Kind

if TYPE_CHECKING:
    from followup_mailer.mailbox.mailparts import Parts

# The readers of bounces, auto-replies, invitations and return dates compile about two
# hundred patterns: they are imported when a new message must be read, not by every pass.


def headers_read() -> tuple[str, ...]:
    """Return every header needs_body and classify look at (a backend that fetches headers
    by name asks for these)."""
    from followup_mailer.mailbox import autoreplies

    return (
        *("From", "Sender", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "Return-Path"),
        *("Content-Type", "Content-Class", "Auto-Submitted", "Precedence", "List-Id"),
        "List-Unsubscribe",
        *("X-Failed-Recipients", "X-MS-Exchange-Inbox-Rules-Loop", KEY_HEADER),
        *(name.title() for name in autoreplies.AUTO_HEADERS),
    )


@dataclass(frozen=True, slots=True)
class Classified:
    """What a message is, and what it says about delivery, absence or a next round."""

    kind: Kind
    bounced: tuple[str, ...] = ()  # for a bounce: the lower-case addresses that failed
    # for a bounce: our key header values and Message-IDs found in the returned copy
    returned: tuple[str, ...] = ()
    return_date: date | None = None  # for an auto-reply: the day they are back or away until
    organizer: str = ""  # for an invite: the organizer's lower-case address

    @staticmethod
    def as_text(verdict: Classified | None) -> str | None:
        """Return a verdict as the maildir index stores it (JSON), or None."""
        if verdict is None:
            return None
        back = verdict.return_date.isoformat() if verdict.return_date else None
        kind, bounced, returned = verdict.kind.value, verdict.bounced, verdict.returned
        return json.dumps([kind, bounced, returned, back, verdict.organizer])

    @staticmethod
    def of_text(text: object) -> Classified | None:
        """Return a verdict stored by as_text."""
        if text is None:
            return None
        kind, bounced, returned, back, organizer = json.loads(str(text))
        back_on = date.fromisoformat(back) if back else None
        return Classified(Kind(kind), tuple(bounced), tuple(returned), back_on, organizer)


def needs_body(headers: Mapping[str, str]) -> bool:
    """Tell from the headers alone whether a message may be a delivery report, a calendar
    invitation or an auto-reply, so that a backend reads it whole (any case of names)."""
    from followup_mailer.mailbox import autoreplies, bounces, invites

    fields = _fields(headers)
    return (
        bounces.may_be_report(fields)
        or invites.may_be_invite(fields)
        or autoreplies.may_be_auto_reply(fields)
    )


def classify(
    headers: Mapping[str, str], *, own: Collection[str], message: Message | None = None
) -> Classified:
    """Classify a message from its headers and, when read, its body (see the module docstring)."""
    from followup_mailer.mailbox import autoreplies, bounces, invites
    from followup_mailer.mailbox.return_dates import return_date

    fields = _fields(headers)
    if sender(fields) in {address.lower() for address in own}:
        return Classified(Kind.OWN)
    parts = _parts(message)
    report = bounces.read_report(fields, parts, own=own)
    if report is not None:
        if report.final:
            return Classified(Kind.BOUNCE, bounced=report.failed, returned=report.returned)
        return Classified(Kind.AUTO)  # a delay warning or a delivered notice: not final
    calendar = invites.read_calendar(parts) if parts else None
    if calendar and calendar.method == invites.INVITATION:
        return Classified(Kind.INVITE, organizer=calendar.organizer)
    if calendar and invites.is_machine_method(calendar):
        return Classified(Kind.AUTO)
    if autoreplies.is_auto_reply(fields, parts):
        text = autoreplies.absence_text(fields, parts)
        return Classified(Kind.AUTO, return_date=return_date(text, sent=message_date(fields)))
    return Classified(Kind.HUMAN)


def concerns(
    verdict: Classified,
    *,
    addresses: Collection[str],
    domains: Collection[str],
    message_ids: Collection[str] = (),
) -> bool:
    """Tell whether a message from a stranger concerns the watch: a bounce that names a
    watched address or returns one of our keys or Message-IDs, or an invitation organised
    by a watched address or domain."""

    def watched(address: str) -> bool:
        return address in addresses or address.partition("@")[2] in domains

    if verdict.kind is Kind.BOUNCE:
        ours = any(
            v in message_ids or (v.count("/") >= 2 and watched(v.rpartition("/")[2]))
            for v in verdict.returned
        )
        return ours or any(watched(address) for address in verdict.bounced)
    return verdict.kind is Kind.INVITE and watched(verdict.organizer)


def sender(headers: Mapping[str, str]) -> str:
    """Return the lower-case address in From (lower-case header names), or ""."""
    pairs = getaddresses([headers.get("from", "")])
    return pairs[0][1].lower() if pairs else ""


def message_date(headers: Mapping[str, str]) -> datetime | None:
    """Return the Date header (lower-case header names) as an aware datetime, or None."""
    try:
        parsed = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def start_of_day(day: date, *, like: datetime) -> datetime:
    """Return midnight of day in like's timezone (a return date as the mailboxes report it)."""
    return datetime.combine(day, time(0), tzinfo=like.tzinfo)


def decoded(value: object) -> str:
    """Return a header value as text: encoded words decoded, folding undone."""
    text = " ".join(str(value).split())
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError, MessageError):
        return text  # a broken encoded word: keep it as written


def _fields(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): decoded(value) for name, value in headers.items()}


def _parts(message: Message | None) -> Parts | None:
    """Take a read message apart; a message the email package cannot walk counts as unread."""
    if message is None:
        return None
    from followup_mailer.mailbox.mailparts import read_parts

    try:
        return read_parts(message)
    except (ValueError, LookupError, TypeError, AttributeError, IndexError, MessageError):
        return None
