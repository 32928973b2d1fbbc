"""The stored token as google-auth Credentials, and a refreshed access token saved back.

A stored token carries the access token and its expiry beside the grant, so a
start within the hour of the last refresh asks the token endpoint for nothing.
When google-auth refreshes the access token (it expired, or Gmail said 401),
the new token and expiry go back to the store, keeping the grant and our notes,
unless a new sign-in was stored meanwhile: that one wins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from google.oauth2.credentials import Credentials

from followup_mailer.errors import FollowupError

log = logging.getLogger(__name__)

SCOPES = (
    "https://www.googleapis.com/auth/gmail.compose",
    "https://www.googleapis.com/auth/gmail.readonly",
)

LoadToken = Callable[[], Mapping[str, Any] | None]
SaveToken = Callable[[Mapping[str, Any]], None]


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
        expiry=parse_expiry(token.get("expiry")),
    )


def parse_expiry(value: object) -> datetime | None:
    """Parse a stored expiry; google-auth compares it as a naive UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None  # unknown: the token is refreshed when Gmail refuses it
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(tzinfo=None)


def format_expiry(value: datetime | None) -> str:
    """Write an expiry as google-auth's to_json does (naive UTC, then "Z")."""
    return f"{value.isoformat()}Z" if value else ""


def saver(
    grant: Mapping[str, Any], *, load: LoadToken, save: SaveToken
) -> Callable[[Credentials], None]:
    """Return what saves refreshed Credentials back beside the grant they came from."""

    def save_refreshed(refreshed: Credentials) -> None:
        """Store the new access token and expiry beside the grant (a failure only warns)."""
        try:
            current = load()
            if not current or current.get("refresh_token") != grant.get("refresh_token"):
                return  # a new sign-in was stored meanwhile: it wins
            save(
                {
                    **current,
                    "token": refreshed.token,
                    "expiry": format_expiry(refreshed.expiry),
                    # Google rarely sends a new refresh token; google-auth keeps the old one
                    "refresh_token": refreshed.refresh_token or current["refresh_token"],
                }
            )
        except (FollowupError, OSError) as error:
            log.warning(
                "could not save the refreshed Gmail access token (%s); the next start "
                "refreshes it again",
                error,
            )
        else:
            log.debug("saved the refreshed Gmail access token")

    return save_refreshed
