"""Find where keys sit in TOML text, and report problems at those lines.

`tomllib` tells a line only for syntax errors. `key_lines` is a small best-effort scanner that
maps table headers and `key = ` lines to line numbers, following `[table]`, `[[array]]`
(counted, nested arrays per parent entry), dotted and quoted keys, comments, and values that
span lines (arrays, multi-line strings), so a problem found after parsing can name its line.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from followup_mailer.errors import ConfigError, Problem

KeyPath = tuple[str | int, ...]
T = TypeVar("T")

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_LITERAL_STRING = re.compile(r"'([^']*)'")
_SYNTAX_PLACE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def find_line(text: str, path: KeyPath) -> int | None:
    """Return the line of the key at `path`, else of its nearest enclosing table, else None."""
    return line_of(key_lines(text), path)


def line_of(lines: Mapping[KeyPath, int], path: KeyPath) -> int | None:
    """Look `path` up in a `key_lines` map, falling back to the nearest enclosing entry."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every table header and key in TOML `text` to its 1-based line number."""
    scanner = _Scanner()
    for number, line in enumerate(text.splitlines(), start=1):
        scanner.feed(line, number)
    return scanner.lines


class _Scanner:
    """Walk TOML line by line, tracking the current table and values that span lines."""

    def __init__(self) -> None:
        self.lines: dict[KeyPath, int] = {}
        self.table: KeyPath = ()
        self.arrays: dict[KeyPath, int] = {}  # array-of-tables path -> entries seen so far
        self.depth = 0  # open [ and { of a value
        self.open_string = ""  # the delimiter of an unfinished multi-line string

    def feed(self, line: str, number: int) -> None:
        """Take in one line."""
        if self.depth or self.open_string:
            self._scan_value(line)
            return
        text = line.strip()
        if text.startswith("["):
            self._header(text, number)
        elif text and not text.startswith("#"):
            self._key(text, number)

    def _header(self, text: str, number: int) -> None:
        is_array = text.startswith("[[")
        parsed = _read_key(text[2 if is_array else 1 :])
        if parsed is None:
            return
        self.table = self._resolve(parsed[0], is_array)
        self.lines.setdefault(self.table, number)
        if is_array:  # the array as a whole is where its first entry is
            self.lines.setdefault(self.table[:-1], number)

    def _resolve(self, names: list[str], is_array: bool) -> KeyPath:
        """Turn header names into a path, with the entry index after each array of tables."""
        path: KeyPath = ()
        for position, name in enumerate(names):
            path += (name,)
            if is_array and position == len(names) - 1:
                index = self.arrays.get(path, 0)
                self.arrays[path] = index + 1
                path += (index,)
            elif path in self.arrays:
                path += (self.arrays[path] - 1,)
        return path

    def _key(self, text: str, number: int) -> None:
        parsed = _read_key(text)
        if parsed is None or not parsed[1].startswith("="):
            return
        names, rest = parsed
        for end in range(1, len(names) + 1):
            self.lines.setdefault(self.table + tuple(names[:end]), number)
        self._scan_value(rest[1:])

    def _scan_value(self, text: str) -> None:
        """Follow strings, brackets and comments far enough to know where the value ends."""
        index = 0
        while index < len(text):
            if self.open_string:
                index = self._in_multiline(text, index)
                continue
            char = text[index]
            if char == "#":
                return
            if text.startswith(('"""', "'''"), index):
                self.open_string = text[index : index + 3]
                index += 3
            elif char in "\"'":
                closing = text.find(char, index + 1) if char == "'" else _basic_end(text, index)
                index = len(text) if closing < 0 else closing + 1
            else:
                self.depth += (char in "[{") - (char in "]}")
                index += 1

    def _in_multiline(self, text: str, index: int) -> int:
        """Advance inside a multi-line string; return the index after it or after the line."""
        if self.open_string == '"""' and text[index] == "\\":
            return index + 2
        if text.startswith(self.open_string, index):
            self.open_string = ""
            return index + 3
        return index + 1


def _basic_end(text: str, start: int) -> int:
    """Return the index of the quote closing the basic string opened at `start`, or -1."""
    match = _BASIC_STRING.match(text, start)
    return match.end() - 1 if match else -1


def _read_key(text: str) -> tuple[list[str], str] | None:
    """Split a possibly dotted, possibly quoted key off the front of `text`."""
    names: list[str] = []
    rest = text
    while True:
        rest = rest.lstrip()
        for pattern in (_BARE_KEY, _BASIC_STRING, _LITERAL_STRING):
            match = pattern.match(rest)
            if match:
                break
        else:
            return None
        names.append(_unquote(match.group(0)))
        rest = rest[match.end() :].lstrip()
        if not rest.startswith("."):
            return names, rest
        rest = rest[1:]


def _unquote(token: str) -> str:
    """Return the name a key token stands for."""
    if token.startswith("'"):
        return token[1:-1]
    if token.startswith('"'):
        try:
            return str(json.loads(token))
        except ValueError:  # a TOML-only escape such as \U0001F600; close enough for finding lines
            return token[1:-1]
    return token


# --- reading files and reporting -------------------------------------------------------------


def problems_error(file: str, problems: list[Problem]) -> ConfigError:
    """Build the error that carries every problem found in one file."""
    count = len(problems)
    return ConfigError(f"{file} has {count} problem{'' if count == 1 else 's'}", problems)


def read_text(path: Path, *, missing_fix: str) -> str:
    """Read a UTF-8 file, or raise ConfigError saying what to do."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = Problem(str(path), "the file does not exist", fix=missing_fix)
    except UnicodeDecodeError as error:
        problem = Problem(str(path), f"the file is not UTF-8 text ({error.reason})")
    except OSError as error:
        problem = Problem(str(path), f"cannot read the file: {error.strerror}")
    raise problems_error(path.name, [problem])


def parse_toml(text: str, *, file: str) -> dict[str, Any]:
    """Parse TOML text, or raise ConfigError with the line and column of the syntax error."""
    try:
        return tomllib.loads(text)
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
        self.file = file
        self.problems: list[Problem] = []
        self._lines = key_lines(text)

    def add(self, where: KeyPath, key: str, message: str, fix: str = "") -> None:
        """Record a problem about the key at `where`, shown to the user as `key`."""
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
