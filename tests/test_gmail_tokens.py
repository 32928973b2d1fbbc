"""A refreshed access token goes back to the token store: a start within the hour signs in free."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from followup_mailer.auth.tokens import FileTokenStore
from followup_mailer.errors import AuthError
from followup_mailer.mailbox.gmail import GmailMailbox, Position, open_gmail
from followup_mailer.mailbox.gmail_token import parse_expiry
from followup_mailer.mailbox.protocol import Watch
from tests.conftest import polled
from tests.fakegmail import FakeGmail

ALEX = "alex@example.com"
NOTES = {"account": ALEX, "consented_at": "2026-11-01T10:00:00+00:00"}
WATCH = Watch(drafts={}, threads=(), addresses={"dana@acme.com"}, domains={"acme.com"}, own={ALEX})


@pytest.fixture
def fake() -> Iterator[FakeGmail]:
    with FakeGmail(account=ALEX, seed=23) as server:
        yield server


@pytest.fixture
def tokens(tmp_path: Path, fake: FakeGmail) -> FileTokenStore:
    store = FileTokenStore(tmp_path / "tokens" / f"{ALEX}.json")
    store.save(fake.authorized_user_info() | NOTES)  # as `auth login` leaves it: no access token
    return store


def start(fake: FakeGmail, tokens: Any, at: dict[str, str]) -> GmailMailbox:
    """Open the mailbox as a new process does, on the stored token."""
    return open_gmail(
        load_token=tokens.load,
        save_token=tokens.save,
        api_endpoint=fake.url,
        token_uri=fake.token_uri,
        position=Position(lambda: at.get("at", ""), lambda v: at.update(at=v)),
        clock=lambda: datetime.now(UTC),
    )


def test_the_refreshed_token_is_saved_and_the_next_start_asks_for_none(
    fake: FakeGmail, tokens: FileTokenStore
) -> None:
    at: dict[str, str] = {}
    polled(start(fake, tokens, at), WATCH)
    saved = tokens.load()
    assert saved is not None and len(fake.requests("oauth.token")) == 1

    polled(start(fake, tokens, at), WATCH)  # a second process, within the hour

    assert len(fake.requests("oauth.token")) == 1
    assert saved["token"].startswith("ya29.") and saved["refresh_token"] == fake.refresh_token
    expiry = parse_expiry(saved["expiry"])
    assert expiry is not None
    left = expiry - datetime.now(UTC).replace(tzinfo=None)
    assert timedelta(minutes=55) < left <= timedelta(hours=1)
    assert {k: saved[k] for k in NOTES} == NOTES
    assert saved["client_id"] == fake.authorized_user_info()["client_id"]


def test_an_expired_access_token_is_refreshed_once_and_saved_again(
    fake: FakeGmail, tokens: FileTokenStore
) -> None:
    at: dict[str, str] = {}
    polled(start(fake, tokens, at), WATCH)
    first = tokens.load()
    assert first is not None
    tokens.save(first | {"expiry": "2026-01-01T00:00:00Z"})  # an old one, from a week away

    box = start(fake, tokens, at)
    polled(box, WATCH)
    polled(box, WATCH)

    second = tokens.load()
    assert second is not None and len(fake.requests("oauth.token")) == 2
    assert second["token"] != first["token"] and second["expiry"] > first["expiry"]


def test_a_new_sign_in_stored_meanwhile_is_never_overwritten(
    fake: FakeGmail, tokens: FileTokenStore
) -> None:
    box = start(fake, tokens, {})  # read the old grant
    tokens.save(fake.authorized_user_info(fake.grant_refresh_token()))  # `auth login` meanwhile

    polled(box, WATCH)  # refreshes the old grant's access token

    saved = tokens.load()
    assert saved is not None and "token" not in saved
    assert saved["refresh_token"] == fake.refresh_token


def test_a_token_that_cannot_be_saved_costs_a_warning_not_the_poll(
    fake: FakeGmail, tokens: FileTokenStore, caplog: pytest.LogCaptureFixture
) -> None:
    class Locked:
        load = staticmethod(tokens.load)

        @staticmethod
        def save(token: Any) -> None:
            raise AuthError("the keyring is locked; unlock it or sign in again")

    with caplog.at_level(logging.DEBUG):
        polled(start(fake, Locked(), {}), WATCH)

    assert "could not save the refreshed Gmail access token" in caplog.text
    issued = fake.requests("oauth.token")
    assert len(issued) == 1 and "ya29." not in caplog.text
