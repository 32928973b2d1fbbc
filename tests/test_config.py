from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followup_mailer.errors import ConfigError, Problem
from followup_mailer.intake.config import load_settings
from followup_mailer.intake.paths import config_path, default_state_dir

ROOT = Path(__file__).resolve().parent.parent

ACCOUNT = """\
[account]
email = "alex@example.com"
name = "Alex Rivera"
timezone = "America/New_York"
"""

# SPEC section 2: every key config.toml accepts.
SPEC_KEYS = {
    "account": {"email", "name", "timezone", "aliases"},
    "signature": {"lines"},  # or text, documented in a comment
    "delivery": {
        "mode",
        "backend",
        "maildir",
        "send_window",
        "holidays",
        "max_lateness",
        "sendmail",
    },
    "cadence": {
        "thank_you_after",
        "thank_you_by",
        "followup_after",
        "followup_every",
        "max_followups",
        "rejection_note",
        "stay_in_touch_after",
    },
    "reminders": {"desktop", "email", "before_deadline"},
    "schedule": {"path", "watch"},
    "templates": {"dir"},
    "state": {"dir"},
    "gmail": {"client_secret", "token_store", "api_endpoint", "token_uri", "poll_interval"},
    # beyond SPEC.md: the lint's limits
    "lint": {"subject_chars", "thank_you_words", "nudge_words", "exclamations", "panel_similarity"},
}


def write(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(folder: Path, text: str) -> list[Problem]:
    with pytest.raises(ConfigError) as raised:
        load_settings(write(folder, text))
    return raised.value.problems


def line_of(text: str, fragment: str) -> int:
    """Number of the first line of `text` containing `fragment`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# --- what a user gets ------------------------------------------------------------------------


def test_example_config_loads_and_documents_every_key() -> None:
    example = ROOT / "config.example.toml"
    settings = load_settings(example)
    written = tomllib.loads(example.read_text(encoding="utf-8"))
    assert {section: set(keys) for section, keys in written.items()} == SPEC_KEYS
    assert settings.account.email == "alex@example.com"


def test_example_config_shows_the_defaults(tmp_path: Path) -> None:
    example = load_settings(ROOT / "config.example.toml")
    minimal = load_settings(write(tmp_path, ACCOUNT))
    assert minimal.delivery == replace(example.delivery, maildir=tmp_path / "mail")
    assert minimal.cadence == example.cadence
    assert minimal.gmail.poll_interval == example.gmail.poll_interval
    assert minimal.gmail.token_store == example.gmail.token_store
    assert (minimal.templates_dir, minimal.state_dir) == (example.templates_dir, example.state_dir)


def test_defaults_follow_the_spec(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ACCOUNT))
    delivery, cadence, gmail = settings.delivery, settings.cadence, settings.gmail
    assert (delivery.mode, delivery.backend, delivery.holidays) == ("draft", "gmail", "")
    assert delivery.send_window.text == "Mon-Fri 09:00-17:00"
    assert delivery.max_lateness == timedelta(hours=12)
    assert delivery.sendmail == ("/usr/sbin/sendmail", "-t", "-i")
    assert (cadence.thank_you_after.fixed, cadence.thank_you_by) == (
        timedelta(hours=2),
        timedelta(hours=24),
    )
    assert cadence.followup_after.business_days == 5
    assert (cadence.followup_every.business_days, cadence.max_followups) == (7, 2)
    assert cadence.rejection_note and settings.schedule.watch
    assert cadence.stay_in_touch_after is None
    reminders = settings.reminders
    assert (reminders.desktop, reminders.email) == (True, False)
    assert reminders.before_deadline == timedelta(hours=4)
    assert settings.schedule.path == tmp_path / "interviews.toml"
    assert settings.templates_dir is None
    assert settings.state_dir == default_state_dir()
    assert gmail.client_secret == tmp_path / "client_secret.json"
    assert (gmail.token_store, gmail.poll_interval) == ("keyring", timedelta(seconds=60))
    assert gmail.api_endpoint == "https://gmail.googleapis.com/"
    assert gmail.token_uri == "https://oauth2.googleapis.com/token"
    assert settings.signature.lines == ()
    assert settings.account.timezone == ZoneInfo("America/New_York")


def test_relative_paths_are_beside_the_config_and_home_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    text = ACCOUNT + '[schedule]\npath = "plans/interviews.toml"\n[state]\ndir = "~/state"\n'
    text += '[templates]\ndir = "/opt/templates"\n[delivery]\nmaildir = "../mail"\n'
    settings = load_settings(write(tmp_path, text))
    assert settings.schedule.path == tmp_path / "plans" / "interviews.toml"
    assert settings.state_dir == tmp_path / "home" / "state"
    assert settings.templates_dir == Path("/opt/templates")
    assert settings.delivery.maildir == tmp_path / ".." / "mail"
    assert settings.path == tmp_path / "config.toml"


def test_signature_text_becomes_lines(tmp_path: Path) -> None:
    text = ACCOUNT + '[signature]\ntext = """\n+1 555 0100\nlinkedin.com/in/alexrivera\n"""\n'
    assert load_settings(write(tmp_path, text)).signature.lines == (
        "+1 555 0100",
        "linkedin.com/in/alexrivera",
    )


def test_own_addresses_include_aliases_in_lower_case(tmp_path: Path) -> None:
    text = ACCOUNT.replace("alex@example.com", "Alex@Example.com")
    text += 'aliases = ["A.Rivera@Example.org"]\n'
    account = load_settings(write(tmp_path, text)).account
    assert account.own == {"alex@example.com", "a.rivera@example.org"}


def test_calendar_uses_the_given_zone_else_the_accounts_with_holidays(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ACCOUNT + '[delivery]\nholidays = "us"\n'))
    assert settings.delivery.holidays == "US"
    assert settings.calendar().tz == ZoneInfo("America/New_York")
    chicago = settings.calendar(ZoneInfo("America/Chicago"))
    assert (chicago.tz, chicago.holidays) == (ZoneInfo("America/Chicago"), "US")


def test_config_path_prefers_the_flag_then_the_environment(tmp_path: Path) -> None:
    flag, env = tmp_path / "flag.toml", tmp_path / "env.toml"
    assert config_path(flag, {"FOLLOWUP_MAILER_CONFIG": str(env)}) == flag
    assert config_path(None, {"FOLLOWUP_MAILER_CONFIG": str(env)}) == env
    default = config_path(None, {})
    assert default.name == "config.toml" and default.parent.name == "followup-mailer"


# --- problems --------------------------------------------------------------------------------


def test_missing_file_says_to_run_init(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "config.toml"
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    (problem,) = raised.value.problems
    assert problem.file == str(path)
    assert "followup-mailer init" in problem.fix


def test_syntax_error_names_its_line(tmp_path: Path) -> None:
    text = ACCOUNT + "[delivery]\nmode = draft\n"
    (problem,) = problems(tmp_path, text)
    assert problem.line == line_of(text, "mode = draft")
    assert "TOML" in problem.message and "column" in problem.fix


def test_file_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[account]\nname = "Ren\xe9"\n')
    with pytest.raises(ConfigError, match="1 problem"):
        load_settings(path)


BAD_VALUES = [
    # (line written, section, key shown, words in the message or fix)
    ('email = "Alex <alex@example.com>"', "account", "account.email", "plain email"),
    ('email = "alex@example.com, sam@example.com"', "account", "account.email", "plain"),
    ('email = "alex@example.com\\r\\nBcc: x@y.z"', "account", "account.email", "plain"),
    ('email = "alex at example.com"', "account", "account.email", "plain"),
    ('aliases = ["ok@example.com", "not an address"]', "account", "account.aliases", "plain"),
    ('name = "  "', "account", "account.name", "empty"),
    ('timezone = "America/New_Yrok"', "account", "account.timezone", "America/New_York"),
    ('timezone = "EST5"', "account", "account.timezone", "IANA"),
    ('colour = "blue"', "account", "account.colour", "unknown key"),
    ('mode = "drfat"', "delivery", "delivery.mode", 'did you mean "draft"'),
    ('backend = "imap"', "delivery", "delivery.backend", '"maildir"'),
    ('sned_window = "always"', "delivery", "delivery.sned_window", '"send_window"'),
    ('send_window = "Mon-Fri 9-5"', "delivery", "delivery.send_window", "24-hour"),
    ('send_window = "weekdays"', "delivery", "delivery.send_window", "Mon-Fri 09:00-17:00"),
    ('send_window = "Mon-Fri 17:00-09:00"', "delivery", "delivery.send_window", "earlier"),
    ('holidays = "Narnia"', "delivery", "delivery.holidays", "country code"),
    ('max_lateness = "2bd"', "delivery", "delivery.max_lateness", "fixed time"),
    ('sendmail = "\'unclosed"', "delivery", "delivery.sendmail", "quotes"),
    ('maildir = ""', "delivery", "delivery.maildir", "empty"),
    ('thank_you_after = "one day"', "cadence", "cadence.thank_you_after", '"24h"'),
    ('followup_after = "5 bd"', "cadence", "cadence.followup_after", '"5bd"'),
    ("max_followups = -1", "cadence", "cadence.max_followups", "from 0"),
    ("max_followups = 50", "cadence", "cadence.max_followups", "from 0"),
    ('max_followups = "2"', "cadence", "cadence.max_followups", "whole number"),
    ('rejection_note = "yes"', "cadence", "cadence.rejection_note", "true or false"),
    ("watch = 1", "schedule", "schedule.watch", "true or false"),
    ('token_store = "vault"', "gmail", "gmail.token_store", '"keyring"'),
    ('poll_interval = "1bd"', "gmail", "gmail.poll_interval", "fixed time"),
    ('poll_interval = "0s"', "gmail", "gmail.poll_interval", "longer than zero"),
    ('api_endpoint = "gmail.googleapis.com"', "gmail", "gmail.api_endpoint", "URL"),
    ('token_uri = "http://[127.0.0.1:9/token"', "gmail", "gmail.token_uri", "URL"),
    ('client_secret = ""', "gmail", "gmail.client_secret", "empty"),
]


@pytest.mark.parametrize(("line", "section", "key", "words"), BAD_VALUES)
def test_each_problem_names_file_line_key_and_fix(
    tmp_path: Path, line: str, section: str, key: str, words: str
) -> None:
    account = ACCOUNT if section != "account" else "[account]\n"
    defaults = {"email": '"alex@example.com"', "name": '"A R"', "timezone": '"Europe/Berlin"'}
    if section == "account":
        written = line.split(" = ")[0]
        account += "".join(f"{k} = {v}\n" for k, v in defaults.items() if k != written)
    text = f"{account}\n[{section}]\n{line}\n" if section != "account" else account + line + "\n"
    (problem,) = problems(tmp_path, text)
    assert problem.file == str(tmp_path / "config.toml")
    assert problem.line == line_of(text, line)
    assert problem.key == key
    assert problem.fix
    assert words in f"{problem.message} {problem.fix}"


def test_missing_required_key_points_at_its_table(tmp_path: Path) -> None:
    text = ACCOUNT.replace('timezone = "America/New_York"\n', "")
    (problem,) = problems(tmp_path, text)
    assert (problem.key, problem.message, problem.line) == ("account.timezone", "missing", 1)
    assert problem.fix == 'add timezone = "America/New_York"'


def test_unknown_section_suggests_the_right_one(tmp_path: Path) -> None:
    text = ACCOUNT + "\n[cadance]\nmax_followups = 1\n"
    (problem,) = problems(tmp_path, text)
    assert problem.key == "cadance"
    assert problem.line == line_of(text, "[cadance]")
    assert 'did you mean "cadence"' in problem.message


def test_section_written_as_a_value_is_a_problem(tmp_path: Path) -> None:
    (problem,) = problems(tmp_path, 'delivery = "draft"\n' + ACCOUNT)
    assert problem.key == "delivery" and "table" in problem.message


def test_signature_with_both_lines_and_text_is_a_problem(tmp_path: Path) -> None:
    text = ACCOUNT + '[signature]\nlines = ["a"]\ntext = "b"\n'
    (problem,) = problems(tmp_path, text)
    assert (problem.key, problem.line) == ("signature.text", line_of(text, 'text = "b"'))


def test_all_problems_are_reported_together_in_file_order(tmp_path: Path) -> None:
    text = (
        '[account]\nemail = "nobody"\nname = "Alex"\ntimezone = "Mars/Olympus"\n'
        '[delivery]\nmode = "send-now"\nsend_window = "weekdays"\n'
        '[cadence]\nfollowup_every = "a week"\n'
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(write(tmp_path, text))
    found = raised.value.problems
    assert str(raised.value) == "config.toml has 5 problems"
    assert [p.key for p in found] == [
        "account.email",
        "account.timezone",
        "delivery.mode",
        "delivery.send_window",
        "cadence.followup_every",
    ]
    assert [p.line for p in found] == sorted(p.line or 0 for p in found)


def test_lint_limits_are_configurable_and_checked(tmp_path: Path) -> None:
    settings = load_settings(
        write(tmp_path, ACCOUNT + "\n[lint]\nnudge_words = 90\npanel_similarity = 70\n")
    )
    assert (settings.lint.nudge_words, settings.lint.panel_similarity) == (90, 0.7)
    found = problems(tmp_path, ACCOUNT + "\n[lint]\nsubject_chars = 0\npanel_similarity = 150\n")
    assert [p.key for p in found] == ["lint.subject_chars", "lint.panel_similarity"]
