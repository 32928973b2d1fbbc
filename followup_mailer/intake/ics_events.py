"""The events of a calendar file (.ics), read as facts about possible interviews.

Each VEVENT becomes an `Invite`: its UID, whether it is cancelled (the calendar's METHOD:CANCEL,
as iCloud and Exchange send it, or the event's STATUS:CANCELLED, as Google does), its times in
its own zone (a floating time in the account's zone) and its guests; or the reason it is not an
interview: a reply to an invitation, a repeating event, an all-day event, an event with nobody
but you. When a file holds the same event more than once (same UID), the latest version counts:
the highest SEQUENCE, then the latest DTSTAMP, then the last written.

Timezones are resolved once per TZID, so a calendar with hundreds of events reads in time linear
in its size.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from followup_mailer import timing
from followup_mailer.errors import UserError
from followup_mailer.intake.ics_people import Guests, guests
from followup_mailer.intake.moments import FIRST_YEAR, LAST_YEAR
from followup_mailer.intake.schedule import DEFAULT_LENGTH
from followup_mailer.intake.titles import one_line

NOBODY = Guests((), ())
_REPLIES = {"REPLY", "COUNTER", "REFRESH", "DECLINECOUNTER"}  # answers, not invitations
_REPEATS = ("RRULE", "RDATE", "RECURRENCE-ID")
_EARLIEST = datetime.min.replace(tzinfo=UTC)
# icalendar's parser trips in more ways than its own ValueErrors on damaged files
# (a DURATION of a million weeks overflows; a damaged file may nest beyond the recursion limit)
PARSE_ERRORS = (
    ValueError,
    AttributeError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
)


@dataclass(frozen=True, slots=True)
class Invite:
    """One event of a calendar file, as far as an interview is concerned."""

    uid: str
    label: str  # 'event "Title" on 2026-11-20T14:00:00+01:00', for messages
    summary: str
    cancelled: bool = False
    start: datetime | None = None
    end: datetime | None = None
    zone: ZoneInfo | None = None  # the event's own zone, when it names one
    people: Guests = NOBODY
    skip: str = ""  # why this event is not an interview; "" when it is one
    version: tuple[int, datetime, int] = (0, _EARLIEST, 0)  # SEQUENCE, DTSTAMP, position


def read_invites(
    data: bytes,
    *,
    file: str,
    own: frozenset[str],
    default_tz: ZoneInfo,
    organizer_interviews: bool = False,
) -> list[Invite]:
    """Read every event of a calendar file, the latest version of each; raise UserError if none."""
    reader = _Reader(own, default_tz, organizer_interviews)
    latest: dict[str, Invite] = {}
    for position, (event, method) in enumerate(_events(data, file)):
        invite = reader.invite(event, method, position)
        key = invite.uid or f"#{position}"
        if key not in latest or latest[key].version <= invite.version:
            latest[key] = invite
    return sorted(latest.values(), key=lambda i: (i.start or _EARLIEST).astimezone(UTC))


def _events(data: bytes, file: str) -> list[tuple[icalendar.Event, str]]:
    """Return every VEVENT of the file with its calendar's METHOD."""
    try:
        calendars = icalendar.Component.from_ical(data, multiple=True)
    except PARSE_ERRORS as error:
        raise UserError(f"{file} is not a calendar file (.ics): {error}") from None
    events = [
        (event, str(calendar.get("METHOD", "")).upper())
        for calendar in calendars
        for event in calendar.walk("VEVENT")
        if isinstance(event, icalendar.Event)
    ]
    if not events:
        raise UserError(f"{file} holds no event (VEVENT); export the invite from your calendar")
    return events


class _Reader:
    """Reads events, resolving each TZID once."""

    def __init__(self, own: frozenset[str], default_tz: ZoneInfo, organizer: bool) -> None:
        self.own, self.default_tz, self.organizer = own, default_tz, organizer
        self.zones: dict[str, ZoneInfo | None] = {}

    def invite(self, event: icalendar.Event, method: str, position: int) -> Invite:
        """Read one event; a value icalendar cannot read makes it a skipped event."""
        base = Invite(uid=one_line(str(event.get("UID", ""))), label=_label(event), summary="")
        try:
            base = replace(
                base,
                summary=one_line(str(event.get("SUMMARY", ""))),
                version=(_sequence(event), _stamp(event), position),
            )
            return self._read(event, method, base)
        except PARSE_ERRORS as error:
            return _skipped(base, f"cannot be read ({error}); export the invite again")

    def _read(self, event: icalendar.Event, method: str, base: Invite) -> Invite:
        if method in _REPLIES:
            return _skipped(base, f"is an answer to an invitation (METHOD:{method}), not one")
        if any(name in event for name in _REPEATS):
            why = "repeats (a recurring series): an interview happens once; use `add` for it"
            return _skipped(base, why)
        if method == "CANCEL" or str(event.get("STATUS", "")).upper() == "CANCELLED":
            timed = self._timed(event, replace(base, cancelled=True))
            # found by its UID: a cancellation needs no time nor guests
            return replace(timed, skip="") if base.uid else timed
        return self._timed(event, base)

    def _timed(self, event: icalendar.Event, base: Invite) -> Invite:
        written = _written_start(event)
        if written is None:
            return _skipped(base, "has no start time (DTSTART); export the invite again")
        if not isinstance(written, datetime):
            fix = "use `followup-mailer add --start ...` with the time"
            return _skipped(base, f"is an all-day event, with no interview time; {fix}")
        if not FIRST_YEAR <= written.year <= LAST_YEAR:
            return _skipped(base, f"is dated {written.date()}, not a date an interview can have")
        tzid = _tzid(event, "DTSTART", "")
        if written.tzinfo is None and tzid and self._zone(tzid, written) is None:
            fix = "use `followup-mailer add --start ...` with the time instead"
            return _skipped(base, f'uses the unknown timezone "{tzid}"; {fix}')
        start = self._aware(written, tzid)
        end = self._end(event, start, tzid)
        if end is None:
            return _skipped(base, "ends before it starts; export the invite again")
        if end.year > LAST_YEAR:
            return _skipped(base, f"ends on {end.date()}, not a date an interview can have")
        people = guests(event, own=self.own, organizer_interviews=self.organizer)
        zone = self._zone(tzid, written) if tzid or written.utcoffset() else None
        skip = "" if people.interviewers else "lists nobody but you (and rooms) as guests"
        return replace(base, start=start, end=end, zone=zone, people=people, skip=skip)

    def _end(self, event: icalendar.Event, start: datetime, tzid: str) -> datetime | None:
        """Return the end (DTEND, else DTSTART + DURATION, else one hour), None if before start."""
        written, length = _value(event, "DTEND"), _value(event, "DURATION")
        if isinstance(written, datetime):
            end = self._aware(written, _tzid(event, "DTEND", tzid))
        elif isinstance(length, timedelta):
            end = start + length
        else:
            end = start
        length = end.astimezone(UTC) - start.astimezone(UTC)  # instants, not wall times
        if length < timedelta(0):
            return None
        elapsed = length or DEFAULT_LENGTH
        return (start.astimezone(UTC) + elapsed).astimezone(start.tzinfo)

    def _aware(self, moment: datetime, tzid: str) -> datetime:
        """Return the instant in the event's zone; a floating time is the user's own clock."""
        zone = self._zone(tzid, moment) if tzid else None
        if moment.tzinfo is None:
            moment = timing.localize(moment, zone or self.default_tz)
        return moment.astimezone(zone or self.default_tz)

    def _zone(self, tzid: str, moment: datetime) -> ZoneInfo | None:
        """Return the IANA zone of a TZID (or of the value itself), resolved once per TZID."""
        if isinstance(moment.tzinfo, ZoneInfo):
            return moment.tzinfo
        if tzid not in self.zones:
            self.zones[tzid] = _iana(tzid)
        return self.zones[tzid]


def _iana(tzid: str) -> ZoneInfo | None:
    """Name a TZID's IANA zone: an IANA name, or a Windows name (Outlook, Exchange)."""
    for name in (tzid.strip('"'), WINDOWS_TO_OLSON.get(tzid.strip('"'), "")):
        try:
            return ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return None


def _written_start(event: icalendar.Event) -> date | None:
    """Return DTSTART as written (a date or a datetime), or None when it cannot be read."""
    moment = _value(event, "DTSTART")
    return moment if isinstance(moment, date) else None


def _prop(event: icalendar.Event, name: str) -> object:
    """Return a property; the first, when a damaged file repeats one that may appear once."""
    prop: object = event.get(name)
    return prop[0] if isinstance(prop, list) and prop else prop


def _value(event: icalendar.Event, name: str) -> object:
    """Return the value of a date, time or duration property, or None."""
    return getattr(_prop(event, name), "dt", None)


def _tzid(event: icalendar.Event, name: str, default: str) -> str:
    params = getattr(_prop(event, name), "params", {})
    return str(params.get("TZID", default)) if isinstance(params, dict) else default


def _label(event: icalendar.Event) -> str:
    try:
        start = _written_start(event)
    except PARSE_ERRORS:
        start = None
    when = f" on {start.isoformat()}" if start is not None else ""
    return f'event "{one_line(str(event.get("SUMMARY", "")))}"{when}'


def _sequence(event: icalendar.Event) -> int:
    try:
        return int(str(event.get("SEQUENCE", 0)))
    except ValueError:
        return 0


def _stamp(event: icalendar.Event) -> datetime:
    moment = _value(event, "DTSTAMP")
    if not isinstance(moment, datetime):
        return _EARLIEST
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _skipped(base: Invite, why: str) -> Invite:
    return replace(base, skip=why)
