"""Gmail's batch wire format: a multipart/mixed POST of HTTP requests, answered in kind.

Each part of the request is `Content-Type: application/http` with a Content-ID and an
embedded request (request line, headers, blank line, body); each part of the answer
carries `Content-ID: <response-ID>` and an embedded response (status line, headers,
blank line, JSON). Google takes at most 100 requests in one batch (batch guide).
"""

from __future__ import annotations

import email
import email.policy
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .exchange import Incoming, decode_body

PATHS = frozenset({"/batch/gmail/v1", "/batch"})
LIMIT = 100  # requests in one batch, as Gmail allows
_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized"}
_REASONS |= {403: "Forbidden", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Error"}


@dataclass(frozen=True)
class Part:
    """One request inside a batch."""

    content_id: str  # without the angle brackets
    verb: str
    target: str  # path and query, as on a request line
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class PartAnswer:
    """The answer to one part: status, JSON body (or None) and extra headers."""

    content_id: str
    status: int
    body: Any = None
    headers: dict[str, str] | None = None


def parse(body: bytes, content_type: str) -> list[Part]:
    """Split a batch request into its parts (ValueError when it is not one)."""
    if not content_type.lower().startswith("multipart/mixed"):
        raise ValueError("a batch request must be multipart/mixed")
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.message_from_bytes(head + body, policy=email.policy.compat32)
    payload = message.get_payload()
    if not message.is_multipart() or not isinstance(payload, list) or not payload:
        raise ValueError("a batch request needs at least one part")
    # the parts of a multipart message are messages (a str is only ever a leaf's payload)
    return [_part(part) for part in payload if isinstance(part, email.message.Message)]


def _part(part: email.message.Message) -> Part:
    """Read one application/http part: its Content-ID and the request inside it."""
    content_id = str(part.get("Content-ID", "")).strip().removeprefix("<").removesuffix(">")
    text = part.get_payload(decode=False)
    if not isinstance(text, str) or not text.strip():
        raise ValueError("an empty part in a batch request")
    data = text.encode("utf-8")
    newline = b"\r\n" if b"\r\n" in data.split(b"\n\n", 1)[0] else b"\n"
    head, _, rest = data.partition(newline + newline)
    request_line, *lines = head.decode("utf-8").split(newline.decode())
    verb, target, *_ = request_line.split(" ")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Part(content_id, verb.upper(), target, headers, rest)


def incoming(part: Part) -> Incoming:
    """Turn a part of a batch into the request it carries."""
    url = urlsplit(part.target)
    query = parse_qs(url.query, keep_blank_values=True)
    verb, data = part.verb, part.body
    override = part.headers.get("x-http-method-override")
    if verb == "POST" and override:  # a long GET, sent as a form body
        query |= parse_qs(data.decode(), keep_blank_values=True)
        verb, data = override.upper(), b""
    body = decode_body(data, part.headers.get("content-type", ""))
    return Incoming(verb, url.path, query, part.headers.get("authorization"), body)


def render(answers: list[PartAnswer]) -> tuple[str, bytes]:
    """Return the Content-Type and body of the batch answer."""
    boundary = f"batch_{uuid.uuid4().hex}"
    chunks = []
    for answer in answers:
        data = b"" if answer.body is None else json.dumps(answer.body).encode()
        lines = [f"HTTP/1.1 {answer.status} {_REASONS.get(answer.status, 'Error')}"]
        if answer.body is not None:
            lines.append("Content-Type: application/json; charset=UTF-8")
        lines += [f"{name}: {value}" for name, value in (answer.headers or {}).items()]
        lines.append(f"Content-Length: {len(data)}")
        inner = ("\r\n".join(lines) + "\r\n\r\n").encode() + data
        outer = (
            f"--{boundary}\r\nContent-Type: application/http\r\n"
            f"Content-ID: <response-{answer.content_id}>\r\n\r\n"
        )
        chunks.append(outer.encode() + inner + b"\r\n")
    body = b"".join(chunks) + f"--{boundary}--\r\n".encode()
    return f"multipart/mixed; boundary={boundary}", body
