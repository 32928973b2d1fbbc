"""Tell what an incoming message is for the stop rules: own, bounce, auto-reply or human.

Works from a mapping of header names to values (and, where the backend has it,
the message's text), so the Gmail and Maildir backends share it. The tests run
in this order, because each later one would misread the earlier kinds:

1. From one of the account's own addresses: OWN.
2. A bounce (multipart/report delivery-status, mailer-daemon/postmaster sender,
   or a delivery-failure subject): BOUNCE, with the failed recipients read from
   the delivery-status fields or X-Failed-Recipients. Checked before auto-replies
   because Gmail's bounces also carry `Auto-Submitted: auto-replied`. A report
   whose recipients were only delayed (or delivered) is no bounce: AUTO.
3. An auto-reply (RFC 3834 Auto-Submitted, X-Autoreply and friends, Precedence,
   or an out-of-office subject): AUTO, with the return date the text states.
4. Anything else: HUMAN.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from followup_mailer.model import Kind

BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
BOUNCE_SUBJECTS = (
    "delivery status notification (failure)",
    "undeliverable:",
    "undelivered mail returned to sender",
    "mail delivery failed",
)
AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-response-suppress")
AUTO_PRECEDENCE = frozenset({"auto_reply", "auto-reply", "bulk", "junk", "list"})
AUTO_SUBJECTS = (
    "automatic reply",
    "automatic response",
    "auto reply",
    "auto-reply",
    "autoreply",
    "out of office",
    "out of the office",
    "ooo:",
    "oof:",
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:,?\s+(?P<year>\d{4})(?!\d))?"
_DATE_FORMS = (
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"),
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + _YEAR, re.IGNORECASE),
    re.compile(_DAY + r"\s+(?:of\s+)?" + _MONTH + r"\b" + _YEAR, re.IGNORECASE),
)
# Words that announce the return date, within a few words before it.
_RETURN_CUE = re.compile(
    r"\b(back|return|returning|returns|until|till|through|thru|resume|resuming)\b", re.IGNORECASE
)
_CUE_REACH = 40


@dataclass(frozen=True, slots=True)
class Classified:
    """What a message is, and what it says about delivery or absence."""

    kind: Kind
    bounced: tuple[str, ...] = ()  # for a bounce: the addresses that failed
    return_date: date | None = None  # for an auto-reply: when the sender is back


def classify(
    headers: Mapping[str, str],
    *,
    own: Collection[str],
    body_text: str = "",
    content_type: str = "",
) -> Classified:
    """Classify a message from its headers (and text, when available) for the stop rules."""
    fields = {name.lower(): decoded(value) for name, value in headers.items()}
    if sender(fields) in {address.lower() for address in own}:
        return Classified(Kind.OWN)
    if looks_like_bounce(fields, content_type):
        return _bounce(fields, body_text)
    if looks_like_auto_reply(fields, content_type):
        return Classified(Kind.AUTO, return_date=return_date(body_text, sent=message_date(fields)))
    return Classified(Kind.HUMAN)


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


def looks_like_bounce(headers: Mapping[str, str], content_type: str = "") -> bool:
    """Tell whether a message looks like a delivery report (lower-case header names)."""
    report = _content(content_type or headers.get("content-type", ""))
    if report.get_content_type() == "multipart/report":
        return str(report.get_param("report-type", "")).lower() == "delivery-status"
    subject = headers.get("subject", "").strip().lower()
    return sender(headers).partition("@")[0] in BOUNCE_SENDERS or subject.startswith(
        BOUNCE_SUBJECTS
    )


def looks_like_auto_reply(headers: Mapping[str, str], content_type: str = "") -> bool:
    """Tell whether a message was sent by a machine rather than a person (lower-case names)."""
    submitted = headers.get("auto-submitted", "").partition(";")[0].strip().lower()
    precedence = headers.get("precedence", "").strip().lower()
    subject = headers.get("subject", "").strip().lower()
    return (
        submitted not in ("", "no")
        or any(name in headers for name in AUTO_HEADERS)
        or precedence in AUTO_PRECEDENCE
        or subject.startswith(AUTO_SUBJECTS)
        # a read receipt or another machine report is no reply either
        or _content(content_type or headers.get("content-type", "")).get_content_type()
        == "multipart/report"
    )


def failed_recipients(headers: Mapping[str, str], body_text: str) -> tuple[str, ...]:
    """Return the addresses a delivery report says failed, from its fields and headers."""
    failed = [
        address
        for block in _dsn_blocks(body_text)
        if block.get("action", "").lower() == "failed"
        for address in _dsn_addresses(block)
    ]
    failed += [a.lower() for _, a in getaddresses([headers.get("x-failed-recipients", "")]) if a]
    return tuple(dict.fromkeys(failed))


def return_date(text: str, *, sent: datetime | None) -> date | None:
    """Find the date an out-of-office text says its sender is back, best effort."""
    found = [(at, day) for at, day in _dates(text, sent) if sent is None or day >= sent.date()]
    cued = [day for at, day in found if _RETURN_CUE.search(text[max(0, at - _CUE_REACH) : at])]
    if cued:
        return cued[0]
    return max((day for _, day in found), default=None)


def message_text(message: Message) -> str:
    """Return a parsed message's readable text: text parts and delivery-status fields."""
    return "\n\n".join(_texts(message))


def _texts(part: Message) -> Iterator[str]:
    """Yield the text of a part and its subparts, leaving out a returned original message."""
    kind, payload = part.get_content_type(), part.get_payload()
    subparts = [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
    if kind == "message/delivery-status":
        for block in subparts:
            yield "\n".join(f"{name}: {value}" for name, value in block.items())
    elif kind == "message/rfc822":
        return  # the returned original: its text is not what the report says
    elif subparts:
        for sub in subparts:
            yield from _texts(sub)
    elif kind in ("text/plain", "text/html"):
        raw = part.get_payload(decode=True)
        charset = part.get_content_charset() or "utf-8"
        text = raw.decode(charset, "replace") if isinstance(raw, bytes) else ""
        yield html.unescape(re.sub(r"<[^>]+>", " ", text)) if kind == "text/html" else text


def _bounce(headers: Mapping[str, str], body_text: str) -> Classified:
    """Classify a delivery report: a bounce, unless it only reports a delay."""
    failed = failed_recipients(headers, body_text)
    actions = {block.get("action", "").lower() for block in _dsn_blocks(body_text)} - {""}
    if not failed and (actions or "delay" in headers.get("subject", "").lower()):
        return Classified(Kind.AUTO)  # delayed or delivered: not final, the cadence goes on
    return Classified(Kind.BOUNCE, bounced=failed)


def _dsn_blocks(text: str) -> Iterator[dict[str, str]]:
    """Yield the field blocks of delivery-status text, names lower-cased."""
    unfolded = re.sub(r"\r?\n[ \t]+", " ", text.replace("\r\n", "\n"))
    for chunk in re.split(r"\n\s*\n", unfolded):
        fields = {
            m.group(1).lower(): m.group(2).strip()
            for m in re.finditer(r"^([A-Za-z][A-Za-z-]*):[ \t]*(.*)$", chunk, re.MULTILINE)
        }
        if "action" in fields:
            yield fields


def _dsn_addresses(block: Mapping[str, str]) -> list[str]:
    """Return the recipient addresses of one delivery-status block (type prefix removed)."""
    values = (block.get("original-recipient", ""), block.get("final-recipient", ""))
    addresses = [value.rpartition(";")[2].strip().strip("<>").lower() for value in values]
    return [address for address in addresses if "@" in address]


def _dates(text: str, sent: datetime | None) -> list[tuple[int, date]]:
    """Return the dates written in text with their positions, in reading order."""
    found: dict[tuple[int, int], date] = {}
    for form in _DATE_FORMS:
        for match in form.finditer(text):
            day = _date_of(match, sent)
            # "30 November 2026" must not count again as "November 20..." or the like
            if day and not any(s < match.end() and match.start() < e for s, e in found):
                found[match.span()] = day
    return [(start, day) for (start, _), day in sorted(found.items())]


def _date_of(match: re.Match[str], sent: datetime | None) -> date | None:
    """Turn a date match into a date; a year-less one is the next such date from `sent`."""
    month_text, day = match.group("month"), int(match.group("day"))
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
    year = match.group("year")
    try:
        if year:
            return date(int(year), month, day)
        if sent is None:
            return None
        candidate = date(sent.year, month, day)
        return candidate if candidate >= sent.date() else date(sent.year + 1, month, day)
    except ValueError:
        return None  # 31 November and the like


def _content(value: str) -> Message:
    """Parse a Content-Type value into a message that answers type and parameter queries."""
    holder = Message()
    if value:
        holder["Content-Type"] = value
    return holder


def decoded(value: object) -> str:
    """Return a header value as text: encoded words decoded, folding undone."""
    text = " ".join(str(value).split())
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError):
        return text
