"""Token storage: 0600 files written atomically, real keyring backends, no silent plain text."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]  # untyped

from followup_mailer.auth.keyring_store import KeyringTokenStore
from followup_mailer.auth.tokens import FileTokenStore, TokenWatch
from followup_mailer.errors import AuthError
from followup_mailer.logs import redact, remember_secrets
from tests.e2e import COMMAND, Workspace
from tests.fakegmail import FakeGmail

TOKEN = {"refresh_token": "1//first-refresh", "client_id": "id-1", "client_secret": "secret-one"}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_file_store_writes_0600_in_a_0700_folder(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens" / "alex@example.com.json")
    store.save(TOKEN)
    assert (mode(store.path), mode(store.path.parent)) == (0o600, 0o700)
    assert store.load() == TOKEN
    assert list(store.path.parent.iterdir()) == [store.path]  # no temp file left behind
    assert store.delete() and store.load() is None and not store.delete()


def test_wider_permissions_are_taken_back_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileTokenStore(tmp_path / "tokens" / "alex@example.com.json")
    store.save(TOKEN)
    store.path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        assert store.load() == TOKEN
    assert mode(store.path) == 0o600
    assert str(store.path) in caplog.text and "644" in caplog.text
    assert "secret-one" not in caplog.text


def test_the_consent_time_survives_a_refresh_but_not_a_new_grant(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "alex.json")
    store.save({**TOKEN, "consented_at": "2026-11-20T10:00:00+00:00"})
    store.save({**TOKEN, "token": "ya29.refreshed"})  # what a refresh saves back
    assert store.load() == {
        **TOKEN,
        "token": "ya29.refreshed",
        "consented_at": "2026-11-20T10:00:00+00:00",
    }
    store.save({**TOKEN, "refresh_token": "1//second"})
    assert "consented_at" not in (store.load() or {})


def test_the_token_watch_sees_a_new_sign_in_only(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "alex.json")
    store.save(TOKEN)
    watch = TokenWatch(store)
    assert not watch.changed()
    store.save({**TOKEN, "token": "ya29.refreshed"})  # same grant: not a new sign-in
    assert not watch.changed()
    store.delete()
    assert not watch.changed()  # gone is not signed in
    store.save({**TOKEN, "refresh_token": "1//after-login"})
    assert watch.changed()
    assert not watch.changed()


def test_redaction_blanks_remembered_secrets_and_token_shapes() -> None:
    remember_secrets({"client_secret": "pink-elephant-42"})
    line = (
        "client_secret=pink-elephant-42&refresh_token=1//abc-def "
        '{"access_token": "ya29.xyz", "token_uri": "http://127.0.0.1/token"} Bearer qwerty'
    )
    redacted = redact(line)
    for secret in ("pink-elephant-42", "1//abc-def", "ya29.xyz", "qwerty"):
        assert secret not in redacted
    assert "http://127.0.0.1/token" in redacted  # what is not secret stays readable


# The real command, killed in the middle of writing ----------------------------------------------


@pytest.fixture
def gmail() -> Iterator[FakeGmail]:
    with FakeGmail(account="alex@example.com") as fake:
        yield fake


def workspace(tmp_path: Path, gmail: FakeGmail, store: str) -> Workspace:
    ws = Workspace(tmp_path)
    ws.write_config(
        delivery={"backend": "gmail"},
        gmail={"token_store": store, "api_endpoint": gmail.url, "token_uri": gmail.token_uri},
    )
    return ws


def write_token(ws: Workspace, token: dict[str, str], name: str = "token.json") -> Path:
    path = ws.root / name
    path.write_text(json.dumps(token), encoding="utf-8")
    return path


@pytest.mark.slow  # the real command, three times, one of them killed
def test_a_kill_in_the_middle_of_a_token_write_leaves_the_old_token_whole(
    tmp_path: Path, gmail: FakeGmail
) -> None:
    ws = workspace(tmp_path, gmail, "file")
    ws.run("auth", "import", str(write_token(ws, gmail.authorized_user_info())))
    stored = tmp_path / "state" / "tokens" / "alex@example.com.json"
    before = json.loads(stored.read_text())
    fresh = write_token(ws, gmail.authorized_user_info(gmail.grant_refresh_token()), "new.json")
    killed = ws.run(
        "auth", "import", str(fresh), check=False, FOLLOWUP_MAILER_FAULTPOINT="during_token_write"
    )
    assert killed.returncode == -signal.SIGKILL
    assert json.loads(stored.read_text()) == before
    assert all(mode(p) == 0o600 for p in stored.parent.iterdir())  # even the torn temp file
    ws.run("auth", "import", str(fresh))
    assert json.loads(stored.read_text())["refresh_token"] == gmail.refresh_token


# Real keyring backends ---------------------------------------------------------------------------


def keyring_env(tmp_path: Path, backend: str | None = None) -> dict[str, str]:
    """Return an environment that keeps keyring away from the real home and session bus."""
    (tmp_path / "home").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "COLUMNS": "200",
    }
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.pop("PYTHON_KEYRING_BACKEND", None)
    return env | ({"PYTHON_KEYRING_BACKEND": backend} if backend else {})


def fm(ws: Workspace, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run followup-mailer with exactly this environment."""
    command = [COMMAND, "--config", str(ws.config), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)


PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"


@pytest.mark.slow  # a second process
def test_a_keyring_backend_chosen_on_purpose_stores_and_removes_the_token(
    tmp_path: Path, gmail: FakeGmail, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(tmp_path, gmail, "keyring")
    env = keyring_env(tmp_path, PLAINTEXT)
    info = gmail.authorized_user_info()
    imported = fm(ws, env, "auth", "import", str(write_token(ws, info)))
    status = fm(ws, env, "auth", "status")
    assert (imported.returncode, status.returncode) == (0, 0), imported.stderr
    assert PLAINTEXT in status.stdout and "check        works" in status.stdout
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    entry = PlaintextKeyring().get_password("followup-mailer", "alex@example.com")
    assert json.loads(entry or "{}")["refresh_token"] == info["refresh_token"]
    for said in (imported.stdout + imported.stderr, status.stdout + status.stderr):
        assert info["refresh_token"] not in said and info["client_secret"] not in said
    assert "Removed" in fm(ws, env, "auth", "logout").stdout
    after = fm(ws, env, "auth", "status")
    assert after.returncode == 1 and "not signed in" in after.stdout


@pytest.mark.slow  # a second process
@pytest.mark.parametrize(
    "backend", ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"]
)
def test_no_usable_keyring_fails_fast_with_the_two_ways_out(
    tmp_path: Path, gmail: FakeGmail, backend: str
) -> None:
    ws = workspace(tmp_path, gmail, "keyring")
    began = time.monotonic()
    token = write_token(ws, gmail.authorized_user_info())
    refused = fm(ws, keyring_env(tmp_path, backend), "auth", "import", str(token))
    assert refused.returncode == 1 and time.monotonic() - began < 10
    message = " ".join(refused.stderr.split())
    assert backend in message
    assert 'token_store = "file"' in message and "dbus-run-session" in message
    assert "Traceback" not in refused.stderr


@pytest.mark.slow  # a second process
def test_keyring_never_falls_back_to_plain_text_by_itself(tmp_path: Path, gmail: FakeGmail) -> None:
    ws = workspace(tmp_path, gmail, "keyring")
    env = keyring_env(tmp_path)  # no backend named, no session bus: only keyrings.alt is left
    refused = fm(ws, env, "auth", "import", str(write_token(ws, gmail.authorized_user_info())))
    assert refused.returncode == 1
    assert "non-recommended" in refused.stderr and PLAINTEXT in " ".join(refused.stderr.split())
    assert not (tmp_path / "data" / "python_keyring").exists()


class HangingKeyring(KeyringBackend):
    """A backend stuck as one waiting for an unlock prompt nobody can see."""

    priority = 1
    release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(30)


def test_a_keyring_that_never_answers_gives_up_in_time() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(HangingKeyring())  # type: ignore[no-untyped-call]  # keyring's own
    try:
        store = KeyringTokenStore("alex@example.com", timeout=0.5)
        began = time.monotonic()
        with pytest.raises(AuthError, match=r"no answer within 0\.5 s") as first:
            store.load()
        assert time.monotonic() - began < 2
        assert 'token_store = "file"' in str(first.value)
        with pytest.raises(AuthError):  # still stuck: refused at once, no second thread
            store.save(TOKEN)
        assert time.monotonic() - began < 2
    finally:
        HangingKeyring.release.set()
        keyring.set_keyring(previous)


# A real Secret Service ---------------------------------------------------------------------------

needs_secret_service = pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
    reason="gnome-keyring and dbus are not installed",
)


def in_session(ws: Workspace, tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script inside a private D-Bus session with its own gnome-keyring."""
    env = keyring_env(tmp_path) | {"FM": f"{COMMAND} --config {ws.config}"}
    return subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.mark.slow  # a second process
@needs_secret_service
def test_an_unlocked_secret_service_keeps_the_token(tmp_path: Path, gmail: FakeGmail) -> None:
    ws = workspace(tmp_path, gmail, "keyring")
    token = write_token(ws, gmail.authorized_user_info())
    done = in_session(
        ws,
        tmp_path,
        "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
        f"$FM auth import {token} && $FM auth status && $FM auth logout",
    )
    assert done.returncode == 0, done.stderr
    assert "keyring.backends.SecretService.Keyring" in done.stdout
    assert "check        works" in done.stdout and "Removed" in done.stdout


@pytest.mark.slow  # a second process
@needs_secret_service
def test_a_locked_secret_service_fails_at_once_with_the_ways_out(
    tmp_path: Path, gmail: FakeGmail
) -> None:
    ws = workspace(tmp_path, gmail, "keyring")
    token = write_token(ws, gmail.authorized_user_info())
    began = time.monotonic()
    done = in_session(
        ws,
        tmp_path,
        "gnome-keyring-daemon --start --components=secrets >/dev/null; $FM auth import "
        + str(token),
    )
    assert done.returncode == 1 and time.monotonic() - began < 30
    message = " ".join(done.stderr.split())
    assert "SecretService" in message and 'token_store = "file"' in message
