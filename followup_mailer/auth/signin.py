"""Signing in to Gmail: checking and storing a token, token import, status and logout.

login.py runs Google's OAuth flow. Every token is checked (scopes granted, its account) before
it is stored, with the time of consent: an OAuth app left in "Testing" gets refresh tokens that
Google ends seven days after consent, and `status` says when that would be.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from followup_mailer.auth.tokens import TokenStore, check_token
from followup_mailer.errors import AuthError
from followup_mailer.logs import remember_secrets
from followup_mailer.settings import Settings

COMPOSE = "https://www.googleapis.com/auth/gmail.compose"
READONLY = "https://www.googleapis.com/auth/gmail.readonly"
METADATA = "https://www.googleapis.com/auth/gmail.metadata"
SCOPES = (COMPOSE, READONLY)
TESTING_LIFETIME = timedelta(days=7)  # how long Google keeps a "Testing" app's refresh token
GUIDE = "`followup-mailer help auth`"
SIGN_IN = "run `followup-mailer auth login`"

Say = Callable[[str], None]
Ask = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Saved:
    """What signing in stored: for whom, where, and when consent was given."""

    account: str
    checked: bool  # the account was confirmed with Gmail (getProfile)
    where: str
    consented_at: datetime | None


def import_token(
    *, settings: Settings, store: TokenStore, path: Path, now: datetime, say: Say
) -> Saved:
    """Store an authorized-user JSON made elsewhere, replacing the stored token."""
    data = _read_json(path, what="token file")
    if "installed" in data or "web" in data:
        raise AuthError(
            f"{path} is an OAuth client secret, not a token: put its path in [gmail] "
            f"client_secret and {SIGN_IN}"
        )
    check_token(data, source=str(path))
    remember_secrets(data)
    scopes = _scope_set(data.get("scopes"))
    if scopes:
        _check_scopes(scopes, source=str(path))
    return _store(settings, store, dict(data), now=now, consented=False, say=say)


def logout(store: TokenStore) -> bool:
    """Remove the stored token; False if there was none."""
    return store.delete()


def read_client(path: Path) -> dict[str, Any]:
    """Read a client_secret.json of a "Desktop app" OAuth client."""
    data = _read_json(path, what="OAuth client file ([gmail] client_secret)")
    if "installed" not in data:
        kind = "a Web application client" if "web" in data else "not an OAuth client file"
        raise AuthError(
            f'{path} is {kind}; create an OAuth client of type "Desktop app" and download '
            f"its JSON (see {GUIDE})"
        )
    return data


def _read_json(path: Path, *, what: str) -> dict[str, Any]:
    """Read a JSON object, with errors that name the file but never show its content."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuthError(f"{what} {path} does not exist (see {GUIDE})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AuthError(f"cannot read {what} {path}: {type(error).__name__}") from None
    except ValueError as error:
        raise AuthError(f"{what} {path} is not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise AuthError(f"{what} {path} is not a JSON object")
    return data


def _scope_set(scopes: object) -> set[str]:
    if isinstance(scopes, str):
        return set(scopes.split())
    return {str(s) for s in scopes} if isinstance(scopes, list | tuple | set) else set()


def _short(scope: str) -> str:
    return scope.rsplit("/", 1)[-1]


def _check_scopes(scopes: set[str], *, source: str) -> None:
    """Refuse a token without both our scopes, or one limited by gmail.metadata."""
    missing = [_short(s) for s in SCOPES if s not in scopes]
    if missing:
        raise AuthError(f"{source} lacks the scope {', '.join(missing)}; {SIGN_IN} instead")
    if METADATA in scopes:
        raise AuthError(
            f"{source} includes gmail.metadata, which makes Google limit every call to headers "
            f"only; {SIGN_IN} instead"
        )


def _store(
    settings: Settings,
    store: TokenStore,
    token: dict[str, Any],
    *,
    now: datetime,
    consented: bool,
    say: Say,
) -> Saved:
    """Check whose token it is, note when it was made, and store it."""
    checked = confirm_account(settings, token, say=say)
    token["account"] = checked or settings.account.email
    token["stored_at"] = now.isoformat()
    if consented:
        token["consented_at"] = now.isoformat()
    store.save(token)
    return Saved(token["account"], bool(checked), store.where, _when(token.get("consented_at")))


# Asking Gmail ----------------------------------------------------------------------------------


def confirm_account(settings: Settings, token: dict[str, Any], *, say: Say) -> str | None:
    """Return the token's account from Gmail; refuse another account's; None if Gmail is away."""
    try:
        email = profile_email(settings, token)
    except _Unreachable as error:
        say(f"warning: could not ask Gmail whose token this is ({error}); stored it unchecked")
        return None
    own = {a.lower() for a in (settings.account.email, *settings.account.aliases)}
    if email.lower() not in own:
        raise AuthError(
            f"this token belongs to {email}, but [account] email in {settings.path} is "
            f"{settings.account.email}: sign in with {settings.account.email}, or put {email} "
            "in [account] email"
        )
    return email


class _Unreachable(Exception):
    """Gmail or the token endpoint could not be reached (not a refusal)."""


def profile_email(settings: Settings, token: dict[str, Any]) -> str:
    """Return the address Gmail's getProfile gives for the token (refreshing it if needed)."""
    import requests
    from google.auth.exceptions import RefreshError, TransportError
    from google.auth.transport.requests import AuthorizedSession

    credentials = _credentials(settings, token)
    url = settings.gmail.api_endpoint.rstrip("/") + "/gmail/v1/users/me/profile"
    try:
        session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]  # unannotated
        response = session.get(url, timeout=30)
    except RefreshError as error:
        raise AuthError(f"Google refused the token ({_reason(error)}); {SIGN_IN}") from None
    except (TransportError, requests.RequestException, OSError) as error:
        raise _Unreachable(type(error).__name__) from None
    if response.status_code in (401, 403):
        raise AuthError(f"Gmail refused the token (HTTP {response.status_code}); {SIGN_IN}")
    if response.status_code != 200:
        raise _Unreachable(f"HTTP {response.status_code}")
    fresh = json.loads(credentials.to_json())
    token.update({key: fresh[key] for key in ("token", "expiry") if key in fresh})
    return str(response.json().get("emailAddress", ""))


def _credentials(settings: Settings, token: Mapping[str, Any]) -> Any:
    """Build google-auth credentials that refresh against the configured token endpoint."""
    from google.oauth2.credentials import Credentials

    expiry = token.get("expiry")
    return Credentials(  # type: ignore[no-untyped-call]  # google-auth leaves it unannotated
        token=token.get("token"),
        refresh_token=token.get("refresh_token"),
        token_uri=settings.gmail.token_uri,
        client_id=token.get("client_id"),
        client_secret=token.get("client_secret"),
        scopes=token.get("scopes") or None,
        # google-auth compares naive UTC times
        expiry=datetime.fromisoformat(expiry.rstrip("Z")).replace(tzinfo=None)
        if isinstance(expiry, str)
        else None,
    )


def _reason(error: Exception) -> str:
    """Return the OAuth error text of a RefreshError (its first argument), nothing more."""
    first = error.args[0] if error.args else ""
    return str(first).split(":", 1)[0] if first else type(error).__name__


def _refresh(settings: Settings, token: Mapping[str, Any]) -> str:
    """Try a refresh: "works", "refused: <why>" or "could not check: <why>"."""
    import requests
    from google.auth.exceptions import RefreshError, TransportError
    from google.auth.transport.requests import Request

    credentials = _credentials(settings, {**token, "token": None, "expiry": None})
    try:
        credentials.refresh(Request())
    except RefreshError as error:
        return f"refused: {_reason(error)}"
    except (TransportError, requests.RequestException, OSError) as error:
        return f"could not check: {type(error).__name__}"
    return "works"


# Status ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Status:
    """What `auth status` shows: never the token itself."""

    account: str
    where: str
    signed_in: bool
    token_account: str = ""
    scopes: tuple[str, ...] = ()
    consented_at: datetime | None = None
    stored_at: datetime | None = None
    check: str = "not checked"
    notes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Return the fields for `--json`."""
        return {
            "account": self.account,
            "store": self.where,
            "signed_in": self.signed_in,
            "token_account": self.token_account,
            "scopes": list(self.scopes),
            "consented_at": self.consented_at.isoformat() if self.consented_at else None,
            "stored_at": self.stored_at.isoformat() if self.stored_at else None,
            "check": self.check,
            "notes": list(self.notes),
        }


def status(*, settings: Settings, store: TokenStore, now: datetime, check: bool) -> Status:
    """Describe the stored token; with `check`, ask Google whether it still works."""
    token = store.load()
    where, account = store.where, settings.account.email
    if token is None:
        return Status(account, where, signed_in=False, notes=(f"not signed in: {SIGN_IN}",))
    consented, stored = _when(token.get("consented_at")), _when(token.get("stored_at"))
    result = _refresh(settings, token) if check else "not checked"
    return Status(
        account,
        where,
        signed_in=not result.startswith("refused"),
        token_account=str(token.get("account") or ""),
        scopes=tuple(sorted(_short(s) for s in _scope_set(token.get("scopes")))),
        consented_at=consented,
        stored_at=stored,
        check=result,
        notes=_notes(consented or stored, known=consented is not None, result=result, now=now),
    )


def _notes(since: datetime | None, *, known: bool, result: str, now: datetime) -> tuple[str, ...]:
    """Say when an app in Testing would lose this token, and whether that seems to have happened."""
    notes = []
    if since is not None:
        end = since + TESTING_LIFETIME
        when = end.strftime("%Y-%m-%d %H:%M %Z").strip()
        date = f"on {when}" if known else f"unknown for an imported token: on {when} at the latest"
        notes.append(
            'If your OAuth app is still in "Testing", Google ends this sign-in 7 days after '
            f'consent, {date}. Publish the app "In production" to keep it (see {GUIDE}).'
        )
    if result.startswith("refused"):
        if since is not None and now - since > TESTING_LIFETIME - timedelta(days=1):
            notes.append(
                "The token is about 7 days old and Google refuses it: your OAuth app is probably "
                f'in "Testing". Publish it "In production" (see {GUIDE}), then {SIGN_IN}.'
            )
        else:
            notes.append(f"Google refuses this token (revoked or expired): {SIGN_IN}.")
    return tuple(notes)


def _when(text: object) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else None
