"""The wire under GmailMailbox: a transport that never sends a request twice on its own,
and one place that turns every failure into our errors.

httplib2 re-sends a request whose connection closed before the response came
back (a BadStatusLine is retried "regardless of the number of RETRIES set"),
so a drafts.create or messages.send could take effect twice with no error
raised. Our connection classes report that case as ResponseLost instead, and
a failure to connect as ConnectFailed, so a write knows whether it may have
taken effect (OutcomeUnknown) or certainly did not (MailboxError).

Reads are retried here with exponential backoff and jitter, honouring
Retry-After, within a bounded total wait. Writes are retried only when Gmail
refused them outright (429, 403 rate limits), never after a 5xx or a lost
connection: those may have taken effect and are settled by looking.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import google_auth_httplib2  # type: ignore[import-untyped]  # ships no type information
import googleapiclient.errors
import httplib2  # type: ignore[import-untyped]  # ships no type information
from google.auth.exceptions import GoogleAuthError, RefreshError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from followup_mailer.errors import AuthError, FollowupError
from followup_mailer.mailbox.protocol import MailboxError, OutcomeUnknown, Rejected

log = logging.getLogger(__name__)

SCOPES = (
    "https://www.googleapis.com/auth/gmail.compose",
    "https://www.googleapis.com/auth/gmail.readonly",
)
REQUEST_TIMEOUT = 60.0  # seconds without an answer before a call counts as lost
LOGIN = "run `followup-mailer auth login` to sign in again"
_RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
# what a call raises when the network or the sign-in service failed before a usable answer
# (an answer that is not JSON, from a proxy say, is no usable answer either)
_TRANSPORT_ERRORS = (
    OSError,
    http.client.HTTPException,
    GoogleAuthError,
    httplib2.HttpLib2Error,
    googleapiclient.errors.Error,
    json.JSONDecodeError,
)


class NotFound(MailboxError):
    """Gmail has no such thing (thread, draft, message) or no such history id any more."""


class ConnectFailed(ConnectionError):
    """No connection could be made: nothing was sent."""


class ResponseLost(ConnectionError):
    """The request went out and the connection closed before any response."""


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


def credentials(token: Mapping[str, Any], *, token_uri: str) -> Credentials:
    """Build Credentials from a stored token, with our token URI and exactly our scopes.

    Credentials.from_authorized_user_info would force Google's token URI.
    """
    # google-auth leaves Credentials.__init__ unannotated.
    return Credentials(  # type: ignore[no-untyped-call]
        token=token.get("token") or None,
        refresh_token=token["refresh_token"],
        client_id=token["client_id"],
        client_secret=token["client_secret"],
        token_uri=token_uri,
        scopes=list(SCOPES),
        expiry=_expiry(token.get("expiry")),
    )


def _expiry(value: object) -> datetime | None:
    """Parse a stored expiry; google-auth compares it as a naive UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None  # unknown: the token is refreshed when Gmail refuses it
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(tzinfo=None)


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
        self._backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()

    @property
    def users(self) -> Any:
        """Return service.users(), where every Gmail method lives."""
        return self.service.users()

    def read(self, what: str, request: Any) -> Any:
        """Execute a read, retrying rate limits, 5xx and connection errors."""
        return self._retrying(what, request, write=False)

    def write(self, what: str, request: Any) -> Any:
        """Execute a create or send once; retry only when Gmail refused it outright."""
        self._fresh_token(what)
        self._http.drop_connections()
        return self._retrying(what, request, write=True)

    def _retrying(self, what: str, request: Any, *, write: bool) -> Any:
        """Execute a request (never with the client's own retries), waiting out what may pass."""
        attempt, waited = 1, 0.0
        while True:
            self._beat()
            try:
                return request.execute(num_retries=0)
            except Exception as error:  # every failure is translated, none escapes raw
                verdict = translate(error, what, write=write)
                wait = self._wait_before_retry(error, attempt, write=write)
                if wait is None or waited + wait > self._backoff.budget:
                    raise verdict from error
            log.info("%s; trying again in %.1fs", verdict, wait)
            self._sleep(wait)
            attempt, waited = attempt + 1, waited + wait

    def _wait_before_retry(self, error: Exception, attempt: int, *, write: bool) -> float | None:
        """Return how long to wait before trying again, or None when it must not be retried."""
        if attempt >= self._backoff.attempts or not _retryable(error, write=write):
            return None
        asked = _retry_after(error, self._clock())
        if asked is not None:
            return asked
        ceiling = min(self._backoff.longest, self._backoff.first * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + self._rng.random() / 2)  # jitter: apart from other clients

    def _fresh_token(self, what: str) -> None:
        """Refresh an expired access token first, so a write fails only for its own reasons."""
        if self.credentials.valid:
            return
        try:
            request = google_auth_httplib2.Request(self._http)
            self.credentials.refresh(request)  # type: ignore[no-untyped-call]
        except Exception as error:  # nothing was written: any failure means "not created"
            raise translate(error, what, write=False) from error


def translate(error: Exception, what: str, *, write: bool) -> FollowupError:
    """Turn a failure of one call into AuthError, Rejected, OutcomeUnknown or MailboxError."""
    if isinstance(error, FollowupError):
        return error
    if isinstance(error, RefreshError):
        return _refresh_failed(error)
    if isinstance(error, HttpError):
        return _http_failed(error, what, write=write)
    if isinstance(error, GoogleAuthError):
        return MailboxError(f"Gmail {what}: cannot reach the sign-in service: {error}")
    if isinstance(error, ConnectFailed | httplib2.ServerNotFoundError):
        return MailboxError(f"Gmail {what}: {error}")
    if isinstance(error, _TRANSPORT_ERRORS):
        if write:
            return OutcomeUnknown(f"Gmail {what}: no answer ({_describe(error)}); it may exist")
        return MailboxError(f"Gmail {what}: no answer ({_describe(error)})")
    raise error  # a bug of ours, not a mailbox condition


def _refresh_failed(error: RefreshError) -> FollowupError:
    said = error.args[0] if error.args else type(error).__name__  # never the token itself
    if getattr(error, "retryable", False):
        return MailboxError(f"cannot refresh the Gmail access token now: {said}")
    return AuthError(f"Gmail refused the stored sign-in ({said}); {LOGIN}")


def _http_failed(error: HttpError, what: str, *, write: bool) -> FollowupError:
    status, reason = int(error.status_code), _reason(error)
    said = f"Gmail {what}: {status} {reason}: {error.reason}"
    if status == 401:
        return AuthError(f"Gmail refused the access token even after a refresh; {LOGIN}")
    if status == 403 and reason == "insufficientPermissions":
        return AuthError(
            "the stored sign-in lacks the Gmail permissions followup-mailer needs "
            f"(gmail.compose and gmail.readonly); {LOGIN}"
        )
    if status >= 500:
        return OutcomeUnknown(f"{said}; it may exist") if write else MailboxError(said)
    if write and status in (400, 404) and reason != "failedPrecondition":
        return Rejected(said)
    return NotFound(said) if status == 404 else MailboxError(said)


def _retryable(error: Exception, *, write: bool) -> bool:
    """Tell whether trying again is safe and may help."""
    if isinstance(error, HttpError):
        status = int(error.status_code)
        refused = status == 429 or (status == 403 and _reason(error) in _RATE_REASONS)
        return refused or (not write and status >= 500)
    if write:
        return False  # it may have taken effect: settled by looking, never by sending again
    if isinstance(error, RefreshError):
        return bool(getattr(error, "retryable", False))
    return isinstance(error, _TRANSPORT_ERRORS)


def _reason(error: HttpError) -> str:
    """Return Google's reason for an error (errors[0].reason, else the status name)."""
    try:
        body = json.loads(error.content.decode("utf-8"))["error"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""
    if not isinstance(body, dict):
        return ""
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("reason", ""))
    return str(body.get("status", ""))


def _retry_after(error: Exception, now: datetime) -> float | None:
    """Return the wait a Retry-After header asks for (seconds or an HTTP date), if any."""
    response = getattr(error, "resp", None)
    value = response.get("retry-after") if isinstance(response, Mapping) else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):
        return None


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
