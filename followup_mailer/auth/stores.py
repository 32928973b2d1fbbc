"""Which token store the config asks for: the OS keyring (the default) or a 0600 file."""

from __future__ import annotations

from pathlib import Path

from followup_mailer.auth.keyring_store import KeyringTokenStore
from followup_mailer.auth.tokens import FileTokenStore, TokenStore
from followup_mailer.settings import Settings


def token_store(*, kind: str, account: str, state_dir: Path) -> TokenStore:
    """Return the store of one account's token: "file" (in the state folder) or the keyring."""
    if kind == "file":
        return FileTokenStore(state_dir / "tokens" / f"{account.lower()}.json")
    return KeyringTokenStore(account.lower())


def token_store_for(settings: Settings) -> TokenStore:
    """Return the token store the settings ask for."""
    return token_store(
        kind=settings.gmail.token_store,
        account=settings.account.email,
        state_dir=settings.state_dir,
    )
