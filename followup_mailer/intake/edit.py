"""Changes to one [[interview]] section in place, every other byte of the file kept.

The file is cut into its [[interview]] sections (found with keylines.key_lines); only the
sections being changed are rewritten, each on its own, so changing many interviews costs time
linear in the file. Inside a section:
- a value (start, end, duration, timezone, format, outcome, uid) is replaced on its own line,
  keeping the line's comment (and its column when the new value fits); a missing key is added
  after the nearest key before it in that order, indented like `start`;
- a person no longer invited is commented out, section and all, under a line saying why, so
  their notes stay in the file; a new guest is added after the section's last line;
- a cancellation adds a comment line above `outcome`; a later invite for the same event
  removes it again.
Whether the result is right is checked by the caller, by reading the whole file back.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from followup_mailer.errors import UserError
from followup_mailer.intake.keylines import KeyPath, key_lines
from followup_mailer.intake.toml_text import (
    length_text,
    person_toml,
    toml_datetime,
    toml_string,
)
from followup_mailer.model import Interview, Outcome, Person

CANCEL_NOTE = "import-ics: the invite was cancelled"
_ORDER = ("start", "end", "duration", "timezone", "format", "outcome", "uid")
_ROLES = ("interviewer", "contact")
_HERE: KeyPath = ("interview", 0)  # a section alone is the file's first interview


@dataclass(frozen=True, slots=True)
class Edit:
    """An interview of the file and what it should become."""

    old: Interview
    new: Interview


def edited(text: str, interviews: Sequence[Interview], edits: Sequence[Edit], today: date) -> str:
    """Return the file's text with each edit made in its interview's section."""
    prefix, sections = split_sections(text, len(interviews))
    position = {interview.id: index for index, interview in enumerate(interviews)}
    for edit in edits:
        index = position[edit.old.id]
        sections[index] = _Section(sections[index]).edited(edit, today)
    return prefix + "".join(sections)


def cancelled_here(text: str, interviews: Sequence[Interview]) -> frozenset[str]:
    """Return the ids of the interviews this module marked as cancelled."""
    try:
        _, sections = split_sections(text, len(interviews))
    except UserError:  # written another way: nothing was marked by us
        return frozenset()
    marked = zip(interviews, map(_marked, sections), strict=True)
    return frozenset(interview.id for interview, is_marked in marked if is_marked)


def split_sections(text: str, count: int) -> tuple[str, list[str]]:
    """Cut the text into what comes before the first [[interview]] and one text per section."""
    lines = text.splitlines(keepends=True)
    known = key_lines(text)
    starts = [known.get(("interview", index)) for index in range(count)]
    if any(start is None for start in starts) or starts != sorted(starts, key=lambda s: s or 0):
        raise UserError(
            "cannot change the schedule file in place: its interviews are not written as "
            "[[interview]] sections; change it by hand"
        )
    bounds = [(start or 1) - 1 for start in starts] + [len(lines)]
    prefix = "".join(lines[: bounds[0]]) if count else text
    return prefix, ["".join(lines[bounds[i] : bounds[i + 1]]) for i in range(count)]


def _marked(section: str) -> bool:
    return any(line.strip().startswith(f"# {CANCEL_NOTE}") for line in section.splitlines())


class _Section:
    """One [[interview]] section as lines, and the changes to make to them."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.eol = "\r\n" if self.lines[0].endswith("\r\n") else "\n"
        self.keys = key_lines(text)
        self.replaced: dict[int, str] = {}  # 0-based line -> new text
        self.before: dict[int, list[str]] = defaultdict(list)
        self.after: dict[int, list[str]] = defaultdict(list)

    def edited(self, edit: Edit, today: date) -> str:
        """Make the edit and return the section's new text."""
        old, new = edit.old, edit.new
        self._times(old, new)
        if new.timezone is not None and old.timezone != new.timezone:
            self._set("timezone", toml_string(new.timezone.key))
        if old.format != new.format:
            self._set("format", toml_string(new.format))
        self._outcome(old, new, today)
        if old.uid != new.uid:
            self._set("uid", toml_string(new.uid))
        self._people(old, new, today)
        return self._text()

    # --- values ------------------------------------------------------------------------------

    def _times(self, old: Interview, new: Interview) -> None:
        if (old.start, old.start.utcoffset()) != (new.start, new.start.utcoffset()):
            self._set("start", toml_datetime(new.start))
        if old.end == new.end and old.end.utcoffset() == new.end.utcoffset():
            return
        if self._line("duration") is not None and self._line("end") is None:
            self._set("duration", toml_string(length_text(new.end - new.start)))
        else:
            self._set("end", toml_datetime(new.end))

    def _outcome(self, old: Interview, new: Interview, today: date) -> None:
        if old.outcome == new.outcome:
            return
        self._set("outcome", toml_string(new.outcome))
        line = self._line("outcome")
        note = f'# {CANCEL_NOTE} on {today.isoformat()}; outcome "withdrawn": nothing more is made'
        if new.outcome is Outcome.WITHDRAWN and line is not None:
            self.before[line].append(self._indent() + note + self.eol)
        elif new.outcome is Outcome.WITHDRAWN:  # added after start: the note goes with it
            self.after[self._anchor("outcome")].insert(0, self._indent() + note + self.eol)
        for index, text in enumerate(self.lines):
            if new.outcome is Outcome.PENDING and text.strip().startswith(f"# {CANCEL_NOTE}"):
                self.replaced[index] = ""

    def _set(self, key: str, value: str) -> None:
        """Replace the value of `key`, or add the key after the nearest one before it."""
        line = self._line(key)
        if line is None:
            self.after[self._anchor(key)].append(f"{self._indent()}{key} = {value}{self.eol}")
        else:
            self.replaced[line] = _with_value(self.lines[line], value)

    def _anchor(self, key: str) -> int:
        earlier = _ORDER[: _ORDER.index(key)]
        lines = [line for name in earlier if (line := self._line(name)) is not None]
        return max(lines)

    def _line(self, key: str) -> int | None:
        """Return the 0-based line of an interview key written on one line, else None."""
        number = self.keys.get((*_HERE, key))
        if number is None:
            return None
        if _value_end(self.lines[number - 1]) is None:
            raise UserError(f"cannot change {key} in place: its value spans lines; edit it by hand")
        return number - 1

    def _indent(self) -> str:
        return _indent_of(self.lines[self._line("start") or 0])

    # --- people ------------------------------------------------------------------------------

    def _people(self, old: Interview, new: Interview, today: date) -> None:
        staying = {person.email.lower() for person in new.people}
        there = {person.email.lower() for person in old.people}
        for role, people in zip(_ROLES, (old.interviewers, old.contacts), strict=True):
            for index, person in enumerate(people):
                if person.email.lower() not in staying:
                    self._comment_out((*_HERE, role, index), person, today)
        added = [
            line
            for role, people in zip(_ROLES, (new.interviewers, new.contacts), strict=True)
            for person in people
            if person.email.lower() not in there
            for line in ["", *person_toml(new.id, role, person)]
        ]
        if added:
            self.after[self._last_content(0, len(self.lines))] += [x + self.eol for x in added]

    def _comment_out(self, path: KeyPath, person: Person, today: date) -> None:
        header = self.keys.get(path)
        if header is None:
            raise UserError(
                f"cannot remove {person.name} <{person.email}> in place: the people of this "
                "interview are not written as sections; edit it by hand"
            )
        last = self._last_content(header - 1, self._next_header(header))
        indent = _indent_of(self.lines[header - 1])
        note = f"# no longer invited (import-ics, {today.isoformat()}); kept here with your notes:"
        self.before[header - 1].append(indent + note + self.eol)
        for index in range(header - 1, last + 1):
            text = self.lines[index]
            if text.strip() and not text.strip().startswith("#"):
                cut = len(_indent_of(text))
                self.replaced[index] = text[:cut] + "# " + text[cut:]

    def _next_header(self, header: int) -> int:
        """Return the 0-based line where the section after the header at `header` starts."""
        headers = [n for path, n in self.keys.items() if isinstance(path[-1], int) and n > header]
        return min(headers, default=len(self.lines) + 1) - 1

    def _last_content(self, first: int, stop: int) -> int:
        """Return the last line in [first, stop) that is neither blank nor a comment."""
        for index in range(stop - 1, first - 1, -1):
            text = self.lines[index].strip()
            if text and not text.startswith("#"):
                return index
        return first

    def _text(self) -> str:
        out: list[str] = []
        for index, text in enumerate(self.lines):
            out += self.before.get(index, [])
            line = self.replaced.get(index, text)
            if index in self.after and line and not line.endswith("\n"):
                line += self.eol  # the file's last line had no line ending
            out += [line, *self.after.get(index, [])]
        return "".join(out)


def _value_end(line: str) -> int | None:
    """Return where the value of a `key = value` line ends (before a comment), else None."""
    text = line.rstrip("\r\n")
    cuts = [index for index, char in enumerate(text) if char == "#"] + [len(text)]
    for cut in cuts:
        try:
            tomllib.loads(text[:cut].strip())
        except tomllib.TOMLDecodeError:
            continue
        return len(text[:cut].rstrip())
    return None


def _with_value(line: str, value: str) -> str:
    """Put a new value on a `key = value  # comment` line, keeping the comment where it was."""
    end = _value_end(line)
    assert end is not None  # _line() checked it
    head = line[: line.index("=") + 1]
    after_equals = line[len(head) :]
    head += after_equals[: len(after_equals) - len(after_equals.lstrip(" \t"))]
    rest = line[end:]
    comment = rest.rstrip("\r\n")
    eol = rest[len(comment) :]
    if not comment.strip():
        return head + value + eol
    column = end + len(comment) - len(comment.lstrip())  # where the comment started
    padding = max(1, column - len(head + value))
    return head + value + " " * padding + comment.lstrip() + eol


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]
