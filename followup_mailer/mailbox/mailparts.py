"""Take a received message apart into what the classifier reads.

A parsed message (email.message.Message, any policy) becomes a `Parts`:
- `prose`: the readable text of the message itself (text/plain parts, else
  text/html with the tags removed), without a returned or forwarded original
  and with a plain-text bounce's quoted copy of the original cut off;
- `status`: the per-recipient field blocks of a delivery-status report
  (message/delivery-status parts, or the same fields written in the text);
- `original`: the headers of the message a bounce returned, from a
  message/rfc822 or text/rfc822-headers part, else from the copy a plain-text
  bounce quotes below a separator line such as "--- Below this line is a copy
  of the message.";
- `calendars`: the text of text/calendar parts and .ics attachments.

Nothing below a message/rfc822 part counts as the message's own text, status
or calendar: a person forwarding a bounce or an invitation is still a person.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32

PROSE_TYPES = ("text/plain", "text/html")
CALENDAR_TYPES = ("text/calendar", "application/ics")
ORIGINAL_TYPES = (
    "message/rfc822",
    "text/rfc822-headers",
    "message/global",
    "message/global-headers",
)
# enough text to hold any report's prose and a returned copy's headers
TEXT_LIMIT = 200_000

# Lines that announce the quoted original in plain-text bounces (qmail, Exim,
# Sendmail, OpenSMTPD, Gmail, Exchange, m-FILTER and other servers' wording).
_ORIGINAL_MARKER = re.compile(
    r"^[ \t>]*[-=*_ ]*(?:"
    r"below this line is a copy of the message"
    r"|this is a copy of the (?:message|headers)"
    r"|(?:the )?original message (?:follows|headers?)|original message:?[ \t-]*$"
    r"|original mail info|message headers? follows?|(?:un)?sent message follows"
    r"|below is a copy of the original message|original message headers"
    r"|the first \d+ lines of your original message|received message follows"
    r"|returned message(?: follows|[ \t]*[-=*]*[ \t]*$)|headers of your message"
    r"|your original message"
    r"|---- ?original message ?-+|message text follows"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_BLOCK = re.compile(r"(?<=\n)[ \t]*\n(?=(?:Return-Path|Received):)", re.IGNORECASE)
_FIELD_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$", re.MULTILINE)
_TAG = re.compile(r"<(?:script|style)\b.*?</(?:script|style)>|<[^>]+>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Parts:
    """What a message says, part by part (see the module docstring)."""

    prose: str = ""
    status: tuple[Mapping[str, str], ...] = ()
    original: Mapping[str, str] = field(default_factory=dict)
    quoted: str = ""  # a plain-text bounce's quoted original, as text
    calendars: tuple[tuple[str, str], ...] = ()  # (Content-Type method parameter, text)
    has_report: bool = False  # a message/delivery-status part was there


def read_parts(message: Message) -> Parts:
    """Take a message apart (see the module docstring)."""
    prose: list[str] = []
    status: list[Mapping[str, str]] = []
    originals: list[Mapping[str, str]] = []
    calendars: list[tuple[str, str]] = []
    has_report = False
    for part in _leaves(message):
        kind = part.get_content_type()
        if kind in ORIGINAL_TYPES:
            originals.append(_original_headers(part))
        elif kind in ("message/delivery-status", "message/global-delivery-status"):
            has_report = True
            status += status_blocks(_status_text(part))
        elif kind in CALENDAR_TYPES or _filename(part).endswith(".ics"):
            calendars.append((str(part.get_param("method", "") or ""), payload_text(part)))
        elif kind in PROSE_TYPES and not _attachment(part):
            text = payload_text(part)
            prose.append(strip_html(text) if kind == "text/html" else text)
        elif kind.startswith("multipart/"):  # its boundary was not found: read it as text
            prose.append(payload_text(part))
    text = "\n\n".join(prose)[:TEXT_LIMIT]
    own_text, quoted = split_quoted_original(text)
    original = originals[0] if originals else _quoted_headers(quoted)
    # text-only reports (and some broken ones) write the status fields in their prose
    status = status or [b for b in status_blocks(own_text) if _names_a_recipient(b)]
    return Parts(own_text, tuple(status), original, quoted, tuple(calendars), has_report)


def payload_text(part: Message) -> str:
    """Return a leaf part's content as text, decoded by its charset, "" when unreadable."""
    try:
        raw = part.get_payload(decode=True)
    except (ValueError, LookupError, TypeError, AssertionError):
        raw = None
    if not isinstance(raw, bytes):
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return raw.decode(charset, "replace")
    except LookupError:
        return raw.decode("latin-1")


def strip_html(text: str) -> str:
    """Return the text of an HTML body: tags dropped, block ends as line breaks."""
    text = re.sub(r"<\s*(?:br|/p|/div|/tr|/li|/h\d)\b[^>]*>", "\n", text, flags=re.IGNORECASE)
    return html.unescape(_TAG.sub(" ", text))


def split_quoted_original(text: str) -> tuple[str, str]:
    """Split a plain-text bounce into its own words and the original it quotes below them:
    from a separator line, else from a header block (Return-Path:, Received:) after a blank
    line."""
    marker = _ORIGINAL_MARKER.search(text) or _HEADER_BLOCK.search(text)
    if marker is None:
        return text, ""
    return text[: marker.start()], text[marker.start() :]


def status_blocks(text: str) -> Iterator[dict[str, str]]:
    """Yield the field blocks of delivery-status text (names lower-cased) that name an action
    or a status."""
    unfolded = re.sub(r"\r?\n[ \t]+", " ", text.replace("\r\n", "\n"))
    for chunk in re.split(r"\n\s*\n", unfolded):
        fields = {m.group(1).lower(): m.group(2).strip() for m in _FIELD_LINE.finditer(chunk)}
        if "action" in fields or ("status" in fields and "final-recipient" in fields):
            yield fields


def _names_a_recipient(block: Mapping[str, str]) -> bool:
    return "final-recipient" in block or "original-recipient" in block


def _leaves(part: Message) -> Iterator[Message]:
    """Yield the leaf parts of a message, a returned original (message/rfc822) as one leaf."""
    if part.get_content_type() in ORIGINAL_TYPES or part.get_content_type().startswith("message/"):
        yield part
        return
    payload = part.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
                yield from _leaves(sub)
    else:
        yield part


def _status_text(part: Message) -> str:
    """Return a delivery-status part as text: its parsed blocks, or its raw content."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = [b for b in payload if isinstance(b, Message)]
        return "\n\n".join("\n".join(f"{n}: {v}" for n, v in b.items()) for b in blocks)
    return payload_text(part)


def _original_headers(part: Message) -> dict[str, str]:
    """Return the headers of a returned original (message/rfc822 or text/rfc822-headers)."""
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return _lower_case(payload[0])
    return _quoted_headers(payload_text(part))


def _quoted_headers(text: str) -> dict[str, str]:
    """Parse the header lines of an original quoted as text (">" quoting removed)."""
    lines = [re.sub(r"^[ \t]*>[ \t]?", "", line) for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if _FIELD_LINE.match(line.strip())), None)
    if start is None:
        return {}
    block = "\n".join(
        line.lstrip() if _FIELD_LINE.match(line.strip()) else line for line in lines[start:]
    )
    return _lower_case(HeaderParser(policy=compat32).parsestr(block, headersonly=True))


def _lower_case(message: Message) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), " ".join(str(value).split()))
    return headers


def _filename(part: Message) -> str:
    try:
        return str(part.get_filename() or "").lower()
    except (ValueError, LookupError, TypeError):
        return ""


def _attachment(part: Message) -> bool:
    return str(part.get("content-disposition", "")).lower().startswith("attachment")
