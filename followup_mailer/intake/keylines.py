"""Find where keys sit in TOML text, so a problem found after parsing can name its line.

`tomllib` tells a line only for syntax errors. `key_lines` is a small best-effort scanner that
maps table headers and `key = ` lines to line numbers, following `[table]`, `[[array]]`
(counted, nested arrays per parent entry), dotted and quoted keys, comments, and values that
span lines (arrays, multi-line strings). A path that ends with a number is an entry of an array
of tables, found at its `[[header]]` line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_LITERAL_STRING = re.compile(r"'([^']*)'")


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
