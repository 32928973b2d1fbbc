"""Recognise calendar invitations, and tell them from the rest of calendar mail.

A message carries a calendar when it has a text/calendar (or application/ics)
part or an .ics attachment (not inside a forwarded message). The calendar's
METHOD (VCALENDAR's, else the part's `method=` parameter) decides:
- REQUEST: an invitation; its organizer is the ORGANIZER of the first VEVENT
  (lower case, "mailto:" removed), whoever sent the message: the organizer
  directly, or a calendar service's notification address in their name;
- REPLY ("Accepted: ...", "Declined: ..."), CANCEL, COUNTER, DECLINECOUNTER,
  REFRESH, ADD: calendar machinery, not a person's reply;
- PUBLISH or none: nothing said; the other rules decide.

A small line parser reads the calendar (unfolding, properties with quoted
parameters): the invitation needs two properties, not a full RFC 5545 reader.

From the headers alone an invitation is likely when the message is
text/calendar, carries Outlook's `Content-Class: urn:content-classes:
calendarmessage`, or is multipart and either comes from a calendar service's
address or has an invitation subject ("Invitation:", "Einladung:",
"Accepted:", ...). An invitation sent as an ordinary multipart message with a
subject of its own by some other tool is missed from the headers alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.utils import getaddresses

from followup_mailer.mailbox.mailparts import Parts

INVITATION = "REQUEST"
MACHINE_METHODS = frozenset({"REPLY", "CANCEL", "COUNTER", "DECLINECOUNTER", "REFRESH", "ADD"})
CALENDAR_SENDERS = frozenset(
    {
        "calendar-notification@google.com",
        "calendar-server@google.com",
        "noreply@email.apple.com",
        "no_reply@email.apple.com",
        "noreply@icloud.com",
        "calendar-noreply@outlook.com",
        "no-reply@microsoft.com",
        "noreply@zoho.com",
        "calendar@zoho.com",
    }
)
CALENDAR_CONTENT_CLASS = "urn:content-classes:calendarmessage"
_CALENDAR_LOCAL = re.compile(r"^(?:calendar[-_.]?(?:notification|noreply|no-reply|server)|ical)")
_INVITATION_SUBJECT = re.compile(
    r"^\s*(?:(?:updated |new )?invitation(?: from google calendar)?\s?:|invitation mise à jour"
    r"|(?:aktualisierte |neue )?einladung\s?:|invitación(?: actualizada)?\s?:"
    r"|invito(?: aggiornato)?\s?:|(?:bijgewerkte )?uitnodiging\s?:|zaproszenie\s?:"
    r"|convite(?: atualizado)?\s?:|inbjudan\s?:|invitasjon\s?:|invitation\s?:|kutsu\s?:"
    r"|pozvánka\s?:|meeting request\s?:|new event\s?:|updated event\s?:"
    r"|(?:accepted|declined|tentative(?:ly accepted)?|canceled|cancelled)(?: event)?\s?:"
    r"|(?:angenommen|abgelehnt|mit vorbehalt|accepté|refusé|aceptado|rechazado|accettato"
    r"|rifiutato|geaccepteerd|geweigerd)\s?:)",
    re.IGNORECASE,
)
_UNFOLD = re.compile(r"\r?\n[ \t]")


@dataclass(frozen=True, slots=True)
class Calendar:
    """What a calendar part says: its method, and its first event's organizer."""

    method: str
    organizer: str


def may_be_invite(headers: Mapping[str, str]) -> bool:
    """Tell from the headers alone whether a message may carry a calendar invitation."""
    content_type = headers.get("content-type", "").strip().lower()
    if content_type.startswith(("text/calendar", "application/ics")):
        return True
    if headers.get("content-class", "").strip().lower() == CALENDAR_CONTENT_CLASS:
        return True
    if not content_type.startswith("multipart/"):
        return False
    pairs = getaddresses([headers.get("from", ""), headers.get("sender", "")])
    senders = {address.lower() for _, address in pairs if address}
    return (
        bool(senders & CALENDAR_SENDERS)
        or any(_CALENDAR_LOCAL.match(a.partition("@")[0]) for a in senders)
        or bool(_INVITATION_SUBJECT.match(headers.get("subject", "")))
    )


def read_calendar(parts: Parts) -> Calendar | None:
    """Return what the message's calendar says (an invitation first), None when it has none."""
    found = [_parse(text, method) for method, text in parts.calendars]
    known = [c for c in found if c.method]
    invitations = [c for c in known if c.method == INVITATION]
    chosen = invitations or known
    return chosen[0] if chosen else None


def is_machine_method(calendar: Calendar) -> bool:
    """Tell whether a calendar message is calendar machinery (an answer, a cancellation)."""
    return calendar.method in MACHINE_METHODS


def _parse(text: str, method_parameter: str) -> Calendar:
    """Read METHOD and the first VEVENT's ORGANIZER from iCalendar text."""
    method, organizer, depth_in_event = "", "", False
    for name, params, value in _properties(text):
        if name == "BEGIN" and value.upper() == "VEVENT":
            depth_in_event = True
        elif name == "END" and value.upper() == "VEVENT":
            depth_in_event = False
            if organizer:
                break
        elif name == "METHOD" and not depth_in_event and not method:
            method = value.strip().upper()
        elif name == "ORGANIZER" and depth_in_event and not organizer:
            organizer = _address(value) or _address(params.get("EMAIL", ""))
    return Calendar(method or method_parameter.strip().upper(), organizer)


def _properties(text: str) -> Iterator[tuple[str, dict[str, str], str]]:
    """Yield (NAME, {PARAM: value}, value) for each content line of iCalendar text."""
    for line in _UNFOLD.sub("", text).splitlines():
        head, value = _split_value(line)
        if head is None:
            continue
        name, *params = _split_outside_quotes(head, ";")
        pairs = (p.partition("=") for p in params)
        yield name.strip().upper(), {k.upper(): v.strip('"') for k, _, v in pairs}, value


def _split_value(line: str) -> tuple[str | None, str]:
    """Split a content line at the first colon outside double quotes."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index], line[index + 1 :]
    return None, ""


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    return [*pieces, "".join(current)]


def _address(value: str) -> str:
    """Return the address of a cal-address value ("mailto:x@y"), lower case, or ""."""
    address = re.sub(r"^\s*mailto:", "", value.strip(), flags=re.IGNORECASE).strip()
    return address.lower() if "@" in address and " " not in address else ""
