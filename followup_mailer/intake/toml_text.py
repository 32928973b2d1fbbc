"""Interviews as TOML text, written as the example schedule writes them.

Strings are TOML basic strings that read back exactly; datetimes are offset date-times; people
are indented below their interview. append.py adds whole [[interview]] sections with this text,
edit.py changes single values and people inside one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from followup_mailer.errors import UserError
from followup_mailer.model import Interview, Person

PERSON_INDENT = "  "
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


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


def length_text(length: timedelta) -> str:
    """Write a length of time as a duration: "1h30m", "45m", "2h", "90s"."""
    seconds = int(length.total_seconds())
    parts = [(seconds // 3600, "h"), (seconds % 3600 // 60, "m"), (seconds % 60, "s")]
    return "".join(f"{count}{unit}" for count, unit in parts if count) or "0s"


def interview_toml(interview: Interview) -> str:
    """Write one [[interview]] block, people indented below it, as in the example schedule."""
    lines = ["[[interview]]", *_interview_lines(interview)]
    for role, people in (("interviewer", interview.interviewers), ("contact", interview.contacts)):
        for person in people:
            lines += ["", *person_toml(interview.id, role, person)]
    return "\n".join(lines) + "\n"


def person_toml(interview_id: str, role: str, person: Person) -> list[str]:
    """Write one [[interview.interviewer]] (or contact) section, indented, as lines."""
    lines = [f"[[interview.{role}]]", *_person_lines(interview_id, role, person)]
    return [PERSON_INDENT + line for line in lines]


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
        quoted = [quoted_value("highlights", text, interview.id) for text in interview.highlights]
        yield f"highlights = [{', '.join(quoted)}]"
    yield from _text("addendum", interview.addendum, interview.id, optional=True)
    if interview.expect_response_by is not None:
        yield f"expect_response_by = {toml_datetime(interview.expect_response_by)}"
    yield from _text("thread", interview.thread, interview.id, optional=True)
    yield f"outcome = {toml_string(interview.outcome)}"
    yield from _text("uid", interview.uid, interview.id, optional=True)


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
        yield f"{key} = {quoted_value(key, value, where)}"


def quoted_value(key: str, value: str, where: str) -> str:
    """Quote a value for the schedule file, or raise UserError naming where it was going."""
    try:
        return toml_string(value)
    except ValueError as error:
        raise UserError(f"interview {where}: {key} {error}") from None
