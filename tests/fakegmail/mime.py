"""RFC 5322 bytes in and out: base64url, header edits at byte level, Gmail's payload view.

Header edits work on the raw bytes rather than re-serialising a parsed message, so
everything the client wrote (X- headers, body bytes, folding) survives untouched,
which is what Gmail does with the headers it does not own.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import html
import re
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from typing import Any

_B64URL = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv|antw)\s*:\s*)+", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def decode_raw(value: object) -> bytes:
    """Decode a base64url `raw` field strictly, padded or not, as Gmail does."""
    if not isinstance(value, str) or not _B64URL.match(value):
        raise ValueError("Invalid value for ByteString")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except binascii.Error as error:
        raise ValueError("Invalid value for ByteString") from error


def encode_b64url(data: bytes) -> str:
    """Encode bytes as base64url with padding, as Gmail's `raw` and `body.data` are."""
    return base64.urlsafe_b64encode(data).decode("ascii")


def parse(raw: bytes) -> EmailMessage:
    """Parse RFC 5322 bytes with the modern email policy."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def parse_head(raw: bytes) -> EmailMessage:
    """Parse only the header fields of RFC 5322 bytes (the body stays text), as parse() does."""
    message = BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def split_head(raw: bytes) -> tuple[list[bytes], bytes, bytes]:
    """Split raw bytes into header fields (each with its folded lines), the newline, the rest."""
    newline = b"\r\n" if b"\r\n" in raw.split(b"\n\n", 1)[0] else b"\n"
    head, _, rest = raw.partition(newline + newline)
    fields: list[bytes] = []
    for line in head.split(newline):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += newline + line
        elif line:
            fields.append(line)
    return fields, newline, rest


def set_header(raw: bytes, name: str, value: str) -> bytes:
    """Replace every occurrence of header `name` with one `name: value` field."""
    fields, newline, rest = split_head(raw)
    prefix = name.lower().encode("ascii") + b":"
    kept = [f for f in fields if not f.lower().startswith(prefix)]
    kept.append(f"{name}: {value}".encode())
    return newline.join(kept) + newline + newline + rest


def ensure_header(raw: bytes, name: str, value: str) -> bytes:
    """Add header `name` only when the message has none."""
    prefix = name.lower().encode("ascii") + b":"
    fields, _, _ = split_head(raw)
    if any(f.lower().startswith(prefix) for f in fields):
        return raw
    return set_header(raw, name, value)


def header(message: Message, name: str) -> str | None:
    """Return a header's value as text, or None when absent."""
    value = message.get(name)
    return None if value is None else str(value)


def message_ids(value: str | None) -> list[str]:
    """Return the <...> message ids found in a Message-ID/In-Reply-To/References value."""
    return _MESSAGE_ID.findall(value or "")


def normalize_subject(subject: str | None) -> str:
    """Reduce a subject to what Gmail compares when threading (no Re:/Fwd:, case, spaces)."""
    bare = _SUBJECT_PREFIX.sub("", subject or "")
    return " ".join(bare.split()).casefold()


def reply_subject(subject: str | None) -> str:
    """Return `Re: subject` unless the subject already has a reply prefix."""
    subject = subject or ""
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def headers_view(message: Message, wanted: list[str] | None) -> list[dict[str, str]]:
    """List headers in order as {name, value}; `wanted` filters names case-insensitively."""
    names = {w.lower() for w in wanted} if wanted else None
    return [
        {"name": name, "value": str(value)}
        for name, value in message.items()
        if names is None or name.lower() in names
    ]


def payload_view(message: Message, *, wanted: list[str] | None, with_body: bool) -> dict[str, Any]:
    """Render Gmail's MessagePart tree (metadata: top-level headers only)."""
    if not with_body:
        return {
            "partId": "",
            "mimeType": message.get_content_type(),
            "filename": "",
            "headers": headers_view(message, wanted),
            "body": {"size": 0},
        }
    return _part(message, "")


def _part(part: Message, part_id: str) -> dict[str, Any]:
    """Render one MIME part and its children."""
    view: dict[str, Any] = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": part.get_filename() or "",
        "headers": headers_view(part, None),
    }
    if part.get_content_maintype() == "multipart":
        children = part.get_payload()
        assert isinstance(children, list)
        prefix = f"{part_id}." if part_id else ""
        view["body"] = {"size": 0}
        view["parts"] = [_part(c, f"{prefix}{i}") for i, c in enumerate(children)]
        return view
    data = _leaf_bytes(part)
    view["body"] = {"size": len(data), "data": encode_b64url(data)} if data else {"size": 0}
    return view


def _leaf_bytes(part: Message) -> bytes:
    """Return a leaf part's decoded content (message/* parts as their serialised text)."""
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    inner = part.get_payload()
    if isinstance(inner, list):
        return b"\r\n".join(m.as_bytes() for m in inner if isinstance(m, Message))
    return str(inner).encode()


def snippet(message: EmailMessage) -> str:
    """Return the first 100 characters of the plain-text body, HTML-escaped like Gmail's."""
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    if not isinstance(text, str):
        return ""
    return html.escape(" ".join(text.split())[:100])
