"""Read TOML files and report every problem at its line, with the key and the fix.

Problems found after parsing are placed with keylines.key_lines (re-exported here). `Place`
is where a group of keys sits (an interview, a person), for reporting problems about them.
"""

from __future__ import annotations

import difflib
import enum
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from followup_mailer.errors import ConfigError, Problem
from followup_mailer.intake.keylines import KeyPath as KeyPath  # re-exported: the old home
from followup_mailer.intake.keylines import find_line as find_line
from followup_mailer.intake.keylines import key_lines as key_lines
from followup_mailer.intake.keylines import line_of
from followup_mailer.intake.reading import NotReadable, read_regular

T = TypeVar("T")
E = TypeVar("E", bound=enum.StrEnum)
_NESTING_FIX = "write plain tables and lists, nested a few levels at most"
_SYNTAX_PLACE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


# --- reading files and reporting -------------------------------------------------------------


def problems_error(file: str, problems: list[Problem]) -> ConfigError:
    """Build the error that carries every problem found in one file."""
    count = len(problems)
    return ConfigError(f"{file} has {count} problem{'' if count == 1 else 's'}", problems)


def read_text(path: Path, *, missing_fix: str) -> str:
    """Read a UTF-8 regular file of bounded size, or raise ConfigError saying what to do."""
    try:
        return read_regular(path).decode("utf-8")
    except FileNotFoundError:
        problem = Problem(str(path), "the file does not exist", fix=missing_fix)
    except UnicodeDecodeError as error:
        problem = Problem(str(path), f"the file is not UTF-8 text ({error.reason})")
    except NotReadable as error:
        problem = Problem(str(path), error.reason, fix="give the path of a TOML text file")
    raise problems_error(path.name, [problem])


def parse_toml(text: str, *, file: str) -> dict[str, Any]:
    """Parse TOML text, or raise ConfigError with the line and column of the syntax error."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        problem = Problem(file, "the TOML is nested too deeply to read", 1, fix=_NESTING_FIX)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        place = _SYNTAX_PLACE.search(message)
        line = int(place.group(1)) if place and place.group(1) else len(text.splitlines()) or 1
        column = f", column {place.group(2)}" if place and place.group(2) else ""
        problem = Problem(
            file,
            f"TOML syntax error: {message[: place.start()] if place else message}",
            line,
            fix=f"correct the TOML at line {line}{column}; text values need quotes",
        )
    raise problems_error(Path(file).name, [problem])


class Reporter:
    """Collect the problems of one TOML file, each placed at the line of the key it is about."""

    def __init__(self, file: str, text: str) -> None:
        self.file, self.text = file, text
        self.problems: list[Problem] = []
        self._lines: dict[KeyPath, int] | None = None  # found on the first problem: it is slow

    def add(self, where: KeyPath, key: str, message: str, fix: str = "") -> None:
        """Record a problem about the key at `where`, shown to the user as `key`."""
        if self._lines is None:
            self._lines = key_lines(self.text)
        self.problems.append(Problem(self.file, message, line_of(self._lines, where), key, fix))

    def raise_any(self) -> None:
        """Raise ConfigError carrying every problem recorded, if there is any."""
        if self.problems:
            in_file_order = sorted(self.problems, key=lambda p: p.line or 0)
            raise problems_error(Path(self.file).name, in_file_order)


@dataclass(frozen=True, slots=True)
class Kind:
    """A TOML value type as the user reads it."""

    name: str  # "a string"
    accepts: Callable[[object], bool]


STRING = Kind("a string", lambda v: isinstance(v, str))
BOOLEAN = Kind("true or false", lambda v: isinstance(v, bool))
INTEGER = Kind("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool))
STRINGS = Kind("a list of strings", lambda v: isinstance(v, list) and all(_is_str(x) for x in v))
TABLE = Kind("a table", lambda v: isinstance(v, dict))
TABLES = Kind("an array of tables", lambda v: isinstance(v, list) and all(_is_dict(x) for x in v))
DATETIME = Kind("a date and time", lambda v: isinstance(v, datetime))
DAY_OR_DATETIME = Kind("a date, or a date and time", lambda v: isinstance(v, date))
# a date and time as TOML writes it, or as text in the forms the command line takes (moments.py)
DATETIME_OR_TEXT = Kind("a date and time", lambda v: isinstance(v, datetime | str))
DAY_OR_TEXT = Kind("a date, or a date and time", lambda v: isinstance(v, date | str))


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_dict(value: object) -> bool:
    return isinstance(value, dict)


@dataclass(frozen=True, slots=True)
class Field:
    """One allowed key: its kind, an example for fixes, and its default (unless required)."""

    kind: Kind
    example: str  # TOML text, as in: write key = EXAMPLE
    default: object = None
    required: bool = False
    fix: str = ""  # replaces "add/write key = EXAMPLE" where an example reads badly


def describe(value: object) -> str:
    """Name the TOML type of a parsed value, for messages."""
    if isinstance(value, datetime):
        return "a date and time" if value.tzinfo else "a date and time without an offset"
    names = {bool: "true/false", int: "a number", float: "a decimal number", str: "a string"}
    names |= {list: "a list", dict: "a table", date: "a date without a time", time: "a time"}
    return names.get(type(value), type(value).__name__)


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean "x"?)' for a close choice, else ""."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


@dataclass(frozen=True, slots=True)
class Values:
    """The usable values of a checked table: valid ones, and defaults for absent optional keys."""

    data: dict[str, object]

    def has(self, name: str) -> bool:
        """Tell whether `name` has a usable value (so further checks will not repeat a problem)."""
        return name in self.data

    def get(self, name: str, kind: type[T], fallback: T) -> T:
        """Return the value of `name` if usable and of type `kind`, else `fallback`."""
        value = self.data.get(name)
        return value if isinstance(value, kind) else fallback


def read_table(
    reporter: Reporter,
    table: Mapping[str, object],
    *,
    where: KeyPath,
    prefix: str,
    fields: Mapping[str, Field],
) -> Values:
    """Check a table's keys against `fields`, reporting unknown, missing and mistyped ones."""
    for name in sorted(table.keys() - fields.keys()):
        hint = suggest(name, fields)
        fix = "rename or remove it" + ("" if hint else f"; known keys: {', '.join(fields)}")
        unknown = f'unknown key "{name}"{hint}'
        reporter.add((*where, name), _joined(prefix, name), unknown, fix)
    usable = {}
    for name, spec in fields.items():
        problem = _kind_problem(table, name, spec)
        if problem:
            reporter.add((*where, name), _joined(prefix, name), *problem)
        elif name in table or not spec.required:
            usable[name] = table.get(name, spec.default)
    return Values(usable)


def _kind_problem(table: Mapping[str, object], name: str, spec: Field) -> tuple[str, str] | None:
    """Return (message, fix) when `name` is missing though required, or of the wrong kind."""
    if name not in table:
        return ("missing", spec.fix or f"add {name} = {spec.example}") if spec.required else None
    if spec.kind.accepts(table[name]):
        return None
    return (
        f"must be {spec.kind.name}, not {describe(table[name])}",
        spec.fix or f"write {name} = {spec.example}",
    )


def _joined(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class Place:
    """Where in the file a group of keys sits (an interview, a person), to report problems."""

    def __init__(self, report: Reporter, where: KeyPath, label: str) -> None:
        self.report, self.where, self.label = report, where, label

    def bad(self, key: str, message: str, fix: str) -> None:
        """Record a problem about `key` at this place."""
        self.report.add((*self.where, key), f"{self.label}.{key}", message, fix)

    def inner(self, steps: KeyPath, label: str) -> Place:
        return Place(self.report, (*self.where, *steps), f"{self.label}.{label}")


def required_text(values: Values, key: str, at: Place) -> str:
    """Return a required string, reporting it when it is blank."""
    text = values.get(key, str, "")
    if values.has(key) and not text.strip():
        at.bad(key, "is empty", f"write the {key}")
    return text


def enum_value(values: Values, key: str, kind: type[E], at: Place) -> E:
    """Return a string value as a member of `kind`, reporting it (with the choices) when not."""
    value = values.get(key, str, "")
    try:
        return kind(value)
    except ValueError:
        choices = [member.value for member in kind]
        fix = "write one of " + ", ".join(f'"{choice}"' for choice in choices)
        at.bad(key, f'"{value}" is not allowed{suggest(value, choices)}', fix)
        return next(iter(kind))
