"""The wire under GmailMailbox: a transport that never sends a request twice on its own,
retries where they are safe, and calls paced within Gmail's quota.

httplib2 re-sends a request whose connection closed before the response came
back (a BadStatusLine is retried "regardless of the number of RETRIES set"),
so a drafts.create or messages.send could take effect twice with no error
raised. Our connection classes report that case as ResponseLost instead, and
a failure to connect as ConnectFailed, so a write knows whether it may have
taken effect (OutcomeUnknown) or certainly did not (MailboxError); the words
for every failure are chosen in gmail_errors.py.

Reads are retried here with exponential backoff and jitter, honouring
Retry-After, within a bounded total wait. Writes are retried only when Gmail
refused them outright (429, 403 rate limits), never after a 5xx or a lost
connection: those may have taken effect and are settled by looking. Many
reads may go in one batch (gmail_batch.py). Every call first spends its quota
units from a bucket (gmail_quota.py), and when google-auth has refreshed the
access token on the way, the new one is handed to `on_refresh` to be saved.
"""

from __future__ import annotations

import http.client
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import google_auth_httplib2  # type: ignore[import-untyped]  # ships no type information
import httplib2  # type: ignore[import-untyped]  # ships no type information
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from followup_mailer.mailbox.gmail_batch import Batch, batch_uri
from followup_mailer.mailbox.gmail_errors import (
    ConnectFailed,
    ResponseLost,
    retry_after,
    retryable,
    translate,
)
from followup_mailer.mailbox.gmail_quota import DEFAULT_QUOTA, Bucket

log = logging.getLogger(__name__)

REQUEST_TIMEOUT = 60.0  # seconds without an answer before a call counts as lost


class _OneShot(http.client.HTTPConnection):
    """Tell "never connected" from "sent, then lost", and never let httplib2 send again."""

    def connect(self) -> None:
        try:
            super().connect()
        except OSError as error:
            raise ConnectFailed(f"cannot connect to {self.host}: {error}") from error

    def getresponse(self) -> http.client.HTTPResponse:
        try:
            return super().getresponse()
        except (http.client.BadStatusLine, http.client.ResponseNotReady) as error:
            # RemoteDisconnected is a BadStatusLine: httplib2 would send the request again
            raise ResponseLost(f"the connection closed before Gmail answered: {error!r}") from error


class OneShotHTTPConnection(_OneShot, httplib2.HTTPConnectionWithTimeout):  # type: ignore[misc]
    """A plain-HTTP connection (a local test server) that reports a lost response."""


class OneShotHTTPSConnection(_OneShot, httplib2.HTTPSConnectionWithTimeout):  # type: ignore[misc]
    """A TLS connection that reports a lost response (httplib2 checks this base for https)."""


_CONNECTIONS = {"http": OneShotHTTPConnection, "https": OneShotHTTPSConnection}


class OneShotHttp(httplib2.Http):  # type: ignore[misc]
    """httplib2.Http with our connection classes, chosen by scheme like httplib2 does."""

    connections: dict[str, Any]  # httplib2's kept-alive connections, by scheme and host

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        kwargs["connection_type"] = _CONNECTIONS[urlsplit(uri).scheme.lower()]
        return super().request(uri, method, *args, **kwargs)

    def drop_connections(self) -> None:
        """Close kept-alive connections, so a write never rides one the server has closed."""
        idle, self.connections = self.connections, {}
        for connection in idle.values():
            connection.close()


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long reads (and refused writes) wait before trying again."""

    first: float = 1.0  # seconds before the first retry; doubled each time
    longest: float = 32.0  # longest single wait
    attempts: int = 7  # calls in all, the first included
    budget: float = 120.0  # total seconds of waiting before giving up


DEFAULT_BACKOFF = Backoff()


class Wire:
    """Execute googleapiclient requests on one authorised connection, with our errors."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        api_endpoint: str,
        timeout: float = REQUEST_TIMEOUT,
        backoff: Backoff = DEFAULT_BACKOFF,
        sleep: Callable[[float], None],
        clock: Callable[[], datetime],
        rng: random.Random | None = None,
        beat: Callable[[], None] = lambda: None,
        bucket: Bucket | None = None,
        on_refresh: Callable[[Credentials], None] = lambda refreshed: None,
    ) -> None:
        self.credentials = credentials
        self._beat = beat  # called before every request: proves progress, refuses once stopping
        self._http = OneShotHttp(timeout=timeout)
        authorized = google_auth_httplib2.AuthorizedHttp(credentials, http=self._http)
        self.service: Any = build(
            "gmail",
            "v1",
            http=authorized,
            client_options={"api_endpoint": api_endpoint},
            static_discovery=True,
            cache_discovery=False,
        )
        self._batch_uri = batch_uri(api_endpoint)
        self._backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._bucket = bucket or Bucket(DEFAULT_QUOTA, sleep=sleep)
        self._on_refresh = on_refresh
        self._token = credentials.token  # the access token last handed out or loaded

    @property
    def users(self) -> Any:
        """Return service.users(), where every Gmail method lives."""
        return self.service.users()

    def read(self, what: str, request: Any) -> Any:
        """Execute a read, retrying rate limits, 5xx and connection errors."""
        return self._retrying(what, request, write=False, calls=lambda: 1)

    def read_many(self, what: str, requests: Sequence[Any]) -> list[Any]:
        """Execute reads in batches, each one burst of quota; None where Gmail has none (404)."""
        size = self._bucket.quota.batch_size(what)
        results: list[Any] = []
        for start in range(0, len(requests), size):
            results += self._read_batch(
                what, Batch(requests[start : start + size], uri=self._batch_uri)
            )
        return results

    def write(self, what: str, request: Any) -> Any:
        """Execute a create or send once; retry only when Gmail refused it outright."""
        self._fresh_token(what)
        self._http.drop_connections()
        return self._retrying(what, request, write=True, calls=lambda: 1)

    def _read_batch(self, what: str, batch: Batch) -> list[Any]:
        """Execute one batch, sending again only the parts that may still succeed."""
        # the batch would refresh an expired token on a plain httplib2.Http: do it on ours
        self._fresh_token(what)
        result: list[Any] = self._retrying(
            what, batch, write=False, calls=lambda: len(batch.pending)
        )
        return result

    def _retrying(self, what: str, request: Any, *, write: bool, calls: Callable[[], int]) -> Any:
        """Execute a request (never with the client's own retries), waiting out what may pass."""
        attempt, waited = 1, 0.0
        while True:
            self._beat()
            if self._bucket.spend(calls() * self._bucket.quota.cost(what)):
                self._beat()  # it waited for quota: a stop may have come meanwhile
            try:
                return request.execute(num_retries=0)
            except Exception as error:  # every failure is translated, none escapes raw
                verdict = translate(error, what, write=write)
                wait = self._wait_before_retry(error, attempt, write=write)
                if wait is None or waited + wait > self._backoff.budget:
                    raise verdict from error
            finally:
                self._note_token()
            log.info("%s; trying again in %.1fs", verdict, wait)
            self._sleep(wait)
            attempt, waited = attempt + 1, waited + wait

    def _wait_before_retry(self, error: Exception, attempt: int, *, write: bool) -> float | None:
        """Return how long to wait before trying again, or None when it must not be retried."""
        if attempt >= self._backoff.attempts or not retryable(error, write=write):
            return None
        asked = retry_after(error, self._clock())
        if asked is not None:
            return asked
        ceiling = min(self._backoff.longest, self._backoff.first * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + self._rng.random() / 2)  # jitter: apart from other clients

    def _fresh_token(self, what: str) -> None:
        """Refresh an expired access token first (a write then fails only for its own reasons)."""
        if self.credentials.valid:
            return
        self._beat()  # the token endpoint is a request too
        try:
            request = google_auth_httplib2.Request(self._http)
            self.credentials.refresh(request)  # type: ignore[no-untyped-call]
        except Exception as error:  # nothing was written: any failure means "not created"
            raise translate(error, what, write=False) from error
        finally:
            self._note_token()

    def _note_token(self) -> None:
        """Hand a newly refreshed access token to on_refresh, once."""
        if self.credentials.token and self.credentials.token != self._token:
            self._token = self.credentials.token
            self._on_refresh(self.credentials)
