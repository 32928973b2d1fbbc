"""Signing in with Google (`auth login`): the installed-app OAuth flow of a "Desktop app" client.

The flow runs in a browser, caught on a loopback redirect, or (`browser=False`, for SSH
sessions) by printing the URL and reading back the address the browser was sent to. Either way
the token is checked (scopes granted, the account it belongs to) before it is stored, with the
time of consent.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import webbrowser
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from followup_mailer.auth.signin import (
    SCOPES,
    SIGN_IN,
    Ask,
    Saved,
    Say,
    _scope_set,
    _short,
    _store,
    read_client,
)
from followup_mailer.auth.tokens import TokenStore
from followup_mailer.errors import AuthError
from followup_mailer.logs import remember_secrets
from followup_mailer.settings import Settings

LOGIN_TIMEOUT = 300  # seconds to wait for the browser to come back


def login(
    *, settings: Settings, store: TokenStore, now: datetime, browser: bool, ask: Ask, say: Say
) -> Saved:
    """Run the OAuth flow, check the token, and store it (replacing any earlier one)."""
    client = read_client(settings.gmail.client_secret)
    remember_secrets(client["installed"])
    with _tolerate_unticked_scopes():
        flow = _browser_flow(client, say) if browser else _paste_flow(client, ask, say)
    granted = _scope_set(flow.oauth2session.token.get("scope"))
    missing = [scope for scope in SCOPES if scope not in granted]
    if missing:
        raise AuthError(
            f"you did not allow {', '.join(_short(s) for s in missing)}; followup-mailer needs "
            f"both {' and '.join(_short(s) for s in SCOPES)}: {SIGN_IN} again and tick both boxes"
        )
    token: dict[str, Any] = json.loads(flow.credentials.to_json())
    if not token.get("refresh_token"):
        raise AuthError(
            "Google sent no refresh token; remove followup-mailer's access at "
            f"https://myaccount.google.com/permissions, then {SIGN_IN} again"
        )
    token["scopes"] = sorted(granted)
    return _store(settings, store, token, now=now, consented=True, say=say)


@contextlib.contextmanager
def _tolerate_unticked_scopes() -> Iterator[None]:
    """Let oauthlib accept a partial grant (we check the scopes ourselves, with better words)."""
    saved = os.environ.get("OAUTHLIB_RELAX_TOKEN_SCOPE")
    os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("OAUTHLIB_RELAX_TOKEN_SCOPE", None)
        else:
            os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = saved


def _browser_flow(client: dict[str, Any], say: Say) -> Any:
    """Open the consent page and catch the redirect on a loopback port."""
    from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError

    flow = InstalledAppFlow.from_client_config(client, SCOPES)
    try:
        flow.run_local_server(
            host="localhost",
            bind_addr="127.0.0.1",
            port=0,
            open_browser=True,
            timeout_seconds=LOGIN_TIMEOUT,
            authorization_prompt_message="Sign in in your browser; if none opened, visit:\n{url}",
            success_message="Signed in. You may close this tab and go back to followup-mailer.",
            prompt="consent",
            access_type="offline",
        )
    except webbrowser.Error:
        raise AuthError(
            "no web browser could be opened here; run `followup-mailer auth login --no-browser`"
        ) from None
    except WSGITimeoutError:
        raise AuthError(f"nobody signed in within {LOGIN_TIMEOUT // 60} minutes") from None
    except Exception as error:
        raise _exchange_error(error) from None
    say("Signed in.")
    return flow


def _paste_flow(client: dict[str, Any], ask: Ask, say: Say) -> Any:
    """Print the consent URL; read back the address the browser was redirected to."""
    from google_auth_oauthlib.flow import Flow

    flow = Flow.from_client_config(client, SCOPES, redirect_uri=f"http://127.0.0.1:{_free_port()}/")
    url, state = flow.authorization_url(prompt="consent", access_type="offline")
    say(
        "1. Open this address in a browser on any machine and allow access:\n\n"
        f"{url}\n\n"
        "2. The browser then fails to load a page at http://127.0.0.1 (nothing listens there;\n"
        "   that is expected). Copy the whole address from its address bar and paste it here."
    )
    pasted = ask("Address (or just the code)").strip()
    try:
        flow.fetch_token(**_exchange_arguments(pasted, state))
    except Exception as error:
        raise _exchange_error(error) from None
    return flow


def _exchange_arguments(pasted: str, state: str) -> dict[str, str]:
    """Turn what the user pasted into fetch_token's arguments, checking it first."""
    if "://" not in pasted and "code=" not in pasted:
        if not pasted:
            raise AuthError(f"nothing was pasted; {SIGN_IN} --no-browser again")
        return {"code": pasted}
    query = parse_qs(urlsplit(pasted).query)
    if "error" in query:
        raise AuthError(f"Google said {query['error'][0]}: access was not granted; {SIGN_IN}")
    if query.get("state", [state])[0] != state:
        raise AuthError(f"that address is from another sign-in attempt; {SIGN_IN} --no-browser")
    if "code" not in query:
        raise AuthError("the address has no code=…; copy the whole address from the address bar")
    # oauthlib insists on https, but a loopback redirect is plain http by design
    return {"authorization_response": pasted.replace("http://", "https://", 1)}


def _exchange_error(error: Exception) -> AuthError:
    """Explain a failed code exchange (never echoing the code or any token)."""
    if isinstance(error, AuthError):
        return error
    oauth_error = getattr(error, "error", None)  # oauthlib's OAuth2Error names the OAuth error
    if isinstance(oauth_error, str):
        return AuthError(f"Google refused the sign-in ({oauth_error}); {SIGN_IN} again")
    return AuthError(f"signing in failed ({type(error).__name__}: {error}); {SIGN_IN} again")


def _free_port() -> int:
    """Pick a loopback port nobody listens on, for a redirect nobody needs to catch."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
