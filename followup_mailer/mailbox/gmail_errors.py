"""One place that turns every failure of a Gmail call into our errors, and says what may be
tried again.

A write (create, send) that failed after the request may have reached Gmail
(a 5xx, a lost connection, a timeout) may have taken effect: OutcomeUnknown,
settled by looking, never by sending again. A read may always be tried again.
Rate limits (429, 403 rateLimitExceeded/userRateLimitExceeded) refused the
call outright, so even a write may be tried again after them.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime

import googleapiclient.errors
import httplib2  # type: ignore[import-untyped]  # ships no type information
from google.auth.exceptions import GoogleAuthError, RefreshError
from googleapiclient.errors import HttpError

from followup_mailer.errors import AuthError, FollowupError
from followup_mailer.mailbox.protocol import MailboxError, OutcomeUnknown, Rejected

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
    status, reason = int(error.status_code), reason_of(error)
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


def retryable(error: Exception, *, write: bool) -> bool:
    """Tell whether trying again is safe and may help."""
    if isinstance(error, HttpError):
        status = int(error.status_code)
        return _rate_limited(error) or (not write and status >= 500)
    if write:
        return False  # it may have taken effect: settled by looking, never by sending again
    if isinstance(error, RefreshError):
        return bool(getattr(error, "retryable", False))
    return isinstance(error, _TRANSPORT_ERRORS)


def _rate_limited(error: Exception) -> bool:
    """Tell whether Gmail refused a call for the rate of calls (it had no effect)."""
    if not isinstance(error, HttpError):
        return False
    status = int(error.status_code)
    return status == 429 or (status == 403 and reason_of(error) in _RATE_REASONS)


def reason_of(error: HttpError) -> str:
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


def retry_after(error: Exception, now: datetime) -> float | None:
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
