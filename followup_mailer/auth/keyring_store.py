"""The OS keyring as the token store: one entry per account, never a plain-text backend by chance.

Every keyring call runs in a daemon thread with a timeout: a keyring waiting on an unlock prompt
nobody sees must not hang the daemon. Any failure says how to unlock a keyring or switch to the
0600 file store.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from followup_mailer.auth.tokens import load_quietly, parse_token, with_notes
from followup_mailer.errors import AuthError
from followup_mailer.logs import remember_secrets

SERVICE = "followup-mailer"
KEYRING_TIMEOUT = 10.0  # seconds: a keyring stuck on an unseen unlock prompt must not hang us
T = TypeVar("T")


class KeyringTokenStore:
    """The OS keyring (Secret Service, macOS Keychain, Windows Credential Locker)."""

    name = "keyring"

    def __init__(self, account: str, *, timeout: float = KEYRING_TIMEOUT) -> None:
        self.account = account
        self.timeout = timeout

    @property
    def where(self) -> str:
        backend = _timed(backend_name, self.timeout)
        return f"OS keyring ({backend}), service {SERVICE!r}, entry {self.account!r}"

    def load(self) -> dict[str, Any] | None:
        text = self._call("get_password")
        if not text:
            return None
        return parse_token(text, where=f"the keyring entry {SERVICE}/{self.account}")

    def save(self, token: Mapping[str, Any]) -> None:
        token = with_notes(token, load_quietly(self.load))
        remember_secrets(token)
        self._call("set_password", json.dumps(token, sort_keys=True))

    def delete(self) -> bool:
        if self.load() is None:
            return False
        self._call("delete_password")
        return True

    def _call(self, operation: str, *args: str) -> Any:
        """Run one keyring operation on a usable backend, within the timeout."""

        def call() -> Any:
            import keyring

            usable_backend()
            return getattr(keyring, operation)(SERVICE, self.account, *args)

        return _timed(call, self.timeout)


def backend_name() -> str:
    """Return the dotted name of the keyring backend in use (what PYTHON_KEYRING_BACKEND takes)."""
    import keyring
    from keyring.backends import chainer

    backend = keyring.get_keyring()
    if isinstance(backend, chainer.ChainerBackend) and backend.backends:
        backend = backend.backends[0]  # the chain stores with its first backend
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def usable_backend() -> None:
    """Raise AuthError unless the keyring backend really stores secrets, safely."""
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    name = backend_name()
    if isinstance(backend, fail.Keyring | null.Keyring):
        raise AuthError(no_keyring_message(name, "no usable keyring"))
    first = backend.backends[0] if isinstance(backend, chainer.ChainerBackend) else backend
    if first.priority < 1 and not _chosen_on_purpose():
        # keyring picked a non-recommended (plain-text) backend on its own
        raise AuthError(
            no_keyring_message(name, "only a non-recommended backend that keeps secrets in a file")
            + f"; to use it anyway on purpose, set PYTHON_KEYRING_BACKEND={name}"
        )


def _chosen_on_purpose() -> bool:
    """Tell whether the user named a backend (environment or keyringrc), as keyring reads it."""
    from keyring.util import platform_

    config = platform_.config_root() / "keyringrc.cfg"
    return bool(os.environ.get("PYTHON_KEYRING_BACKEND")) or config.exists()


_in_flight: list[threading.Thread] = []  # a keyring call that never returned (at most one)


def _timed(call: Callable[[], T], timeout: float) -> T:
    """Run a keyring call in a daemon thread; give up after `timeout` seconds with AuthError."""
    if _in_flight and _in_flight[0].is_alive():
        raise AuthError(_hang_message(timeout))
    _in_flight.clear()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=target, name="keyring", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        _in_flight.append(thread)
        raise AuthError(_hang_message(timeout))
    error = box.get("error")
    if isinstance(error, AuthError):
        raise error
    if isinstance(error, Exception):
        # NoKeyringError, KeyringLocked, InitError, D-Bus failures: all "cannot be used"
        detail = f"{type(error).__name__}: {error}"
        raise AuthError(no_keyring_message(_safe_backend_name(), detail)) from None
    if error is not None:
        raise error
    value: T = box["value"]
    return value


def _safe_backend_name() -> str:
    try:
        return backend_name()
    except Exception:  # naming the backend must not hide the error being reported
        return "unknown"


def _hang_message(timeout: float) -> str:
    return no_keyring_message(
        _safe_backend_name(),
        f"no answer within {timeout:g} s; it may be waiting for an unlock prompt nobody can see",
    )


def no_keyring_message(backend: str, detail: str) -> str:
    """Explain that the keyring cannot be used, and the two ways out."""
    return (
        f"the OS keyring cannot be used (backend {backend}: {detail or 'unavailable'}). "
        "Either unlock or start a keyring (on a desktop: log in to your session; over SSH: "
        "run inside `dbus-run-session` with gnome-keyring unlocked), or set "
        '`token_store = "file"` under [gmail] in config.toml to keep the token in a 0600 file'
    )
