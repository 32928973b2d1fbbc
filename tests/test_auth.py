"""Signing in: the real OAuth flows against a local consent server, import, status, checks."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from followup_mailer.auth.signin import COMPOSE, METADATA, READONLY
from followup_mailer.auth.tokens import FileTokenStore
from tests.e2e import COMMAND, Workspace
from tests.fakegmail import FakeGmail

pytestmark = pytest.mark.slow  # sign-in runs the real command as a subprocess


class Consent:
    """Google's consent page and code exchange for a Desktop client; grants come from the fake.

    GET /auth answers as a user who clicks Allow: a redirect to redirect_uri with a
    code. POST /token exchanges the code (checking the PKCE verifier) for a fresh
    refresh token of the fake Gmail and an access token it accepts.
    """

    def __init__(self, gmail: FakeGmail, granted: tuple[str, ...] = (COMPOSE, READONLY)) -> None:
        self.gmail, self.granted = gmail, granted
        self.asked: list[dict[str, str]] = []
        self.codes: dict[str, dict[str, str]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def client_secret(self, path: Path, kind: str = "installed") -> Path:
        info = self.gmail.authorized_user_info()
        client = {
            "client_id": info["client_id"],
            "client_secret": info["client_secret"],
            "auth_uri": f"{self.url}/auth",
            "token_uri": f"{self.url}/token",
            "redirect_uris": ["http://localhost"],
        }
        path.write_text(json.dumps({kind: client}), encoding="utf-8")
        return path

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        consent = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                asked = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                consent.asked.append(asked)
                code = secrets.token_urlsafe(8)
                consent.codes[code] = asked
                reply = {"state": asked["state"], "code": code, "scope": " ".join(consent.granted)}
                self.send_response(302)
                self.send_header("Location", asked["redirect_uri"] + "?" + urlencode(reply))
                self.end_headers()

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = consent.exchange(form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def exchange(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        asked = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if asked is None or challenge.decode() != asked.get("code_challenge"):
            return 400, {"error": "invalid_grant", "error_description": "Bad code or verifier."}
        refresh = self.gmail.grant_refresh_token()
        grant = urlencode(
            {**self.gmail.authorized_user_info(refresh), "grant_type": "refresh_token"}
        )
        with urllib.request.urlopen(self.gmail.token_uri, data=grant.encode()) as answer:
            access = json.load(answer)["access_token"]
        return 200, {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": 3599,
            "scope": " ".join(self.granted),
            "token_type": "Bearer",
        }


@pytest.fixture
def gmail() -> Iterator[FakeGmail]:
    with FakeGmail(account="alex@example.com") as fake:
        yield fake


@pytest.fixture
def consent(gmail: FakeGmail) -> Iterator[Consent]:
    server = Consent(gmail)
    yield server
    server.server.shutdown()


@pytest.fixture
def ws(tmp_path: Path, gmail: FakeGmail, consent: Consent) -> Workspace:
    workspace = Workspace(tmp_path, env={"OAUTHLIB_INSECURE_TRANSPORT": "1"})  # http on loopback
    consent.client_secret(tmp_path / "client_secret.json")
    workspace.write_config(
        delivery={"backend": "gmail"},
        gmail={"token_store": "file", "api_endpoint": gmail.url, "token_uri": gmail.token_uri},
    )
    return workspace


def stored(ws: Workspace) -> dict[str, Any] | None:
    return FileTokenStore(ws.root / "state" / "tokens" / "alex@example.com.json").load()


def login_by_pasting(ws: Workspace, consent: Consent) -> subprocess.CompletedProcess[str]:
    """Run `auth login --no-browser`: open the printed URL elsewhere, paste back where it led."""
    process = subprocess.Popen(
        [COMMAND, "--config", str(ws.config), "auth", "login", "--no-browser"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ws.environ(),
    )
    assert process.stdout is not None
    threading.Timer(30, process.kill).start()  # never wait forever for the URL
    printed = []
    for line in process.stdout:
        printed.append(line)
        if line.startswith(consent.url):
            break
    url = urlsplit(printed[-1].strip())
    browser = http.client.HTTPConnection(url.netloc, timeout=10)
    browser.request("GET", f"{url.path}?{url.query}")
    landed = browser.getresponse().getheader("Location") or ""  # nobody listens there
    out, err = process.communicate(landed + "\n", timeout=30)
    return subprocess.CompletedProcess(
        process.args, process.returncode, "".join(printed) + out, err
    )


def test_login_without_a_browser_stores_a_checked_token(ws: Workspace, consent: Consent) -> None:
    done = login_by_pasting(ws, consent)
    assert done.returncode == 0, done.stderr
    [asked] = consent.asked
    assert asked["scope"].split() == [COMPOSE, READONLY]
    assert (asked["access_type"], asked["prompt"]) == ("offline", "consent")
    assert asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"].startswith("http://127.0.0.1:")
    assert "Stored the token for alex@example.com" in done.stdout
    assert '"Testing"' in done.stdout  # the 7-day rule, with its date
    token = stored(ws)
    assert token is not None and token["account"] == "alex@example.com"
    assert sorted(token["scopes"]) == sorted([COMPOSE, READONLY])
    consented = datetime.fromisoformat(token["consented_at"])
    assert abs(datetime.now(UTC) - consented) < timedelta(minutes=1)
    assert token["refresh_token"] not in done.stdout + done.stderr


BROWSER = """#!{python}
# A browser whose user clicks Allow: follows the redirects back to the waiting loopback server.
# Like a real browser command it returns at once (webbrowser waits for it), visiting in a child.
import subprocess, sys, urllib.request
if sys.argv[2:] == ["visit"]:
    urllib.request.urlopen(sys.argv[1], timeout=20).read()
else:
    subprocess.Popen([sys.executable, __file__, sys.argv[1], "visit"])
"""


def test_login_with_a_browser_catches_the_loopback_redirect(
    ws: Workspace, consent: Consent
) -> None:
    browser = ws.root / "browser"
    browser.write_text(BROWSER.format(python=sys.executable))
    browser.chmod(0o755)
    done = ws.run("auth", "login", BROWSER=str(browser))
    assert "Stored the token for alex@example.com" in done.stdout
    assert consent.asked[0]["redirect_uri"].startswith("http://localhost:")
    token = stored(ws)
    assert token is not None and "consented_at" in token


def test_a_scope_left_unticked_is_refused(ws: Workspace, consent: Consent) -> None:
    consent.granted = (COMPOSE,)
    done = login_by_pasting(ws, consent)
    assert done.returncode == 1
    assert "gmail.readonly" in done.stderr and "tick both" in done.stderr
    assert stored(ws) is None


def test_another_accounts_token_is_refused(tmp_path: Path) -> None:
    with FakeGmail(account="someone@else.com") as other:
        consent = Consent(other)
        ws = Workspace(tmp_path, env={"OAUTHLIB_INSECURE_TRANSPORT": "1"})
        consent.client_secret(tmp_path / "client_secret.json")
        ws.write_config(
            delivery={"backend": "gmail"},
            gmail={"token_store": "file", "api_endpoint": other.url, "token_uri": other.token_uri},
        )
        done = login_by_pasting(ws, consent)
        consent.server.shutdown()
    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert "someone@else.com" in message and "alex@example.com" in message
    assert stored(ws) is None


def test_a_web_client_or_a_missing_file_is_explained(ws: Workspace, consent: Consent) -> None:
    consent.client_secret(ws.root / "client_secret.json", kind="web")
    web = ws.run("auth", "login", "--no-browser", check=False)
    assert web.returncode == 1 and "Desktop app" in web.stderr
    (ws.root / "client_secret.json").unlink()
    missing = ws.run("auth", "login", "--no-browser", check=False)
    assert missing.returncode == 1
    assert "client_secret.json" in missing.stderr and "followup-mailer help auth" in missing.stderr


# Import ------------------------------------------------------------------------------------------


def token_file(ws: Workspace, data: dict[str, Any]) -> str:
    path = ws.root / "exported.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_import_replaces_the_stored_token_and_never_echoes_it(
    ws: Workspace, gmail: FakeGmail, consent: Consent
) -> None:
    login_by_pasting(ws, consent)
    info = gmail.authorized_user_info(gmail.grant_refresh_token())
    done = ws.run("auth", "import", token_file(ws, info))
    token = stored(ws)
    assert token is not None and token["refresh_token"] == info["refresh_token"]
    assert "consented_at" not in token  # unknown for a token made elsewhere
    said = done.stdout + done.stderr
    assert info["refresh_token"] not in said and info["client_secret"] not in said
    status = ws.run("auth", "status")
    assert "check        works" in status.stdout and "at the latest" in status.stdout


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ({"installed": {"client_id": "x", "client_secret": "hush-hush"}}, "client secret"),
        ({"client_id": "x", "client_secret": "hush-hush"}, "lacks refresh_token"),
        (
            {
                "refresh_token": "1//r",
                "client_id": "x",
                "client_secret": "hush-hush",
                "scopes": [COMPOSE, READONLY, METADATA],
            },
            "gmail.metadata",
        ),
    ],
)
def test_import_refuses_what_is_not_a_usable_token(
    ws: Workspace, data: dict[str, Any], complaint: str
) -> None:
    refused = ws.run("auth", "import", token_file(ws, data), check=False)
    assert refused.returncode == 1 and complaint in " ".join(refused.stderr.split())
    assert "hush-hush" not in refused.stdout + refused.stderr
    assert stored(ws) is None


# Status ------------------------------------------------------------------------------------------


def test_status_shows_the_sign_in_but_never_the_token(ws: Workspace, consent: Consent) -> None:
    login_by_pasting(ws, consent)
    shown = json.loads(ws.run("auth", "status", "--json").stdout)
    assert shown["account"] == shown["token_account"] == "alex@example.com"
    assert shown["scopes"] == ["gmail.compose", "gmail.readonly"]
    assert shown["check"] == "works" and shown["signed_in"] is True
    assert any("7 days after consent" in note for note in shown["notes"])
    token = stored(ws) or {}
    text = json.dumps(shown)
    assert token["refresh_token"] not in text and token["client_secret"] not in text


def test_status_blames_the_testing_status_for_a_week_old_refused_token(
    ws: Workspace, gmail: FakeGmail
) -> None:
    info = gmail.authorized_user_info()
    week_ago = (datetime.now(UTC) - timedelta(days=7, hours=1)).isoformat()
    FileTokenStore(ws.root / "state" / "tokens" / "alex@example.com.json").save(
        {**info, "consented_at": week_ago}
    )
    gmail.revoke_token()  # what Google does to a "Testing" app's token after 7 days
    status = ws.run("auth", "status", check=False)
    assert status.returncode == 1
    text = " ".join(status.stdout.split())
    assert "refused: invalid_grant" in text and 'probably in "Testing"' in text
    assert "followup-mailer auth login" in text


def test_status_without_a_token_says_how_to_sign_in(ws: Workspace) -> None:
    status = ws.run("auth", "status", check=False)
    assert status.returncode == 1 and "run `followup-mailer auth login`" in status.stdout
