"""Who was in an interview, read from a calendar event's ORGANIZER and ATTENDEE lines.

- Left out: the account's own addresses, rooms, resources and groups (CUTYPE, or Google's
  resource calendars), people who declined, and calendar-service addresses.
- The organizer is usually the recruiter or coordinator who set the meeting up: they become the
  interview's contact (who receives the nudges), not an interviewer, unless they are the only
  other person there (a hiring manager's one-on-one) or the user says they interviewed.
- An address is the EMAIL parameter when it holds one (iCloud organizes through relay
  addresses such as `2_...@imip.me.com` and names the person in EMAIL), else the calendar
  address without `mailto:`. A guest whose address the header rules refuse is left out with a
  note, never written to the schedule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar

from followup_mailer.intake.admit import address_error
from followup_mailer.intake.titles import one_line
from followup_mailer.model import Person

_NOT_PEOPLE = {"ROOM", "RESOURCE", "GROUP"}  # calendar users that receive no thank-you
_SERVICE_DOMAINS = (  # calendars and relays, not people
    "resource.calendar.google.com",
    "group.calendar.google.com",
    "group.v.calendar.google.com",
    "imip.me.com",
)
_WORD_BREAKS = re.compile(r"[._-]+")


@dataclass(frozen=True, slots=True)
class Guests:
    """The people of one event: interviewers, contacts, and notes on guests left out."""

    interviewers: tuple[Person, ...]
    contacts: tuple[Person, ...]
    left_out: tuple[str, ...] = ()


def guests(event: icalendar.Event, *, own: frozenset[str], organizer_interviews: bool) -> Guests:
    """Return who was in the interview, by the rules in the module docstring."""
    notes: list[str] = []
    organizer = _person(event.get("ORGANIZER"), own, notes)
    others = _unique(
        person
        for address in event.attendees
        if _attended(address)
        and (person := _person(address, own, notes)) is not None
        and (organizer is None or person.email.lower() != organizer.email.lower())
    )
    if organizer is None:
        return Guests(others, (), tuple(notes))
    if organizer_interviews or not others:
        return Guests((organizer, *others), (), tuple(notes))
    return Guests(others, (organizer,), tuple(notes))


def _attended(address: object) -> bool:
    """Tell whether an attendee is someone who was (or will be) in the interview with you."""
    if not isinstance(address, icalendar.vCalAddress):
        return False  # a value icalendar could not read as an address
    kind = str(address.params.get("CUTYPE", "INDIVIDUAL")).upper()
    declined = str(address.params.get("PARTSTAT", "")).upper() == "DECLINED"
    return kind not in _NOT_PEOPLE and not declined


def _person(address: object, own: frozenset[str], notes: list[str]) -> Person | None:
    """Return the person a calendar address names, or None (you, a service, no address)."""
    if not isinstance(address, icalendar.vCalAddress):
        return None
    email = _address_of(address)
    if email.lower() in own or email.lower().endswith(_SERVICE_DOMAINS) or not email:
        return None
    name = one_line(str(address.params.get("CN", ""))).strip('"').strip()
    if not name or "@" in name:
        name = _name_from(email)
    problem = address_error(email, where="email")
    if problem:
        notes.append(f"left out {name} <{email}>: the address {problem}")
        return None
    return Person(name=name, email=email)


def _address_of(address: icalendar.vCalAddress) -> str:
    """Return the mail address of a calendar user: its EMAIL parameter, else its URI."""
    written = one_line(str(address.params.get("EMAIL", ""))).strip('"')
    if written and not address_error(written, where="EMAIL"):
        return written
    uri = one_line(str(address))
    return uri[len("mailto:") :] if uri.lower().startswith("mailto:") else uri


def _name_from(email: str) -> str:
    """Make a name from an address: "priya.natarajan@x" -> "Priya Natarajan"."""
    words = _WORD_BREAKS.split(email.partition("@")[0])
    return " ".join(word.capitalize() for word in words if word) or email


def _unique(people: Iterable[Person]) -> tuple[Person, ...]:
    """Keep the first of people listed twice (same address, any case)."""
    seen: dict[str, Person] = {}
    for person in people:
        seen.setdefault(person.email.lower(), person)
    return tuple(seen.values())
