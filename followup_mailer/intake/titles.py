"""Company and role from a calendar event's title, and calendar text made safe for one line.

Titles are written by recruiters' calendars in a few common shapes: "Interview: Senior Backend
Engineer – Acme Corp", "Acme Corp / Backend interview", "Platform Engineer at Globex". The guess
is careful: a title it cannot split into one part that reads like a role and one that does not
gives "" for both, and the command asks for --company and --role.
"""

from __future__ import annotations

import re
import unicodedata

_ROLE_WORDS = re.compile(
    r"\b(engineer\w*|developer|manager|designer|analyst|scientist|architect|lead|director|"
    r"intern\w*|consultant|specialist|administrator|backend|frontend|full[- ]?stack|devops|sre|"
    r"software|senior|junior|staff|principal|head|vp|product|position|role)\b",
    re.IGNORECASE,
)
_INTERVIEW_WORD = re.compile(r"\binterview\b", re.IGNORECASE)
# words about the meeting, not the company or the role: "Hooli Phone Screen"
_MEETING_WORDS = re.compile(
    r"\b(?:(?:phone|video|technical)\s+)?(?:interview|screen(?:ing)?|on-?site)\b", re.IGNORECASE
)
_PREFIX = re.compile(
    r"^\s*(?:(?:phone|video|onsite|on-site|technical|final|first|second|third)[- ]?)?"
    r"(?:round\s+)?interview\b\s*(?:(?:with|for)\b|[:\-–—|])?\s*",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s+[-–—|/@]\s+|\s*[|–—]\s*|:\s+|\s+at\s+", re.IGNORECASE)
# control characters, line and paragraph separators, lone surrogates: never in a mail header
_UNSAFE = frozenset({"Cc", "Zl", "Zp", "Cs"})


def guess_company_and_role(summary: str, company: str = "", role: str = "") -> tuple[str, str]:
    """Guess (company, role) from an event title; "" for a part it cannot tell."""
    text = _PREFIX.sub("", one_line(summary)).strip()
    parts = [p.strip() for p in _SEPARATOR.split(text) if p.strip()]
    if company or role:  # one is known: the rest of the title is the other
        known = (company or role).lower()
        parts = [p for p in parts if known not in p.lower()] or parts
        rest = _without_interview(" ".join(parts)) if len(parts) == 1 else ""
        return (company, role or rest) if company else (rest, role)
    if len(parts) != 2:
        return "", ""
    first, second = parts
    if _looks_like_role(second) and not _looks_like_role(first):
        first, second = second, first
    elif not _looks_like_role(first):
        return "", ""
    return _without_meeting_words(second) or second, _without_interview(first)


def _looks_like_role(text: str) -> bool:
    return bool(_ROLE_WORDS.search(text) or _INTERVIEW_WORD.search(text))


def _without_meeting_words(text: str) -> str:
    return re.sub(r"\s+", " ", _MEETING_WORDS.sub("", text)).strip(" -–—:")


def _without_interview(text: str) -> str:
    return re.sub(r"\s+", " ", _INTERVIEW_WORD.sub("", text)).strip(" -–—:")


def one_line(text: str) -> str:
    """Return text on one line, spaces collapsed: calendar text ends up in mail headers."""
    safe = "".join(" " if unicodedata.category(c) in _UNSAFE else c for c in text)
    return " ".join(safe.split())
