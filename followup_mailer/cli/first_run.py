"""The files `init` writes, made from the commented examples shipped in the package.

The config gets the user's name, address, timezone and backend (and a token store that works
on this machine); the example schedule gets its dates moved to next week, keeping weekdays and
times, so nothing is created for an example before the user has replaced it. Pure text work
apart from `system_zone` and `system_name`, which read this machine's settings.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from followup_mailer.intake.toml_text import toml_string

_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
EXAMPLE_NOTE = """\
# The interviews below are EXAMPLES, dated next week ({day}) so that nothing is created for
# them before you replace them with your own interviews (or delete them): their addresses use
# the reserved ".example" domain. `followup-mailer add` and `import-ics` add yours.

"""


@dataclass(frozen=True, slots=True)
class Account:
    """What `init` writes into [account] and [delivery]."""

    name: str
    email: str
    timezone: str
    backend: str  # "gmail" | "maildir"
    token_store: str = "keyring"  # "file" where no OS keyring can be used


def example(name: str) -> str:
    """Return the text of a file in the package's examples folder."""
    return (resources.files("followup_mailer") / "examples" / name).read_text(encoding="utf-8")


def config_text(account: Account) -> str:
    """Return the example config with the account's values in place of the example ones."""
    text = example("config.example.toml")
    values = {
        ("account", "email"): toml_string(account.email),
        ("account", "name"): toml_string(account.name),
        ("account", "timezone"): toml_string(account.timezone),
        ("signature", "lines"): f"[{toml_string(account.email)}]",
        ("delivery", "backend"): toml_string(account.backend),
        ("gmail", "token_store"): toml_string(account.token_store),
    }
    for (section, key), value in values.items():
        text = _with_value(text, section, key, value)
    return text


def _with_value(text: str, section: str, key: str, value: str) -> str:
    """Replace the value of the first `key = ...` line under `[section]`, keeping its comment."""
    start = text.index(f"[{section}]")
    line = re.compile(rf"(?m)^({key}[ \t]*=[ \t]*)(.*?)([ \t]+#.*)?$")
    found = line.search(text, start)
    if found is None:
        raise ValueError(f"the example config has no {section}.{key}")
    padded = value.ljust(len(found.group(2))) if found.group(3) else value
    return text[: found.start(2)] + padded + text[found.end(2) :]


def schedule_text(today: date) -> tuple[str, date]:
    """Return the example schedule moved to next week, and the day its first interview is on."""
    text = example("interviews.example.toml")
    first = _first_date(text)
    ahead = today + timedelta(days=7)
    target = ahead + timedelta(days=(first.weekday() - ahead.weekday()) % 7)
    shift = target - first

    def moved(found: re.Match[str]) -> str:
        try:
            return (date.fromisoformat(found.group(0)) + shift).isoformat()
        except ValueError:
            return found.group(0)

    return EXAMPLE_NOTE.format(day=target.strftime("%a %d %b")) + _DATE.sub(moved, text), target


def _first_date(text: str) -> date:
    for found in _DATE.finditer(text.split("[[interview]]", 1)[-1]):
        try:
            return date.fromisoformat(found.group(0))
        except ValueError:
            continue
    raise ValueError("the example schedule has no dates")


def system_zone() -> str:
    """Return this machine's IANA timezone name, else "UTC"."""
    from zoneinfo import ZoneInfo

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        candidates.append(str(localtime.resolve()).partition("zoneinfo/")[2])
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in candidates:
        try:
            if name and not name.startswith("/") and ZoneInfo(name):
                return name
        except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
            continue
    return "UTC"


def system_name() -> str:
    """Return the full name of this machine's user account, else ""."""
    try:
        import pwd

        full = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError, AttributeError):
        full = ""
    return full if " " in full else ""


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"
