"""The HTTP layer: a threaded stdlib server that speaks Gmail's REST and OAuth token wire.

Each request is logged, authenticated, charged its quota units, then run against the
mailbox under one lock; an armed fault turns the answer into an error, a delay or a
socket closed without a response. Delays sleep outside the lock, so other calls go on.
A batch (POST /batch/gmail/v1) is answered part by part exactly so: each inner request
is logged, authenticated, charged and faulted on its own, as Gmail counts them.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import batch, routes
from .api import Call, dispatch
from .apierrors import ApiError, api_error, bad_request
from .auth import TokenAuthority
from .exchange import Incoming, Outcome, RequestRecord, decode_body
from .faults import Fault, FaultPlan
from .quota import Meter
from .store import Mailbox


@dataclass
class State:
    """Everything the server threads share; `lock` guards all of it."""

    mailbox: Mailbox
    authority: TokenAuthority
    costs: dict[str, int]
    clock: Callable[[], float]
    faults: FaultPlan = field(default_factory=FaultPlan)
    lock: threading.RLock = field(default_factory=threading.RLock)
    log: list[RequestRecord] = field(default_factory=list)
    quota: Counter[str] = field(default_factory=Counter)
    meter: Meter = field(default_factory=Meter)
    stopping: threading.Event = field(default_factory=threading.Event)


def answer(state: State, request: Incoming) -> Outcome:
    """Answer one request: the token endpoint or a Gmail method."""
    if request.path == "/token" and request.verb == "POST":
        status, body = state.authority.exchange(request.body or {})
        return Outcome(status, body)
    found = routes.match(request.verb, request.path)
    if found is None:
        return _error(api_error(404, reason="notFound"))
    route, params = found
    try:
        with state.lock:
            access = state.authority.check(request.authorization, route)
            units = state.costs.get(route.name, 0)
            state.meter.charge(units, at=state.clock())  # 429 when over an enforced rate
            state.quota[route.name] += units
            fault = state.faults.take(route.name)
    except ApiError as error:
        return _error(error)
    now_ms = int(state.clock() * 1000)
    path_params = {k: unquote(v) for k, v in params.items()}
    call = Call(path_params, request.query, request.body, access, now_ms)
    return replace(_run(state, route.name, call, fault), units=units)


def answer_batch(state: State, request: Incoming, index: int) -> Outcome:
    """Answer a batch: every part as a request of its own; a dropped part drops them all."""
    try:
        parts = batch.parse(request.raw, request.content_type)
    except ValueError as error:
        return _error(bad_request(str(error)))
    if len(parts) > batch.LIMIT:
        return _error(bad_request(f"A batch may hold at most {batch.LIMIT} requests"))
    answers = []
    for part in parts:
        inner = batch.incoming(part)
        at = _log(state, replace(_record(inner, state.clock()), batch=index))
        outcome = answer(state, inner)
        _settle(state, at, outcome)
        if outcome.dropped:
            return Outcome(0, dropped=True)
        answers.append(
            batch.PartAnswer(part.content_id, outcome.status, outcome.body, outcome.headers)
        )
    content_type, body = batch.render(answers)
    return Outcome(200, raw=body, content_type=content_type)


def _log(state: State, record: RequestRecord) -> int:
    """Append a record to the request log; return its index."""
    with state.lock:
        state.log.append(record)
        return len(state.log) - 1


def _settle(state: State, index: int, outcome: Outcome) -> None:
    """Write how a logged request was answered (a dropped one keeps no status)."""
    status = None if outcome.dropped else outcome.status
    with state.lock:
        state.log[index] = replace(state.log[index], status=status, units=outcome.units)


def _run(state: State, method: str, call: Call, fault: Fault | None) -> Outcome:
    """Run the method, with the armed fault before or after its effect."""
    if fault is not None and not fault.after_effect:
        if fault.action != "delay":
            return _faulted(fault)
        state.stopping.wait(fault.seconds)
    try:
        with state.lock:
            status, body = dispatch(method, state.mailbox, call)
        outcome = Outcome(status, body)
    except ApiError as error:
        outcome = _error(error)
    if fault is None or not fault.after_effect:
        return outcome
    if fault.action == "delay":
        state.stopping.wait(fault.seconds)
        return outcome
    return _faulted(fault)


def _faulted(fault: Fault) -> Outcome:
    """Turn a fail or drop fault into what the client gets."""
    if fault.action == "drop":
        return Outcome(0, dropped=True)
    assert fault.error is not None
    return _error(fault.error)


def _error(error: ApiError) -> Outcome:
    """Render an ApiError as Google's JSON error response."""
    return Outcome(error.code, error.body(), error.headers)


class _Handler(BaseHTTPRequestHandler):
    """Parse HTTP, call answer(), write the response (or close the socket)."""

    protocol_version = "HTTP/1.1"  # keep-alive, as Google's front ends do
    disable_nagle_algorithm = True  # headers and body go out in two writes
    server: FakeHttpServer

    def do_GET(self) -> None:
        """Serve GET."""
        self._serve("GET")

    def do_POST(self) -> None:
        """Serve POST (and GETs tunnelled through X-HTTP-Method-Override)."""
        self._serve("POST")

    def do_PUT(self) -> None:
        """Serve PUT."""
        self._serve("PUT")

    def do_DELETE(self) -> None:
        """Serve DELETE."""
        self._serve("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the request log is kept in State."""

    def _serve(self, verb: str) -> None:
        """Handle one request end to end."""
        request = self._read(verb)
        state = self.server.state
        index = _log(state, _record(request, state.clock()))
        if verb == "POST" and request.path in batch.PATHS:
            outcome = answer_batch(state, request, index)
        else:
            outcome = answer(state, request)
        _settle(state, index, outcome)
        if outcome.dropped:
            self._drop()
        else:
            self._write(outcome)

    def _read(self, verb: str) -> Incoming:
        """Read the request line, query and body (all of it, before any effect)."""
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        override = self.headers.get("X-HTTP-Method-Override")
        if verb == "POST" and override:  # a long GET, sent as a form body
            query |= parse_qs(data.decode(), keep_blank_values=True)
            verb, data = override.upper(), b""
        content_type = self.headers.get("Content-Type", "")
        body = decode_body(data, content_type)
        authorization = self.headers.get("Authorization")
        return Incoming(verb, url.path, query, authorization, body, data, content_type)

    def _write(self, outcome: Outcome) -> None:
        """Send a JSON response (or a batch answer)."""
        data = b"" if outcome.body is None else json.dumps(outcome.body).encode()
        self.send_response(outcome.status)
        if outcome.raw is not None:
            data = outcome.raw
            self.send_header("Content-Type", outcome.content_type)
        elif outcome.body is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        """Close the connection without a response, as a reset network path would."""
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone first
            self.connection.shutdown(socket.SHUT_RDWR)


def _record(request: Incoming, at: float) -> RequestRecord:
    """Make the log entry for a request as it arrives."""
    if request.path == "/token":
        method = "oauth.token"
    elif request.path in batch.PATHS:
        method = "batch"
    else:
        found = routes.match(request.verb, request.path)
        method = found[0].name if found else "unknown"
    return RequestRecord(method, request.verb, request.path, request.query, request.body, at)


class FakeHttpServer(ThreadingHTTPServer):
    """A threaded HTTP server that remembers its open sockets so stop() can close them."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: State) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Track the connection, then serve it on its own thread."""
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection and close it."""
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Close every open client connection (idle keep-alive ones included)."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):  # the peer may have closed it already
                sock.shutdown(socket.SHUT_RDWR)
