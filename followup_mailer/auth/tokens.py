"""Where the OAuth token lives: the OS keyring (default) or a 0600 file.

A token is an "authorized user" mapping: refresh_token, client_id,
client_secret, and optionally token, expiry, scopes, and our own notes
(`account`, `consented_at`, `stored_at`). One entry per account: keyring
service "followup-mailer", username = the account address (keyring_store.py);
or `<state dir>/tokens/<account>.json`.

The token is never printed or logged: every secret value a store hands out is
remembered, and notify.SecretFilter blanks those values out of every log line.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from followup_mailer import files
from followup_mailer.errors import AuthError
from followup_mailer.faults import faultpoint
from followup_mailer.files import write_atomic
from followup_mailer.logs import remember_secrets

REQUIRED_KEYS = ("refresh_token", "client_id", "client_secret")
NOTES = ("account", "consented_at")  # kept across saves of the same grant (e.g. refreshes)

log = logging.getLogger(__name__)


class TokenStore(Protocol):
    name: str

    @property
    def where(self) -> str:
        """Describe the place for people (never the token)."""
        ...

    def load(self) -> dict[str, Any] | None:
        """Return the stored token, or None if there is none."""
        ...

    def save(self, token: Mapping[str, Any]) -> None:
        """Store the token, replacing any earlier one."""
        ...

    def delete(self) -> bool:
        """Remove the token; False if there was none."""
        ...


def check_token(token: Mapping[str, Any], *, source: str) -> None:
    """Refuse a token that lacks what a refresh needs (never echoing its values)."""
    missing = [key for key in REQUIRED_KEYS if not token.get(key)]
    if missing:
        raise AuthError(
            f"{source} is not an authorized-user token: it lacks {', '.join(missing)}; "
            "run `followup-mailer auth login`, or export one with refresh_token, client_id "
            "and client_secret"
        )


def fingerprint(token: Mapping[str, Any] | None) -> str:
    """Return a short digest that changes when the grant changes (safe to keep and compare)."""
    if not token:
        return "none"
    grant = f"{token.get('client_id', '')}\0{token.get('refresh_token', '')}"
    return hashlib.sha256(grant.encode()).hexdigest()[:16]


class TokenWatch:
    """Tells, cheaply, when the stored token changed (a new sign-in), keeping only a digest."""

    def __init__(self, store: TokenStore) -> None:
        self.store = store
        self.seen = self._look()

    def _look(self) -> str:
        try:
            return fingerprint(self.store.load())
        except AuthError:  # a locked or absent keyring: look again later
            return "unreadable"

    def changed(self) -> bool:
        """Return True when a token is stored now that differs from the one seen last."""
        now, before = self._look(), self.seen
        self.seen = now
        return now != before and now not in ("none", "unreadable")


def with_notes(token: Mapping[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    """Carry our notes (consent time, account) over when the same grant is saved again."""
    new = dict(token)
    if old and old.get("refresh_token") == new.get("refresh_token"):
        for key in NOTES:
            if not new.get(key) and old.get(key):
                new[key] = old[key]
    return new


# The file store --------------------------------------------------------------------------------


class FileTokenStore:
    """A JSON file readable by the user only, replaced atomically on every write."""

    name = "file"

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def where(self) -> str:
        return f"file {self.path}"

    def load(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        make_private(self.path)
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as error:
            raise AuthError(
                f"cannot read the token file {self.path} ({type(error).__name__}); "
                "run `followup-mailer auth login` again"
            ) from None
        return parse_token(text, where=f"the token file {self.path}")

    def save(self, token: Mapping[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        make_private(self.path.parent)
        token = with_notes(token, load_quietly(self.load))
        remember_secrets(token)
        write_private(self.path, json.dumps(token, indent=2, sort_keys=True))

    def delete(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


def parse_token(text: str, *, where: str) -> dict[str, Any] | None:
    """Read a stored token's JSON, and remember its secrets so no log line can show them."""
    try:
        data = json.loads(text)
    except ValueError:
        raise AuthError(f"{where} is not a token; run `followup-mailer auth login` again") from None
    if not isinstance(data, dict):
        return None
    remember_secrets(data)
    return data


def load_quietly(load: Callable[[], dict[str, Any] | None]) -> dict[str, Any] | None:
    """Return the stored token, or None when it cannot be read (a save replaces it anyway)."""
    try:
        return load()
    except AuthError:
        return None


def make_private(path: Path) -> None:
    """Refuse a token path someone else owns; take back group/other access, with a warning."""
    files.make_private(
        path,
        foreign="remove it and sign in again with `followup-mailer auth login`",
        exposed="If someone may have read the token, sign in again with "
        "`followup-mailer auth login`",
        error=AuthError,
    )


def write_private(path: Path, text: str) -> None:
    """Write a 0600 file atomically: a crash leaves the old file or the new one, never half."""
    write_atomic(path, text.encode("utf-8"), midway=lambda: faultpoint("during_token_write"))
