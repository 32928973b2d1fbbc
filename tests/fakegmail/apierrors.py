"""Errors the fake answers with, in the JSON shape Google's APIs use."""

from __future__ import annotations

from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

# reason -> (domain, message), as documented on Gmail's "Resolve errors" page.
REASONS = {
    "authError": ("global", "Invalid Credentials"),
    "badRequest": ("global", "Bad Request"),
    "invalidArgument": ("global", "Invalid argument."),
    "failedPrecondition": ("global", "Precondition check failed."),
    "notFound": ("global", "Requested entity was not found."),
    "forbidden": ("global", "Forbidden"),
    "insufficientPermissions": ("global", "Request had insufficient authentication scopes."),
    "userRateLimitExceeded": ("usageLimits", "User Rate Limit Exceeded"),
    "rateLimitExceeded": ("usageLimits", "Rate Limit Exceeded"),
    "dailyLimitExceeded": ("usageLimits", "Daily Limit Exceeded"),
    "backendError": ("global", "Backend Error"),
}

# The reason an injected failure carries when the test names only a status.
DEFAULT_REASONS = {
    400: "failedPrecondition",
    401: "authError",
    403: "userRateLimitExceeded",
    404: "notFound",
    429: "rateLimitExceeded",
}


class ApiError(Exception):
    """Carry one Google API error: status code, reason, message and extra headers."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        reason: str,
        domain: str = "global",
        status: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code} {reason}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """Return the JSON body Google sends for this error."""
        detail = {"message": self.message, "domain": self.domain, "reason": self.reason}
        if self.reason == "authError":
            detail |= {"locationType": "header", "location": "Authorization"}
        error = {"code": self.code, "message": self.message, "errors": [detail]}
        return {"error": error | {"status": self.status}}


def api_error(
    code: int,
    *,
    reason: str | None = None,
    message: str | None = None,
    retry_after: float | None = None,
) -> ApiError:
    """Build the error Gmail would send for a status (and optional reason)."""
    reason = reason or DEFAULT_REASONS.get(code, "backendError")
    domain, default_message = REASONS.get(reason, ("global", reason))
    if code == 429 and message is None:
        message = "Too many concurrent requests for user"
    if code == 503 and message is None:
        message = "The service is currently unavailable."
    headers = {"Retry-After": _seconds(retry_after)} if retry_after is not None else {}
    return ApiError(code, message or default_message, reason=reason, domain=domain, headers=headers)


def not_found() -> ApiError:
    """Return Gmail's 404 for a missing draft, message, thread or history id."""
    return api_error(404, reason="notFound")


def bad_request(message: str) -> ApiError:
    """Return a 400 invalidArgument with Gmail's wording."""
    return api_error(400, reason="invalidArgument", message=message)


def unauthenticated() -> ApiError:
    """Return the 401 for a missing, unknown, expired or revoked access token."""
    challenge = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
    return ApiError(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token,"
        " login cookie or other valid authentication credential.",
        reason="authError",
        headers={"WWW-Authenticate": challenge},
    )


def _seconds(value: float) -> str:
    """Format a Retry-After value the way HTTP expects (whole seconds)."""
    return str(max(0, round(value)))
