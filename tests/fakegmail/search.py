"""The part of Gmail's search language (`q`) the fake understands.

Operators: in:sent|drafts|draft|inbox|anywhere, is:unread, label:NAME, rfc822msgid:ID,
newer_than:/older_than: Nd|Nm|Ny, from:, to:, subject:, and bare words (subject and
body text). A leading "-" negates a term. Other real operators are refused (400) so a
test never silently relies on one the fake lacks. Like Gmail, no operator searches an
arbitrary header: an unknown "name:value" is plain words, so X- headers are only
found by reading messages.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable

from .apierrors import bad_request
from .mime import header, message_ids
from .store import StoredMessage

_TERM = re.compile(r'(-?)(?:(\w+):)?("[^"]*"|\S+)')
_AGE = re.compile(r"(\d+)([dmy])")
_DAY_MS = 86_400_000
_AGE_MS = {"d": _DAY_MS, "m": 31 * _DAY_MS, "y": 365 * _DAY_MS}
_GMAIL_ONLY = {
    *("after", "before", "older", "newer", "cc", "bcc", "has", "filename", "list"),
    *("category", "size", "larger", "smaller", "deliveredto", "around"),
}
_IN_LABELS = {"sent": "SENT", "drafts": "DRAFT", "draft": "DRAFT", "inbox": "INBOX"}

Predicate = Callable[[StoredMessage], bool]


def compile_query(query: str, *, now_ms: int) -> Predicate:
    """Turn a `q` string into a predicate over messages (400 on what the fake cannot do)."""
    tests = [
        _term(op, value.strip('"'), negate == "-", now_ms) for negate, op, value in _terms(query)
    ]
    return lambda message: all(test(message) for test in tests)


def _terms(query: str) -> list[tuple[str, str, str]]:
    """Split a query into (negation, operator, value) triples."""
    return [(m.group(1), (m.group(2) or "").lower(), m.group(3)) for m in _TERM.finditer(query)]


def _term(op: str, value: str, negate: bool, now_ms: int) -> Predicate:
    """Build the predicate for one term."""
    test = _positive(op, value, now_ms)
    return (lambda m: not test(m)) if negate else test


def _positive(op: str, value: str, now_ms: int) -> Predicate:
    """Build the predicate for one un-negated term."""
    if op == "in":
        return _in(value.lower())
    if op == "is" and value.lower() == "unread":
        return lambda m: "UNREAD" in m.label_ids
    if op == "label":
        return lambda m: value.upper() in m.label_ids
    if op == "rfc822msgid":
        wanted = value if value.startswith("<") else f"<{value}>"
        return lambda m: wanted in message_ids(m.header("Message-ID"))
    if op in ("newer_than", "older_than"):
        cutoff = now_ms - _age_ms(value)
        return (lambda m: m.internal_date > cutoff) if op == "newer_than" else _older(cutoff)
    if op in ("from", "to", "subject"):
        field = {"from": "From", "to": "To", "subject": "Subject"}[op]
        return lambda m: value.lower() in (m.header(field) or "").lower()
    if op in _GMAIL_ONLY or op == "is":
        raise bad_request(f"The fake does not implement the Gmail search operator {op}:")
    # Gmail reads an unknown "name:value" as plain words, so a header name finds nothing.
    word = f"{op}:{value}" if op else value
    return lambda m: word.lower() in _text(m)


def _in(place: str) -> Predicate:
    """Build the predicate for in:PLACE."""
    if place == "anywhere":
        return lambda m: True
    if place not in _IN_LABELS:
        raise bad_request(f"Unsupported search location in fake Gmail: in:{place}")
    label = _IN_LABELS[place]
    return lambda m: label in m.label_ids


def _older(cutoff: int) -> Predicate:
    """Build the predicate for older_than."""
    return lambda m: m.internal_date < cutoff


def _age_ms(value: str) -> int:
    """Convert 3d / 2m / 1y to milliseconds."""
    match = _AGE.fullmatch(value.lower())
    if not match:
        raise bad_request(f"Invalid age in search query: {value}")
    return int(match.group(1)) * _AGE_MS[match.group(2)]


def _text(message: StoredMessage) -> str:
    """Return what a bare word is matched against: subject, sender and body text."""
    body = message.email.get_body(preferencelist=("plain", "html"))
    content = body.get_content() if body is not None else ""
    sender = email.utils.parseaddr(header(message.email, "From") or "")[1]
    return f"{message.header('Subject') or ''} {sender} {content}".lower()
