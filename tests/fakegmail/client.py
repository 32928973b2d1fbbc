"""Real googleapiclient objects aimed at a running FakeGmail."""

from __future__ import annotations

from typing import Any

from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from .fake import FakeGmail


def credentials_for(gmail: FakeGmail, refresh_token: str | None = None) -> Credentials:
    """Build Credentials aimed at the fake's token endpoint, with no access token yet.

    Credentials.from_authorized_user_info would replace the token URI with Google's.
    """
    info = gmail.authorized_user_info(refresh_token)
    # google-auth leaves Credentials.__init__ unannotated.
    return Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token=info["refresh_token"],
        client_id=info["client_id"],
        client_secret=info["client_secret"],
        token_uri=info["token_uri"],
    )


def build_service(gmail: FakeGmail, credentials: Credentials | None = None) -> Any:
    """Build the real googleapiclient Gmail service, offline, pointed at the fake."""
    return build(
        "gmail",
        "v1",
        credentials=credentials or credentials_for(gmail),
        client_options={"api_endpoint": gmail.url},
        static_discovery=True,
        cache_discovery=False,
    )
