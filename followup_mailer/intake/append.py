"""New interviews into the schedule file: TOML text, ids and safe appends (invites.py reads .ics).

The schedule file belongs to the user: an append keeps every byte already there (comments and
line endings included), is written as editors write (a new file renamed over the old one), and
happens only when the whole resulting text passes schedule.parse_schedule, so adding an
interview can never break the file.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from followup_mailer.errors import Problem, UserError
from followup_mailer.intake.schedule import parse_schedule
from followup_mailer.model import Interview, Person

ID_PATTERN = re.compile(r"[a-z0-9._-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_MAX_SLUG = 48  # company and role part of a generated id; the date follows


# --- TOML text --------------------------------------------------------------------------------


def toml_string(text: str) -> str:
    """Quote text as a TOML basic string that reads back as exactly `text`."""
    if any("\ud800" <= char <= "\udfff" for char in text):
        raise ValueError("is not valid text (it holds bytes that are not UTF-8)")
    return '"' + "".join(_escape(char) for char in text) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    # TOML allows no other control character in a basic string
    if char < " " or char == "\x7f":
        return f"\\u{ord(char):04X}"
    return char


def toml_datetime(moment: datetime) -> str:
    """Write an aware datetime as a TOML offset date-time."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"{moment.isoformat()} has no timezone")
    if offset % timedelta(minutes=1):
        moment = moment.astimezone(UTC)  # TOML offsets have no seconds (old local mean times)
    return moment.isoformat()


def interview_toml(interview: Interview) -> str:
    """Write one [[interview]] block, people indented below it, as in the example schedule."""
    lines = ["[[interview]]", *_interview_lines(interview)]
    for role, people in (("interviewer", interview.interviewers), ("contact", interview.contacts)):
        for person in people:
            lines += ["", f"  [[interview.{role}]]"]
            lines += [f"  {line}" for line in _person_lines(interview.id, role, person)]
    return "\n".join(lines) + "\n"


def _interview_lines(interview: Interview) -> Iterator[str]:
    yield from _text("id", interview.id, interview.id)
    yield from _text("company", interview.company, interview.id)
    yield from _text("role", interview.role, interview.id)
    yield f"start = {toml_datetime(interview.start)}"
    yield f"end = {toml_datetime(interview.end)}"
    if interview.timezone is not None:
        yield f"timezone = {toml_string(interview.timezone.key)}"
    yield f"format = {toml_string(interview.format)}"
    if interview.highlights:
        quoted = [_quoted("highlights", text, interview.id) for text in interview.highlights]
        yield f"highlights = [{', '.join(quoted)}]"
    yield from _text("addendum", interview.addendum, interview.id, optional=True)
    if interview.expect_response_by is not None:
        yield f"expect_response_by = {toml_datetime(interview.expect_response_by)}"
    yield from _text("thread", interview.thread, interview.id, optional=True)
    yield f"outcome = {toml_string(interview.outcome)}"


def _person_lines(interview_id: str, role: str, person: Person) -> Iterator[str]:
    where = f"{interview_id}.{role}"
    yield from _text("name", person.name, where)
    yield from _text("email", person.email, where)
    yield from _text("title", person.title, where, optional=True)
    yield from _text("notes", person.notes, where, optional=True)
    if person.lead:
        yield "lead = true"


def _text(key: str, value: str, where: str, *, optional: bool = False) -> Iterator[str]:
    if value or not optional:
        yield f"{key} = {_quoted(key, value, where)}"


def _quoted(key: str, value: str, where: str) -> str:
    try:
        return toml_string(value)
    except ValueError as error:
        raise UserError(f"interview {where}: {key} {error}") from None


# --- ids ----------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """Reduce text to lower-case ASCII words joined by hyphens ("Acme Corp" -> "acme-corp")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def base_id(company: str, role: str, day: date) -> str:
    """Build the id an interview gets by default: company, role and date."""
    words = slug(f"{company} {role}")[:_MAX_SLUG].rstrip("-") or "interview"
    return f"{words}-{day.isoformat()}"


def unique_id(base: str, taken: Collection[str]) -> str:
    """Return `base`, or `base-2`, `base-3`, ... whichever is not taken yet."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


# --- the schedule file --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduleFile:
    """The schedule file as it is now: its exact bytes and the interviews they hold."""

    path: Path
    raw: bytes  # empty when the file does not exist yet
    interviews: tuple[Interview, ...]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(interview.id for interview in self.interviews)


def read_schedule_file(path: Path, *, default_tz: ZoneInfo) -> ScheduleFile:
    """Read the schedule file for an append; raise UserError when it is broken already."""
    path = path.resolve()  # a symlinked schedule: replace its target, not the link
    raw = path.read_bytes() if path.exists() else b""
    try:
        interviews = parse_schedule(_decode(raw, path), file=str(path), default_tz=default_tz)
    except UserError as error:
        raise UserError(
            f"{path} has problems already: fix them first, then add again", error.problems
        ) from None
    return ScheduleFile(path, raw, interviews)


def append_interviews(
    schedule: ScheduleFile, interviews: Sequence[Interview], *, default_tz: ZoneInfo
) -> tuple[Interview, ...]:
    """Append interviews to the schedule file atomically, only if the result is valid."""
    text = _decode(schedule.raw, schedule.path)
    addition = _joiner(text) + "\n".join(interview_toml(i) for i in interviews)
    if "\r\n" in text:
        addition = addition.replace("\n", "\r\n")  # keep the file's line endings
    try:
        parsed = parse_schedule(text + addition, file=str(schedule.path), default_tz=default_tz)
    except UserError as error:
        raise UserError(
            f"not written to {schedule.path}: the new interview has problems",
            # lines of a text never written would point nowhere: the key says where
            [replace(problem, line=None) for problem in error.problems],
        ) from None
    _replace_file(schedule, schedule.raw + addition.encode("utf-8"))
    return parsed[len(schedule.interviews) :]


def _joiner(text: str) -> str:
    """Return what goes between the file's text and a new block: end its line, leave a blank."""
    if not text.strip():
        return "" if not text or text.endswith("\n") else "\n"
    ending = "" if text.endswith("\n") else "\n"
    return ending + ("" if (text + ending).endswith("\n\n") else "\n")


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        fix = "save it as UTF-8 in your editor"
        problem = Problem(str(path), f"the file is not UTF-8 text ({error.reason})", fix=fix)
        raise UserError(f"cannot add to {path}", [problem]) from None


def _replace_file(schedule: ScheduleFile, content: bytes) -> None:
    """Write a new file beside the schedule and rename it over the old one, as editors do."""
    path = schedule.path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as new:
            new.write(content)
            new.flush()
            os.fsync(new.fileno())
        if path.exists():
            Path(temporary).chmod(path.stat().st_mode & 0o7777)
        _refuse_if_changed(schedule)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _refuse_if_changed(schedule: ScheduleFile) -> None:
    """Refuse to replace a file someone saved since it was read (an editor, another add)."""
    now = schedule.path.read_bytes() if schedule.path.exists() else b""
    if now != schedule.raw:
        raise UserError(f"{schedule.path} changed while the interview was being added; run again")


# --- the same interview twice ---------------------------------------------------------------------


def duplicate_of(interview: Interview, existing: Sequence[Interview]) -> str:
    """Return the id of the scheduled interview this one repeats, else ""."""
    for other in existing:
        if other.id == interview.id or same_meeting(interview, other):
            return other.id
    return ""


def same_meeting(one: Interview, other: Interview) -> bool:
    """Tell whether two interviews are one meeting: the same start and the same interviewers."""
    if one.start.astimezone(UTC) != other.start.astimezone(UTC):
        return False
    return {p.email.lower() for p in one.interviewers} == {
        p.email.lower() for p in other.interviewers
    }


# --- time -----------------------------------------------------------------------------------------


def later(moment: datetime, length: timedelta) -> datetime:
    """Add elapsed time to an instant (aware arithmetic in one zone adds wall time)."""
    return (moment.astimezone(UTC) + length).astimezone(moment.tzinfo)
