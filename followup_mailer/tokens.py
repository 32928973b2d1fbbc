"""Where the OAuth token lives: the OS keyring (default) or a 0600 file.

A token is an "authorized user" mapping: refresh_token, client_id,
client_secret, and optionally token, expiry and scopes. It is never printed
or logged. One entry per account: keyring service "followup-mailer",
username = the account address; or `<state dir>/tokens/<account>.json`.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from followup_mailer.errors import AuthError

SERVICE = "followup-mailer"
REQUIRED_KEYS = ("refresh_token", "client_id", "client_secret")


class TokenStore(Protocol):
    name: str

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


class FileTokenStore:
    """A JSON file readable by the user only, replaced atomically on every write."""

    name = "file"

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any] | None:
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            # someone widened it: take it back before reading the secret
            self.path.chmod(0o600)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise AuthError(
                f"cannot read the token file {self.path} ({type(error).__name__}); "
                "run `followup-mailer auth login` again"
            ) from None
        return dict(data) if isinstance(data, dict) else None

    def save(self, token: Mapping[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps(dict(token), indent=2, sort_keys=True)
        write_private(self.path, text)

    def delete(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


def write_private(path: Path, text: str) -> None:
    """Write a 0600 file atomically: a crash leaves the old file or the new one, never half."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class KeyringTokenStore:
    """The OS keyring (Secret Service, macOS Keychain, Windows Credential Locker)."""

    name = "keyring"

    def __init__(self, account: str) -> None:
        self.account = account

    def load(self) -> dict[str, Any] | None:
        text = _keyring_call("get_password", SERVICE, self.account)
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            raise AuthError(
                f"the keyring entry {SERVICE}/{self.account} is not a token; "
                "run `followup-mailer auth login` again"
            ) from None
        return dict(data) if isinstance(data, dict) else None

    def save(self, token: Mapping[str, Any]) -> None:
        _keyring_call("set_password", SERVICE, self.account, json.dumps(dict(token)))

    def delete(self) -> bool:
        import keyring.errors

        try:
            _keyring_call("delete_password", SERVICE, self.account)
        except keyring.errors.PasswordDeleteError:
            return False
        return True


def _keyring_call(name: str, *args: str) -> Any:
    """Call the keyring, turning 'no usable keyring' into one clear error with the ways out."""
    import keyring
    import keyring.errors

    backend = keyring.get_keyring()
    try:
        return getattr(keyring, name)(*args)
    except (keyring.errors.NoKeyringError, keyring.errors.KeyringLocked) as error:
        raise AuthError(no_keyring_message(type(backend).__name__, str(error))) from None
    except keyring.errors.InitError as error:
        raise AuthError(no_keyring_message(type(backend).__name__, str(error))) from None


def no_keyring_message(backend: str, detail: str) -> str:
    """Explain that the keyring cannot be used, and the two ways out."""
    return (
        f"the OS keyring cannot be used (backend {backend}: {detail or 'unavailable'}). "
        "Either unlock or start a keyring (on a desktop: log in to your session; over SSH: "
        "run inside `dbus-run-session` with gnome-keyring unlocked), or set "
        '`token_store = "file"` under [gmail] in config.toml to keep the token in a 0600 file'
    )


def token_store(*, kind: str, account: str, state_dir: Path) -> TokenStore:
    """Return the store the config asks for."""
    if kind == "file":
        return FileTokenStore(state_dir / "tokens" / f"{account.lower()}.json")
    return KeyringTokenStore(account.lower())
