"""What passes between the fake's HTTP layer and its answers: requests in, outcomes out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs


@dataclass(frozen=True)
class RequestRecord:
    """One request the fake received, and how it was answered."""

    method: str  # Gmail method name ("drafts.create"), "oauth.token", or "unknown"
    verb: str
    path: str
    query: dict[str, list[str]]
    body: Any
    at: float
    status: int | None = None  # None: no response (still running, or the socket was dropped)
    units: int = 0  # quota units charged
    batch: int | None = None  # the log index of the batch request that carried it


@dataclass(frozen=True)
class Incoming:
    """A parsed HTTP request."""

    verb: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None
    body: Any
    raw: bytes = b""  # the body as it came (a batch is parsed from it)
    content_type: str = ""


@dataclass(frozen=True)
class Outcome:
    """What to send back: a status, JSON body and headers, or nothing at all."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    dropped: bool = False
    units: int = 0
    raw: bytes | None = None  # a body that is not JSON (a batch answer), with its type
    content_type: str = ""


def decode_body(data: bytes, content_type: str) -> Any:
    """Decode a JSON or form body (form values flattened to their last value)."""
    if not data:
        return None
    text = data.decode("utf-8", errors="replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
    try:
        return json.loads(text)
    except ValueError:
        return text
