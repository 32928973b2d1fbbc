"""New interviews into the schedule file: TOML text, safe appends, and calendar invites.

The schedule file belongs to the user: an append keeps every byte already there (comments and
line endings included), is written as editors write (a new file renamed over the old one), and
happens only when the whole resulting text passes schedule.parse_schedule, so adding an
interview can never break the file.

Invites (.ics) become interviews by these rules: start and end from DTSTART and DTEND (or
DURATION), in the event's zone, a floating time in the account's zone; interviewers from
ATTENDEE and ORGANIZER, leaving out the account's own addresses, rooms, resources, groups and
people who declined; company and role from the flags, else guessed from SUMMARY.
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

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from followup_mailer import timing
from followup_mailer.errors import Problem, UserError
from followup_mailer.model import Format, Interview, Person
from followup_mailer.schedule import DEFAULT_LENGTH, parse_schedule
from followup_mailer.timing import BadValue

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
_NOT_PEOPLE = {"ROOM", "RESOURCE", "GROUP"}  # calendar users that receive no thank-you
_ROOM_DOMAINS = ("resource.calendar.google.com",)
_ROLE_WORDS = re.compile(
    r"\b(engineer\w*|developer|manager|designer|analyst|scientist|architect|lead|director|"
    r"intern\w*|consultant|specialist|administrator|backend|frontend|full[- ]?stack|devops|sre|"
    r"software|senior|junior|staff|principal|head|vp|product|position|role)\b",
    re.IGNORECASE,
)
_INTERVIEW_WORD = re.compile(r"\binterview\b", re.IGNORECASE)
_PREFIX = re.compile(
    r"^\s*(?:(?:phone|video|onsite|on-site|technical|final|first|second|third)[- ]?)?"
    r"(?:round\s+)?interview\b\s*(?:(?:with|for)\b|[:\-–—|])?\s*",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s+[-–—|/@]\s+|\s*[|–—]\s*|:\s+|\s+at\s+", re.IGNORECASE)


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


# --- calendar invites -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IcsOptions:
    """How to read invites: who the user is, and what the flags say."""

    own: frozenset[str]  # the account's addresses, lower-case
    default_tz: ZoneInfo
    company: str = ""
    role: str = ""
    organizer_is_contact: bool = False


@dataclass(frozen=True, slots=True)
class IcsImport:
    """The interviews found in a calendar file, and a note for each event left out."""

    interviews: tuple[Interview, ...]
    skipped: tuple[str, ...]


def import_ics(
    data: bytes, *, file: str, existing: Sequence[Interview], options: IcsOptions
) -> IcsImport:
    """Read the events of a calendar file as interviews; raise UserError listing every problem."""
    events = sorted(_events(data, file), key=lambda e: _sort_key(e, options.default_tz))
    reader = _EventReader(file, options)
    taken = {i.id for i in existing}
    found: list[Interview] = []
    skipped: list[str] = []
    for event in events:
        interview = reader.interview(event)
        if interview is None:
            continue
        duplicate = duplicate_of(interview, existing)
        if duplicate or any(same_meeting(interview, other) for other in found):
            where = f"in the schedule as {duplicate}" if duplicate else "earlier in the file"
            skipped.append(f"{_label(event)}: already {where}")
            continue
        found.append(replace(interview, id=unique_id(interview.id, taken)))
        taken.add(found[-1].id)
    if reader.problems:
        raise UserError(f"cannot import {file}", reader.problems)
    return IcsImport(tuple(found), tuple(skipped + reader.skipped))


def _events(data: bytes, file: str) -> list[icalendar.Event]:
    try:
        components = icalendar.Component.from_ical(data, multiple=True)
    # a damaged file can trip the parser in more ways than its own ValueErrors
    except (ValueError, AttributeError, TypeError, KeyError, IndexError) as error:
        raise UserError(f"{file} is not a calendar file (.ics): {error}") from None
    events = [e for c in components for e in c.walk("VEVENT") if isinstance(e, icalendar.Event)]
    if not events:
        raise UserError(f"{file} holds no event (VEVENT); export the invite from your calendar")
    return events


def _written_start(event: icalendar.Event) -> date | None:
    """Return DTSTART as written (a date or a datetime), or None when it cannot be read."""
    try:
        moment = getattr(event.get("DTSTART"), "dt", None)
    except ValueError:  # icalendar's errors for broken values are ValueErrors
        return None
    return moment if isinstance(moment, date) else None


def _sort_key(event: icalendar.Event, tz: ZoneInfo) -> datetime:
    moment = _written_start(event)
    if not isinstance(moment, datetime):
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


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


def _label(event: icalendar.Event) -> str:
    start = _written_start(event)
    when = f" on {start.isoformat()}" if start is not None else ""
    return f'event "{one_line(str(event.get("SUMMARY", "")))}"{when}'


class _EventReader:
    """Turn events into interviews, recording each problem and each event left out."""

    def __init__(self, file: str, options: IcsOptions) -> None:
        self.file, self.options = file, options
        self.problems: list[Problem] = []
        self.skipped: list[str] = []

    def interview(self, event: icalendar.Event) -> Interview | None:
        """Return the interview an event describes, or None (skipped, or a problem noted)."""
        try:
            return self._interview(event)
        except ValueError as error:  # icalendar's errors for broken values are ValueErrors
            self._bad(event, f"cannot be read ({error})", "export the invite again")
            return None

    def _interview(self, event: icalendar.Event) -> Interview | None:
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            self.skipped.append(f"{_label(event)}: cancelled")
            return None
        times = self._times(event)
        company, role = self._company_and_role(event)
        interviewers, contacts = self._people(event)
        if times is None or not company or not role or not interviewers:
            return None
        start, end, zone = times
        return Interview(
            id=base_id(company, role, start.astimezone(self.options.default_tz).date()),
            company=company,
            role=role,
            start=start,
            end=end,
            timezone=None if zone == self.options.default_tz else zone,
            format=Format.ONE_ON_ONE if len(interviewers) == 1 else Format.PANEL,
            interviewers=interviewers,
            contacts=contacts,
        )

    def _bad(self, event: icalendar.Event, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, message, key=_label(event), fix=fix))

    def _times(self, event: icalendar.Event) -> tuple[datetime, datetime, ZoneInfo | None] | None:
        """Return start, end and the event's own zone, in that zone."""
        try:
            start, end = event.start, event.end
        except (icalendar.IncompleteComponent, icalendar.InvalidCalendar) as error:
            self._bad(event, f"has no usable start and end: {error}", "export the invite again")
            return None
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            fix = "an all-day event has no interview time: use `followup-mailer add --start ...`"
            self._bad(event, "is an all-day event", fix)
            return None
        tzid = str(event["DTSTART"].params.get("TZID", ""))
        if start.tzinfo is None and tzid:
            fix = "use `followup-mailer add --start ...` with the time instead"
            self._bad(event, f'uses the unknown timezone "{tzid}"', fix)
            return None
        zone = _zone(tzid, start)
        start, end = self._aware(start, zone), self._aware(end, zone)
        length = end.astimezone(UTC) - start.astimezone(UTC)  # instants, not wall times
        if length < timedelta(0):
            self._bad(event, "ends before it starts", "export the invite again")
            return None
        return start, (end if length else later(start, DEFAULT_LENGTH)), zone

    def _aware(self, moment: datetime, zone: ZoneInfo | None) -> datetime:
        if moment.tzinfo is None:  # a floating time: the user's own clock
            moment = timing.localize(moment, self.options.default_tz)
        return moment.astimezone(zone or self.options.default_tz)

    def _company_and_role(self, event: icalendar.Event) -> tuple[str, str]:
        company, role = self.options.company, self.options.role
        if not (company and role):
            guessed = guess_company_and_role(str(event.get("SUMMARY", "")), company, role)
            company, role = company or guessed[0], role or guessed[1]
        if not (company and role):
            fix = 'give them: --company "Acme Corp" --role "Backend Engineer"'
            self._bad(event, "the company and role cannot be told from the title", fix)
        return company, role

    def _people(self, event: icalendar.Event) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
        """Return the interviewers and contacts of an event."""
        organizer = _person(event.organizer)
        if organizer and organizer.email.lower() in self.options.own:
            organizer = None  # you invited them: you are not your own interviewer
        contacts: tuple[Person, ...] = ()
        if organizer and self.options.organizer_is_contact:
            contacts, organizer = (organizer,), None
        attendees = [_person(a) for a in event.attendees if _is_person(a)]
        interviewers: dict[str, Person] = {}
        for person in [*attendees, organizer]:
            if person and person.email.lower() not in self.options.own:
                interviewers.setdefault(person.email.lower(), person)
        for contact in contacts:
            interviewers.pop(contact.email.lower(), None)
        if not interviewers:
            fix = "check the invite, or use `followup-mailer add` with --interviewer"
            self._bad(event, "lists nobody but you (and rooms) as guests", fix)
        return tuple(interviewers.values()), contacts


def _is_person(address: object) -> bool:
    """Tell whether an attendee is someone who was in the interview with you."""
    if not isinstance(address, icalendar.vCalAddress):
        return False  # a value icalendar could not read as an address
    kind = str(address.params.get("CUTYPE", "INDIVIDUAL")).upper()
    declined = str(address.params.get("PARTSTAT", "")).upper() == "DECLINED"
    room = address.email.lower().endswith(_ROOM_DOMAINS)
    return kind not in _NOT_PEOPLE and not declined and not room


def _person(address: object) -> Person | None:
    if not isinstance(address, icalendar.vCalAddress):
        return None
    email = one_line(address.email)
    if "@" not in email or " " in email:
        return None
    name = one_line(str(address.params.get("CN", ""))).strip('"')
    if not name or "@" in name:
        name = " ".join(word.capitalize() for word in re.split(r"[._-]+", email.split("@")[0]))
    return Person(name=name, email=email)


def _zone(tzid: str, start: datetime) -> ZoneInfo | None:
    """Return the IANA zone of an event, for the send window, when it can be named."""
    if start.utcoffset() == timedelta(0) and not tzid:
        return None  # UTC says where the server is, not the interviewers
    if isinstance(start.tzinfo, ZoneInfo):
        return start.tzinfo
    for name in (tzid, WINDOWS_TO_OLSON.get(tzid, "")):
        try:
            return timing.parse_timezone(name) if name else None
        except BadValue:
            continue
    return None


def guess_company_and_role(summary: str, company: str = "", role: str = "") -> tuple[str, str]:
    """Guess (company, role) from an event title; "" for a part it cannot tell."""
    text = _PREFIX.sub("", one_line(summary)).strip()
    parts = [p.strip() for p in _SEPARATOR.split(text) if p.strip()]
    if company or role:  # one is known: the rest of the title is the other
        known = (company or role).lower()
        parts = [p for p in parts if known not in p.lower()] or parts
        rest = _without_interview(" ".join(parts)) if len(parts) == 1 else ""
        return (company, role or rest) if company else (rest, role)
    if len(parts) != 2:
        return "", ""
    first, second = parts
    if _looks_like_role(second) and not _looks_like_role(first):
        first, second = second, first
    elif not _looks_like_role(first):
        return "", ""
    return second, _without_interview(first)


def _looks_like_role(text: str) -> bool:
    return bool(_ROLE_WORDS.search(text) or _INTERVIEW_WORD.search(text))


def _without_interview(text: str) -> str:
    return re.sub(r"\s+", " ", _INTERVIEW_WORD.sub("", text)).strip(" -–—:")


def later(moment: datetime, length: timedelta) -> datetime:
    """Add elapsed time to an instant (aware arithmetic in one zone adds wall time)."""
    return (moment.astimezone(UTC) + length).astimezone(moment.tzinfo)


def one_line(text: str) -> str:
    """Return text on one line, spaces collapsed: calendar text ends up in mail headers."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())
