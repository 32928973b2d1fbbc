"""Interviews into the schedule file: ids, and safe writes (new sections appended, others edited).

The schedule file belongs to the user: a write keeps every byte it does not change (comments
and line endings included; edit.py changes single sections), is written as editors write (a
new file renamed over the old one, after an fsync), and happens only when the whole resulting
text passes schedule.parse_schedule, every edited interview reads back as intended, and every
value written passes the header rules `check` applies (admit.py). So adding or updating an
interview can never break the file, nor write what another command would refuse.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from followup_mailer.errors import Problem, UserError
from followup_mailer.intake import edit
from followup_mailer.intake.admit import refuse_unsafe
from followup_mailer.intake.reading import NotReadable, read_regular
from followup_mailer.intake.schedule import parse_schedule
from followup_mailer.intake.toml_text import interview_toml as interview_toml  # re-exported
from followup_mailer.intake.toml_text import toml_datetime as toml_datetime
from followup_mailer.intake.toml_text import toml_string as toml_string
from followup_mailer.model import Interview

ID_PATTERN = re.compile(r"[a-z0-9._-]+")
_MAX_SLUG = 48  # company and role part of a generated id; the date follows


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
    raw = _current_bytes(path)
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
    return save(schedule, additions=interviews, default_tz=default_tz)


def save(
    schedule: ScheduleFile,
    *,
    additions: Sequence[Interview] = (),
    edits: Sequence[edit.Edit] = (),
    default_tz: ZoneInfo,
    today: date | None = None,
) -> tuple[Interview, ...]:
    """Edit interviews in place and append new ones, in one atomic write; return the added."""
    refuse_unsafe([*additions, *(change.new for change in edits)], file=str(schedule.path))
    text = _decode(schedule.raw, schedule.path)
    if edits:
        day = today or datetime.now(UTC).date()
        text = edit.edited(text, schedule.interviews, edits, day)
    addition = _joiner(text) + "\n".join(interview_toml(i) for i in additions) if additions else ""
    if "\r\n" in text:
        addition = addition.replace("\n", "\r\n")  # keep the file's line endings
    parsed = _parsed(text + addition, schedule.path, default_tz)
    _verify(parsed[: len(schedule.interviews)], schedule.interviews, edits, schedule.path)
    _replace_file(schedule, (text + addition).encode("utf-8"))
    return parsed[len(schedule.interviews) :]


def _parsed(text: str, path: Path, default_tz: ZoneInfo) -> tuple[Interview, ...]:
    try:
        return parse_schedule(text, file=str(path), default_tz=default_tz)
    except UserError as error:
        raise UserError(
            f"not written to {path}: the interview has problems",
            # lines of a text never written would point nowhere: the key says where
            [replace(problem, line=None) for problem in error.problems],
        ) from None


def _verify(
    now: Sequence[Interview], before: Sequence[Interview], edits: Sequence[edit.Edit], path: Path
) -> None:
    """Refuse unless every interview reads back as intended: edited ones as edited, others same."""
    wanted = {change.old.id: change.new for change in edits}
    for was, is_now in zip(before, now, strict=False):
        expected = wanted.get(was.id, was)
        if len(now) != len(before) or _essence(is_now) != _essence(expected):
            raise UserError(
                f"not written to {path}: {was.id} could not be changed in place as intended "
                "(its section is written in a way this edit does not handle); edit it by hand"
            )


def _essence(interview: Interview) -> Interview:
    """What an edit must get right: the times as instants, everything else as it is."""
    start, end = interview.start.astimezone(UTC), interview.end.astimezone(UTC)
    return replace(interview, start=start, end=end)


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


def _current_bytes(path: Path) -> bytes:
    """Return the schedule file's bytes, b"" when it does not exist yet; refuse a special file."""
    try:
        return read_regular(path)
    except FileNotFoundError:
        return b""
    except NotReadable as error:
        raise UserError(f"{path} {error.reason}; set [schedule] path to a TOML file") from None


def _refuse_if_changed(schedule: ScheduleFile) -> None:
    """Refuse to replace a file someone saved since it was read (an editor, another add)."""
    now = _current_bytes(schedule.path)
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
