"""Google's OAuth token endpoint (refresh-token grant) and the bearer-token check."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .apierrors import ApiError, unauthenticated
from .routes import COMPOSE, METADATA, READONLY, Route

DEFAULT_SCOPES = (COMPOSE, READONLY)
TOKEN_LIFETIME = 3599


@dataclass(frozen=True)
class AccessToken:
    """An access token the endpoint issued: its scopes and expiry (epoch seconds)."""

    scopes: frozenset[str]
    expires_at: float


class TokenAuthority:
    """Issue refresh and access tokens and check bearer tokens (not thread-safe)."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        scopes: tuple[str, ...],
        rng: random.Random,
        clock: Callable[[], float],
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = frozenset(scopes)
        self._rng = rng
        self._clock = clock
        self._refresh_tokens: set[str] = set()
        self._access_tokens: dict[str, AccessToken] = {}

    def grant(self) -> str:
        """Return a new valid refresh token, as a completed consent would."""
        token = f"1//fake-{self._rng.getrandbits(64):016x}"
        self._refresh_tokens.add(token)
        return token

    def issue_access_token(self) -> str:
        """Return a new access token with every granted scope."""
        token = f"ya29.fake-{self._rng.getrandbits(96):024x}"
        expiry = self._clock() + TOKEN_LIFETIME
        self._access_tokens[token] = AccessToken(self.scopes, expiry)
        return token

    def revoke(self) -> None:
        """Revoke every refresh and access token (the user removed the app's access)."""
        self._refresh_tokens.clear()
        self._access_tokens.clear()

    def expire_access_tokens(self) -> None:
        """Make every access token expired, so the next API call gets a 401."""
        self._access_tokens.clear()

    def exchange(self, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        """Answer POST /token: a refresh-token grant, or an OAuth error body."""
        if form.get("grant_type") != "refresh_token":
            return 400, _oauth_error("unsupported_grant_type", "Invalid grant_type.")
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return 401, _oauth_error("invalid_client", "The OAuth client was not found.")
        if form.get("refresh_token") not in self._refresh_tokens:
            return 400, _oauth_error("invalid_grant", "Token has been expired or revoked.")
        requested = set(form.get("scope", "").split()) or self.scopes
        if not requested <= self.scopes:
            return 400, _oauth_error("invalid_scope", "Some requested scopes were invalid.")
        token = self.issue_access_token()
        return 200, {
            "access_token": token,
            "expires_in": TOKEN_LIFETIME,
            "scope": " ".join(sorted(self.scopes)),
            "token_type": "Bearer",
        }

    def check(self, authorization: str | None, route: Route) -> AccessToken:
        """Return the caller's token, or raise Gmail's 401 / 403 insufficient scopes."""
        scheme, _, token = (authorization or "").partition(" ")
        access = self._access_tokens.get(token) if scheme.lower() == "bearer" else None
        if access is None or access.expires_at <= self._clock():
            raise unauthenticated()
        if not access.scopes & route.scopes:
            raise ApiError(
                403,
                "Request had insufficient authentication scopes.",
                reason="insufficientPermissions",
            )
        return access


def check_metadata_limits(access: AccessToken, *, query: str | None, fmt: str | None) -> None:
    """Refuse `q` and full/raw formats (fmt: the effective format of a get) under gmail.metadata."""
    if METADATA not in access.scopes:
        return
    if query:
        raise ApiError(403, "Metadata scope does not support 'q' parameter", reason="forbidden")
    if fmt in ("full", "raw"):
        message = f"Metadata scope doesn't allow format {fmt.upper()}"
        raise ApiError(403, message, reason="forbidden")


def _oauth_error(error: str, description: str) -> dict[str, Any]:
    """Return an OAuth 2.0 error body."""
    return {"error": error, "error_description": description}
