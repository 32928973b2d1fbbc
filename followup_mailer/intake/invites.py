"""Calendar invites (.ics) into interviews.

Invites (.ics) become interviews by these rules: start and end from DTSTART and DTEND (or
DURATION), in the event's zone, a floating time in the account's zone; interviewers from
ATTENDEE and ORGANIZER, leaving out the account's own addresses, rooms, resources, groups and
people who declined; company and role from the flags, else guessed from SUMMARY.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from followup_mailer import timing
from followup_mailer.errors import Problem, UserError
from followup_mailer.intake.append import base_id, duplicate_of, later, same_meeting, unique_id
from followup_mailer.intake.schedule import DEFAULT_LENGTH
from followup_mailer.model import Format, Interview, Person
from followup_mailer.timing import BadValue

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


def one_line(text: str) -> str:
    """Return text on one line, spaces collapsed: calendar text ends up in mail headers."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())
