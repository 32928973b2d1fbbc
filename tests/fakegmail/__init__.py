"""A faithful local fake of the Gmail REST API, for tests that use the real googleapiclient.

with FakeGmail(account="alex@example.com") as gmail:
    service = build_service(gmail)           # or build(..., client_options=...)
    ...
    gmail.user_sends_draft(draft_id)         # the world's moves are methods
"""

from __future__ import annotations

from .apierrors import ApiError
from .client import build_service, credentials_for
from .exchange import RequestRecord
from .fake import DraftView, FakeGmail
from .quota import RateLimit
from .routes import CLASSIC_COSTS, COMPOSE, METADATA, MODIFY, NEW_COSTS, READONLY, SEND
from .store import StoredMessage

__all__ = [
    "CLASSIC_COSTS",
    "COMPOSE",
    "METADATA",
    "MODIFY",
    "NEW_COSTS",
    "READONLY",
    "SEND",
    "ApiError",
    "DraftView",
    "FakeGmail",
    "RateLimit",
    "RequestRecord",
    "StoredMessage",
    "build_service",
    "credentials_for",
]
