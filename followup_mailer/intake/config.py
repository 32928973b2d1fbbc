"""config.toml -> Settings, validated in one pass that reports every problem at once."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from followup_mailer import timing
from followup_mailer.compose.lint import LintLimits
from followup_mailer.intake.paths import default_state_dir
from followup_mailer.intake.validate import (
    BOOLEAN,
    INTEGER,
    STRING,
    STRINGS,
    Field,
    Kind,
    Reporter,
    Values,
    parse_toml,
    read_table,
    read_text,
    suggest,
)
from followup_mailer.timing import BadValue, Calendar, Duration, SendWindow

MAX_FOLLOWUPS = 5  # more nudges than this stops being polite
T = TypeVar("T")
_EMAIL = re.compile(r'[^@\s<>()\[\],;:"\\\x00-\x1f\x7f]+@[^@\s<>()\[\],;:"\\\x00-\x1f\x7f]+')


@dataclass(frozen=True, slots=True)
class Account:
    email: str
    name: str
    timezone: ZoneInfo
    aliases: tuple[str, ...] = ()

    @property
    def own(self) -> frozenset[str]:
        """Every address of the user, lower-case: messages from these are never replies."""
        return frozenset(address.lower() for address in (self.email, *self.aliases))


@dataclass(frozen=True, slots=True)
class Signature:
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    mode: str  # "draft" | "send"
    backend: str  # "gmail" | "maildir"
    maildir: Path
    send_window: SendWindow
    holidays: str
    max_lateness: timedelta
    sendmail: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cadence:
    thank_you_after: Duration
    thank_you_by: timedelta  # a thank-you never waits for the send window past this mark
    followup_after: Duration
    followup_every: Duration
    max_followups: int
    rejection_note: bool
    stay_in_touch_after: Duration | None  # None: no "stay in touch" draft


@dataclass(frozen=True, slots=True)
class Reminders:
    desktop: bool  # a desktop notification when drafts are ready or a thank-you is due soon
    email: bool  # also a short note to your own address
    before_deadline: timedelta  # remind again this long before a thank-you's thank_you_by mark


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    path: Path
    watch: bool


@dataclass(frozen=True, slots=True)
class GmailSettings:
    client_secret: Path
    token_store: str  # "keyring" | "file"
    api_endpoint: str
    token_uri: str
    poll_interval: timedelta


@dataclass(frozen=True, slots=True)
class Settings:
    path: Path  # the config file
    account: Account
    signature: Signature
    delivery: Delivery
    cadence: Cadence
    reminders: Reminders
    schedule: ScheduleSettings
    templates_dir: Path | None
    state_dir: Path
    gmail: GmailSettings
    lint: LintLimits = LintLimits()  # noqa: RUF009 (frozen, so sharing it is safe)

    def calendar(self, tz: ZoneInfo | None = None) -> Calendar:
        """Return the business-day calendar of `tz` (else the account's zone) with our holidays."""
        return Calendar(tz or self.account.timezone, self.delivery.holidays)


def _optional(kind: Kind, default: object) -> Field:
    """Describe an optional key whose example is its default."""
    return Field(kind, json.dumps(default), default)


_SCHEMA: dict[str, dict[str, Field]] = {
    "account": {
        "email": Field(STRING, '"alex@example.com"', required=True),
        "name": Field(STRING, '"Alex Rivera"', required=True),
        "timezone": Field(STRING, '"America/New_York"', required=True),
        "aliases": _optional(STRINGS, []),
    },
    "signature": {
        "lines": Field(STRINGS, '["+1 555 0100", "linkedin.com/in/alexrivera"]'),
        "text": Field(STRING, '"""+1 555 0100"""'),
    },
    "delivery": {
        "mode": _optional(STRING, "draft"),
        "backend": _optional(STRING, "gmail"),
        "maildir": _optional(STRING, "mail"),
        "send_window": _optional(STRING, "Mon-Fri 09:00-17:00"),
        "holidays": _optional(STRING, ""),
        "max_lateness": _optional(STRING, "12h"),
        "sendmail": _optional(STRING, "/usr/sbin/sendmail -t -i"),
    },
    "cadence": {
        "thank_you_after": _optional(STRING, "2h"),
        "thank_you_by": _optional(STRING, "24h"),
        "followup_after": _optional(STRING, "5bd"),
        "followup_every": _optional(STRING, "7bd"),
        "max_followups": _optional(INTEGER, 2),
        "rejection_note": _optional(BOOLEAN, True),
        "stay_in_touch_after": _optional(STRING, ""),
    },
    "reminders": {
        "desktop": _optional(BOOLEAN, True),
        "email": _optional(BOOLEAN, False),
        "before_deadline": _optional(STRING, "4h"),
    },
    "schedule": {"path": _optional(STRING, "interviews.toml"), "watch": _optional(BOOLEAN, True)},
    "templates": {"dir": _optional(STRING, "")},
    "state": {"dir": _optional(STRING, "")},
    "gmail": {
        "client_secret": _optional(STRING, "client_secret.json"),
        "token_store": _optional(STRING, "keyring"),
        "api_endpoint": _optional(STRING, "https://gmail.googleapis.com/"),
        "token_uri": _optional(STRING, "https://oauth2.googleapis.com/token"),
        "poll_interval": _optional(STRING, "60s"),
    },
    "lint": {
        "subject_chars": _optional(INTEGER, 78),
        "thank_you_words": _optional(INTEGER, 200),
        "nudge_words": _optional(INTEGER, 120),
        "exclamations": _optional(INTEGER, 1),
        "panel_similarity": _optional(INTEGER, 80),
    },
}


def load_settings(path: Path) -> Settings:
    """Read and validate config.toml; raise ConfigError listing every problem found."""
    path = path.expanduser().absolute()
    text = read_text(path, missing_fix="run `followup-mailer init` to write one")
    reader = _Reader(path, Reporter(str(path), text), parse_toml(text, file=str(path)))
    settings = reader.settings()
    reader.report.raise_any()
    return settings


class _Reader:
    """Turn parsed TOML into Settings, recording problems and carrying on with defaults."""

    def __init__(self, path: Path, report: Reporter, data: dict[str, Any]) -> None:
        self.path, self.report = path, report
        for name in sorted(data.keys() - _SCHEMA.keys()):
            sections = ", ".join(f"[{section}]" for section in _SCHEMA)
            unknown = f"unknown section [{name}]{suggest(name, _SCHEMA)}"
            report.add((name,), name, unknown, f"rename or remove it; sections are {sections}")
        self.values = {name: self._section(data, name) for name in _SCHEMA}

    def _section(self, data: dict[str, Any], name: str) -> Values:
        table = data.get(name, {})
        if not isinstance(table, dict):
            fix = f"write [{name}] on a line of its own, with its keys below it"
            self.report.add((name,), name, "must be a table", fix)
            table = {}
        return read_table(self.report, table, where=(name,), prefix=name, fields=_SCHEMA[name])

    def _read(
        self, section: str, key: str, convert: Callable[[Any], T], fallback: T | None = None
    ) -> T:
        """Convert a checked value; when it is missing or bad, use `fallback` or the default."""
        values = self.values[section]
        if values.has(key):
            try:
                return convert(values.data[key])
            except BadValue as error:
                self.report.add((section, key), f"{section}.{key}", error.problem, error.fix)
        return fallback if fallback is not None else convert(_SCHEMA[section][key].default)

    def settings(self) -> Settings:
        """Build Settings from the checked values (defaults stand in where a value was bad)."""
        return Settings(
            path=self.path,
            account=self._account(),
            signature=self._signature(),
            delivery=self._delivery(),
            cadence=self._cadence(),
            reminders=self._reminders(),
            schedule=ScheduleSettings(
                self._read("schedule", "path", self._required_path),
                self._read("schedule", "watch", bool),
            ),
            templates_dir=self._read("templates", "dir", self._optional_path, fallback=None),
            state_dir=self._read("state", "dir", self._optional_path) or default_state_dir(),
            gmail=self._gmail(),
            lint=self._lint(),
        )

    def _account(self) -> Account:
        return Account(
            email=self._read("account", "email", _email, fallback=""),
            name=self._read("account", "name", _name, fallback=""),
            timezone=self._read("account", "timezone", timing.parse_timezone, ZoneInfo("UTC")),
            aliases=self._read("account", "aliases", lambda v: tuple(map(_email, v))),
        )

    def _signature(self) -> Signature:
        lines, text = (
            self.values["signature"].data.get("lines"),
            self.values["signature"].data.get("text"),
        )
        if isinstance(text, str):
            if lines is not None:
                fix = 'keep one of them: lines = [...] or text = """..."""'
                self.report.add(("signature", "text"), "signature.text", "lines is set too", fix)
            return Signature(tuple(line.rstrip() for line in text.strip().splitlines()))
        return Signature(tuple(lines) if isinstance(lines, list) else ())

    def _delivery(self) -> Delivery:
        return Delivery(
            mode=self._read("delivery", "mode", _one_of("draft", "send")),
            backend=self._read("delivery", "backend", _one_of("gmail", "maildir")),
            maildir=self._read("delivery", "maildir", self._required_path),
            send_window=self._read("delivery", "send_window", timing.parse_window),
            holidays=self._read("delivery", "holidays", _holidays),
            max_lateness=self._read("delivery", "max_lateness", _fixed),
            sendmail=self._read("delivery", "sendmail", _command),
        )

    def _cadence(self) -> Cadence:
        after = self._read("cadence", "thank_you_after", timing.parse_duration)
        by = self._read("cadence", "thank_you_by", _fixed)
        if after.fixed > by:
            fix = "make thank_you_by at least as long as thank_you_after"
            message = f"is shorter than thank_you_after ({after})"
            self.report.add(("cadence", "thank_you_by"), "cadence.thank_you_by", message, fix)
        return Cadence(
            thank_you_after=after,
            thank_you_by=by,
            followup_after=self._read("cadence", "followup_after", timing.parse_duration),
            followup_every=self._read("cadence", "followup_every", timing.parse_duration),
            max_followups=self._read("cadence", "max_followups", _max_followups),
            rejection_note=self._read("cadence", "rejection_note", bool),
            stay_in_touch_after=self._read("cadence", "stay_in_touch_after", _optional_duration),
        )

    def _reminders(self) -> Reminders:
        return Reminders(
            desktop=self._read("reminders", "desktop", bool),
            email=self._read("reminders", "email", bool),
            before_deadline=self._read("reminders", "before_deadline", _fixed),
        )

    def _gmail(self) -> GmailSettings:
        return GmailSettings(
            client_secret=self._read("gmail", "client_secret", self._required_path),
            token_store=self._read("gmail", "token_store", _one_of("keyring", "file")),
            api_endpoint=self._read("gmail", "api_endpoint", _url),
            token_uri=self._read("gmail", "token_uri", _url),
            poll_interval=self._read("gmail", "poll_interval", _positive_fixed),
        )

    def _lint(self) -> LintLimits:
        limit = _at_least(0)
        return LintLimits(
            subject_chars=self._read("lint", "subject_chars", _at_least(1)),
            thank_you_words=self._read("lint", "thank_you_words", _at_least(1)),
            nudge_words=self._read("lint", "nudge_words", _at_least(1)),
            exclamations=self._read("lint", "exclamations", limit),
            panel_similarity=self._read("lint", "panel_similarity", _percent) / 100,
        )

    def _required_path(self, text: str) -> Path:
        path = self._optional_path(text)
        if path is None:
            raise BadValue("the path is empty", 'write a file or folder name, like "mail"')
        return path

    def _optional_path(self, text: str) -> Path | None:
        """Resolve a path against the config file's folder; "" means not set."""
        return self.path.parent / Path(text).expanduser() if text.strip() else None


def _email(address: str) -> str:
    """Accept exactly one plain address: no display name, one @, no spaces or control characters."""
    if not _EMAIL.fullmatch(address):
        fix = 'write just the address, like "alex@example.com"'
        raise BadValue(f"{json.dumps(address)} is not one plain email address", fix)
    return address


def _name(name: str) -> str:
    if not name.strip():
        raise BadValue("the name is empty", 'write your full name, like "Alex Rivera"')
    return name


def _one_of(*allowed: str) -> Callable[[str], str]:
    """Make a check that accepts only the given words."""

    def check(value: str) -> str:
        if value not in allowed:
            choices = " or ".join(f'"{option}"' for option in allowed)
            raise BadValue(f'"{value}" is not allowed{suggest(value, allowed)}', f"write {choices}")
        return value

    return check


def _fixed(text: str) -> timedelta:
    """Read a duration that is real elapsed time (business days make no sense here)."""
    duration = timing.parse_duration(text)
    if duration.business_days:
        raise BadValue(f'"{text}" counts business days', 'write a fixed time, like "12h" or "60s"')
    return duration.fixed


def _optional_duration(text: str) -> Duration | None:
    """Read a duration, or None when the key is empty (the feature is off)."""
    return timing.parse_duration(text) if text.strip() else None


def _positive_fixed(text: str) -> timedelta:
    interval = _fixed(text)
    if not interval:
        raise BadValue(f'"{text}" is zero', 'write a time longer than zero, like "60s"')
    return interval


def _max_followups(count: int) -> int:
    if not 0 <= count <= MAX_FOLLOWUPS:
        fix = f"write a number from 0 (no nudges) to {MAX_FOLLOWUPS}"
        raise BadValue(f"{count} nudges is out of range", fix)
    return count


def _at_least(lowest: int) -> Callable[[int], int]:
    def check(number: int) -> int:
        if number < lowest:
            raise BadValue(f"{number} is below {lowest}", f"write a number of {lowest} or more")
        return number

    return check


def _percent(number: int) -> int:
    if not 1 <= number <= 100:
        raise BadValue(f"{number} is not a percentage", "write a number from 1 to 100, like 80")
    return number


def _holidays(code: str) -> str:
    code = code.strip().upper()
    timing.check_holidays(code)
    return code


def _command(text: str) -> tuple[str, ...]:
    """Split a sendmail command line as a shell would."""
    try:
        words = tuple(shlex.split(text))
    except ValueError as error:
        raise BadValue(f"the command cannot be split: {error}", "close the quotes") from None
    if not words:
        raise BadValue("the command is empty", 'write "/usr/sbin/sendmail -t -i"')
    return words


def _url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadValue(f'"{url}" is not an http(s) URL', 'write a URL like "https://host/"')
    return url
