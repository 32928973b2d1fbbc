"""`init` and `help`: a first run that cannot misfire, and guides that ship with the package."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from followup_mailer.cli import first_run
from followup_mailer.cli.help import guide
from followup_mailer.cli.main import main
from followup_mailer.intake.schedule import load_schedule

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--name", "Alex Rivera", "--email", "alex@example.com", "--timezone", "Europe/Berlin"]


def run(config: Path, *args: str, input: str | None = None, **env: str) -> Result:
    environment = {"TZ": "Europe/Berlin", **env}
    return CliRunner().invoke(main, ["--config", str(config), *args], input=input, env=environment)


def settings_of(config: Path) -> dict[str, dict[str, object]]:
    return tomllib.loads(config.read_text(encoding="utf-8"))


def test_init_writes_your_values_and_a_schedule_that_creates_nothing_yet(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    made = run(config, "init", *FLAGS, "--backend", "maildir")
    assert made.exit_code == 0, made.output
    written = settings_of(config)
    assert written["account"] == {
        "email": "alex@example.com",
        "name": "Alex Rivera",
        "timezone": "Europe/Berlin",
        "aliases": [],
    }
    assert written["delivery"]["backend"] == "maildir"
    assert written["signature"]["lines"] == ["alex@example.com"]  # not the example's phone
    assert "# required: the address you send from" in config.read_text()  # comments kept
    interviews = load_schedule(tmp_path / "interviews.toml", default_tz=ZoneInfo("Europe/Berlin"))
    soon = datetime.now().astimezone() + timedelta(days=6)
    assert interviews and all(i.start > soon for i in interviews)
    assert all(p.email.endswith(".example") for i in interviews for p in i.people)
    checked = run(config, "check")
    assert checked.exit_code == 0, checked.output
    assert checked.stderr == ""
    once = run(config, "run", "--once")
    assert once.exit_code == 0, once.output
    assert not any((tmp_path / "mail" / "Drafts" / "new").glob("*"))  # nothing created


def test_init_says_where_the_mail_folders_are_and_what_to_run(tmp_path: Path) -> None:
    made = run(tmp_path / "config.toml", "init", *FLAGS, "--backend", "maildir")
    mail = tmp_path / "mail"
    assert f"drafts appear in   {mail / 'Drafts'}/" in made.stdout
    for step in ("check", "plan", "run --once"):
        assert f"followup-mailer --config {tmp_path / 'config.toml'} {step}" not in made.stdout
        assert f"followup-mailer {step}" in made.stdout


def test_init_for_gmail_leads_to_sign_in_first(tmp_path: Path) -> None:
    made = run(tmp_path / "config.toml", "init", *FLAGS, "--backend", "gmail")
    assert made.exit_code == 0, made.output
    lines = made.stdout.splitlines()
    sign_in = next(i for i, line in enumerate(lines) if "auth login" in line)
    first_run_line = next(i for i, line in enumerate(lines) if "run --once" in line)
    assert sign_in < first_run_line
    assert "followup-mailer help auth" in made.stdout
    assert str(tmp_path / "client_secret.json") in made.stdout


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A machine with no usable OS keyring (a headless box): keyring's own "fail" backend."""
    import keyring
    from keyring.core import load_keyring

    before = keyring.get_keyring()
    keyring.set_keyring(load_keyring("keyring.backends.fail.Keyring"))
    yield
    keyring.set_keyring(before)


@pytest.mark.usefixtures("no_keyring")
def test_init_for_gmail_without_a_keyring_keeps_the_token_in_a_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    made = run(config, "init", *FLAGS, "--backend", "gmail")
    assert made.exit_code == 0, made.output
    assert settings_of(config)["gmail"]["token_store"] == "file"
    assert "a 0600 file" in made.stdout


def test_init_without_a_terminal_or_flags_uses_stand_ins_and_says_so(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    made = run(config, "init")
    assert made.exit_code == 0, made.output
    account = settings_of(config)["account"]
    assert (account["email"], account["timezone"]) == ("you@example.com", "Europe/Berlin")
    assert "config.toml has stand-ins under [account]" in made.stdout
    assert run(config, "check").exit_code == 0


def test_init_in_a_terminal_asks_showing_real_defaults(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    answers = ["Alex Rivera", "bob@foo", "alex@example.com", "", "gmail"]
    made = run(config, "init", "--interactive", input="\n".join(answers) + "\n")
    assert made.exit_code == 0, made.output
    assert "Your timezone [Europe/Berlin]:" in made.output
    assert "[maildir]" in made.output  # the backend's default
    assert "is not a single valid address" in made.output  # asked again
    account = settings_of(config)["account"]
    assert (account["email"], account["timezone"]) == ("alex@example.com", "Europe/Berlin")
    assert settings_of(config)["delivery"]["backend"] == "gmail"


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--email", "bob@foo"], "is not a single valid address"),
        (["--timezone", "Europe/Berln"], "Europe/Berlin"),
        (["--name", "Alex\nRivera"], "not a name on one line"),
    ],
)
def test_init_refuses_a_bad_value_naming_the_flag(
    tmp_path: Path, flags: list[str], words: str
) -> None:
    made = run(tmp_path / "config.toml", "init", *flags)
    assert made.exit_code == 2 and words in made.output
    assert list(tmp_path.iterdir()) == []


def test_init_never_overwrites(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    assert run(config, "init", *FLAGS).exit_code == 0
    again = run(config, "init", *FLAGS)
    assert again.exit_code == 1 and "refusing to overwrite" in again.stderr


def test_the_example_schedule_moves_to_next_week_keeping_weekdays() -> None:
    text, day = first_run.schedule_text(date(2026, 12, 2))
    assert day == date(2026, 12, 11) and day.weekday() == date(2026, 11, 20).weekday()
    assert "2026-11-20" not in text and "start = 2026-12-11T14:00:00-05:00" in text
    assert "expect_response_by = 2026-12-18" in text
    assert text.startswith("# The interviews below are EXAMPLES, dated next week (Fri 11 Dec)")


# --- help -----------------------------------------------------------------------------------------


def test_help_auth_prints_the_guide_shipped_in_the_package(tmp_path: Path) -> None:
    shown = run(tmp_path / "config.toml", "help", "auth")
    assert shown.exit_code == 0
    assert shown.stdout == guide("auth")
    assert "followup-mailer auth login" in shown.stdout


def test_the_guide_in_docs_is_the_one_in_the_package() -> None:
    assert (ROOT / "docs" / "auth.md").read_text(encoding="utf-8") == guide("auth")


def test_help_lists_the_guides_and_shows_a_commands_help(tmp_path: Path) -> None:
    listed = run(tmp_path / "config.toml", "help")
    assert listed.exit_code == 0 and "auth" in listed.stdout
    add = run(tmp_path / "config.toml", "help", "add")
    assert add.exit_code == 0 and " add [OPTIONS]" in add.stdout.splitlines()[0]
    unknown = run(tmp_path / "config.toml", "help", "nope")
    assert unknown.exit_code == 2 and "followup-mailer help" in unknown.output
