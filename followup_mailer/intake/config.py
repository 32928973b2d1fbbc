"""config.toml -> Settings, validated in one pass that reports every problem at once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from followup_mailer import timing
from followup_mailer.intake import config_values as parse
from followup_mailer.intake.config_values import MAX_FOLLOWUPS as MAX_FOLLOWUPS  # its old home
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
from followup_mailer.settings import (
    Account,
    Cadence,
    Delivery,
    GmailSettings,
    LintLimits,
    Reminders,
    ScheduleSettings,
    Settings,
    Signature,
)
from followup_mailer.timing import BadValue
from followup_mailer.windows import parse_window

T = TypeVar("T")


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
                self._path("schedule", "path", want="file"),
                self._read("schedule", "watch", bool),
            ),
            templates_dir=self._optional_path("templates", "dir"),
            state_dir=self._optional_path("state", "dir") or default_state_dir(),
            gmail=self._gmail(),
            lint=self._lint(),
        )

    def _account(self) -> Account:
        return Account(
            email=self._read("account", "email", parse.email, fallback=""),
            name=self._read("account", "name", parse.full_name, fallback=""),
            timezone=self._read("account", "timezone", timing.parse_timezone, ZoneInfo("UTC")),
            aliases=self._read("account", "aliases", lambda v: tuple(map(parse.email, v))),
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
            mode=self._read("delivery", "mode", parse.one_of("draft", "send")),
            backend=self._read("delivery", "backend", parse.one_of("gmail", "maildir")),
            maildir=self._path("delivery", "maildir", want="folder"),
            send_window=self._read("delivery", "send_window", parse_window),
            holidays=self._read("delivery", "holidays", parse.holidays),
            max_lateness=self._read("delivery", "max_lateness", parse.fixed),
            sendmail=self._read("delivery", "sendmail", parse.command),
        )

    def _cadence(self) -> Cadence:
        after = self._read("cadence", "thank_you_after", timing.parse_duration)
        by = self._read("cadence", "thank_you_by", parse.fixed)
        if after.fixed > by:
            fix = "make thank_you_by at least as long as thank_you_after"
            message = f"is shorter than thank_you_after ({after})"
            self.report.add(("cadence", "thank_you_by"), "cadence.thank_you_by", message, fix)
        return Cadence(
            thank_you_after=after,
            thank_you_by=by,
            followup_after=self._read("cadence", "followup_after", timing.parse_duration),
            followup_every=self._read("cadence", "followup_every", timing.parse_duration),
            max_followups=self._read("cadence", "max_followups", parse.max_followups),
            rejection_note=self._read("cadence", "rejection_note", bool),
            stay_in_touch_after=self._read(
                "cadence", "stay_in_touch_after", parse.optional_duration
            ),
        )

    def _reminders(self) -> Reminders:
        return Reminders(
            desktop=self._read("reminders", "desktop", bool),
            email=self._read("reminders", "email", bool),
            before_deadline=self._read("reminders", "before_deadline", parse.fixed),
        )

    def _gmail(self) -> GmailSettings:
        return GmailSettings(
            client_secret=self._path("gmail", "client_secret", want="file"),
            token_store=self._read("gmail", "token_store", parse.one_of("keyring", "file")),
            api_endpoint=self._read("gmail", "api_endpoint", parse.url),
            token_uri=self._read("gmail", "token_uri", parse.url),
            poll_interval=self._read("gmail", "poll_interval", parse.positive_fixed),
        )

    def _lint(self) -> LintLimits:
        limit = parse.at_least(0)
        return LintLimits(
            subject_chars=self._read("lint", "subject_chars", parse.at_least(1)),
            thank_you_words=self._read("lint", "thank_you_words", parse.at_least(1)),
            nudge_words=self._read("lint", "nudge_words", parse.at_least(1)),
            exclamations=self._read("lint", "exclamations", limit),
            panel_similarity=self._read("lint", "panel_similarity", parse.percent) / 100,
        )

    def _path(self, section: str, key: str, *, want: str) -> Path:
        """Read the path of a file or folder; empty, or naming a device or a pipe, is reported."""
        reported = len(self.report.problems)
        path = self._optional_path(section, key, want=want)
        if path is None and len(self.report.problems) == reported:
            fix = 'write a file or folder name, like "mail"'
            self.report.add((section, key), f"{section}.{key}", "the path is empty", fix)
        return path or self.path.parent  # with a problem reported, it is never used

    def _optional_path(self, section: str, key: str, *, want: str = "folder") -> Path | None:
        """Read an optional path ("" means not set); one naming the wrong kind is reported."""
        text = self._read(section, key, str)  # the written text, else the default
        try:
            path = parse.written_path(text, self.path.parent) if text.strip() else None
            return parse.usable_path(path, want=want) if path else None
        except BadValue as error:  # the default may name a file of the wrong kind too
            self.report.add((section, key), f"{section}.{key}", error.problem, error.fix)
            return None
