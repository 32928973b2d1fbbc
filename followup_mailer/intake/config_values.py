"""The values of config.toml, one converter each: it returns the value or raises BadValue."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from followup_mailer import timing
from followup_mailer.intake.reading import special_kind
from followup_mailer.intake.validate import suggest
from followup_mailer.timing import BadValue, Duration

MAX_FOLLOWUPS = 5  # more nudges than this stops being polite
_EMAIL = re.compile(r'[^@\s<>()\[\],;:"\\\x00-\x1f\x7f]+@[^@\s<>()\[\],;:"\\\x00-\x1f\x7f]+')


def email(address: str) -> str:
    """Accept exactly one plain address: no display name, one @, no spaces or control characters."""
    if not _EMAIL.fullmatch(address):
        fix = 'write just the address, like "alex@example.com"'
        raise BadValue(f"{json.dumps(address)} is not one plain email address", fix)
    return address


def full_name(name: str) -> str:
    """Accept the user's name: anything but blank."""
    if not name.strip():
        raise BadValue("the name is empty", 'write your full name, like "Alex Rivera"')
    return name


def one_of(*allowed: str) -> Callable[[str], str]:
    """Make a check that accepts only the given words."""

    def check(value: str) -> str:
        if value not in allowed:
            choices = " or ".join(f'"{option}"' for option in allowed)
            raise BadValue(f'"{value}" is not allowed{suggest(value, allowed)}', f"write {choices}")
        return value

    return check


def fixed(text: str) -> timedelta:
    """Read a duration that is real elapsed time (business days make no sense here)."""
    duration = timing.parse_duration(text)
    if duration.business_days:
        raise BadValue(f'"{text}" counts business days', 'write a fixed time, like "12h" or "60s"')
    return duration.fixed


def optional_duration(text: str) -> Duration | None:
    """Read a duration, or None when the key is empty (the feature is off)."""
    return timing.parse_duration(text) if text.strip() else None


def positive_fixed(text: str) -> timedelta:
    interval = fixed(text)
    if not interval:
        raise BadValue(f'"{text}" is zero', 'write a time longer than zero, like "60s"')
    return interval


def max_followups(count: int) -> int:
    if not 0 <= count <= MAX_FOLLOWUPS:
        fix = f"write a number from 0 (no nudges) to {MAX_FOLLOWUPS}"
        raise BadValue(f"{count} nudges is out of range", fix)
    return count


def at_least(lowest: int) -> Callable[[int], int]:
    def check(number: int) -> int:
        if number < lowest:
            raise BadValue(f"{number} is below {lowest}", f"write a number of {lowest} or more")
        return number

    return check


def percent(number: int) -> int:
    if not 1 <= number <= 100:
        raise BadValue(f"{number} is not a percentage", "write a number from 1 to 100, like 80")
    return number


def holidays(code: str) -> str:
    code = code.strip().upper()
    timing.check_holidays(code)
    return code


def command(text: str) -> tuple[str, ...]:
    """Split a sendmail command line as a shell would."""
    try:
        words = tuple(shlex.split(text))
    except ValueError as error:
        raise BadValue(f"the command cannot be split: {error}", "close the quotes") from None
    if not words:
        raise BadValue("the command is empty", 'write "/usr/sbin/sendmail -t -i"')
    return words


def url(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[127.0.0.1/": an unclosed bracket, a bad port
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadValue(f'"{url}" is not an http(s) URL', 'write a URL like "https://host/"')
    return url


def usable_path(path: Path, *, want: str) -> Path:
    """Refuse a path that exists as something else than a `want` ("file" or "folder")."""
    kind = special_kind(path) or ("a file" if path.exists() else "")
    wanted = "a folder" if want == "folder" else ""
    if kind and kind != wanted and not (want == "file" and kind == "a file"):
        raise BadValue(f"{path} is {kind}, not a {want}", f"write the path of a {want}")
    return path


def written_path(text: str, base: Path) -> Path:
    """Resolve a path as written (with ~) against `base`; raise BadValue for an unusable one."""
    if "\0" in text:
        raise BadValue("the path holds a NUL character", "write the path without it")
    try:
        return base / Path(text).expanduser()
    except RuntimeError as error:  # ~someone who has no home here
        raise BadValue(f'"{text}": {error}', "write the full path") from None
