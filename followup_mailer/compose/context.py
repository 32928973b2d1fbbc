"""The variables every template sees; docs/templates.md lists each of them.

Dates are shown in the interviewers' timezone (the interview's `timezone`, else the account's),
so an interview on Thursday evening in Chicago is never called Friday. The point a thank-you
recalls is the interviewer's note when it can be placed in a sentence, else the highlight dealt
to them; the fit sentence comes back to another highlight, or to that point.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, tzinfo
from typing import Any

from followup_mailer.compose.greetings import address, name_forms, salutation
from followup_mailer.compose.notes import Placed, place
from followup_mailer.compose.parts import Previous, Sender
from followup_mailer.compose.points import VARIANTS, point_sentence
from followup_mailer.model import Format, Interview, Person, followup_number

SHORT_TOPIC_WORDS = 6  # a longer topic is not repeated in the fit sentence


def template_context(
    *,
    sender: Sender,
    interview: Interview,
    recipient: Person,
    step: str,
    previous: Previous | None,
    date: datetime,
    timezone: tzinfo,
) -> dict[str, Any]:
    """Build the variables every template sees (documented in docs/templates.md)."""
    zone = interview.timezone or timezone
    variant = choose_variant(interview, recipient)
    point, topic = conversation_point(interview, recipient, variant)
    return {
        "account": {
            "name": sender.name.strip(),
            "first_name": sender.name.split()[0] if sender.name.split() else "",
            "email": sender.email.strip(),
        },
        "interview": _interview_vars(interview, zone, date.astimezone(zone).date()),
        "recipient": _recipient_vars(interview, recipient, variant),
        "others": others(interview, recipient),
        "highlights": _highlights(interview),
        "highlight": dealt_highlight(interview, recipient),
        "point": point,
        "topic": topic,
        "step": {"name": step, "number": followup_number(step)},
        "previous": None if previous is None else _previous_vars(previous, zone),
        "signature": signature_vars(sender),
        "variant": variant,
        "variants": VARIANTS,
    }


def _interview_vars(interview: Interview, zone: tzinfo, today: date) -> dict[str, Any]:
    """Describe the interview, its times in the interviewers' timezone."""
    start, end = interview.start.astimezone(zone), interview.end.astimezone(zone)
    expect = interview.expect_response_by
    return {
        "id": interview.id,
        "company": interview.company.strip(),
        "role": interview.role.strip(),
        "format": str(interview.format),
        "size": len(interview.interviewers),
        "start": start,
        "end": end,
        "timezone": str(getattr(zone, "key", start.tzname())),
        "day": long_date(start),
        "when": when(start.date(), today),
        "highlights": _highlights(interview),
        "topic": interview_topic(interview),
        "addendum": interview.addendum.strip(),
        "outcome": str(interview.outcome),
        "expect_response_by": expect,
        "response_day": long_date(expect) if expect else "",
    }


def _recipient_vars(interview: Interview, person: Person, variant: int) -> dict[str, Any]:
    """Describe the recipient: name forms, greeting, notes as written and as placed."""
    placed = place(person.notes, names=name_forms(person.name, person.greeting))
    form, formal = address(person.name, person.greeting)
    return {
        "name": person.name.strip(),
        "first_name": form,
        "salutation": salutation(person.name, person.greeting, variant),
        "formal": formal,
        "email": person.email.strip(),
        "title": person.title.strip(),
        "notes": person.notes.strip(),
        "note": placed.text if isinstance(placed, Placed) else "",
        "addendum": person.addendum.strip(),
        "lead": person == interview.lead if interview.interviewers else False,
    }


def _previous_vars(previous: Previous, zone: tzinfo) -> dict[str, Any]:
    """Describe the message being followed up on."""
    sent = previous.sent_at.astimezone(zone) if previous.sent_at else None
    return {"subject": previous.subject.strip(), "sent_at": sent}


def signature_vars(sender: Sender) -> dict[str, Any]:
    """Describe the signature: the name, the contact lines, and both as text."""
    name = sender.name.strip()
    lines = [line.strip() for line in sender.signature if line.strip()] or [sender.email.strip()]
    named = lines and name.casefold() in lines[0].casefold()  # a one-line signature with the name
    return {"name": name, "lines": lines, "text": "\n".join(lines if named else [name, *lines])}


def _highlights(interview: Interview) -> list[str]:
    """Return the highlights as written, trimmed."""
    return [h.strip() for h in interview.highlights if h.strip()]


def dealt_highlight(interview: Interview, recipient: Person) -> str:
    """Return the highlight dealt to this recipient, so each panelist gets a different one."""
    highlights = _highlights(interview)
    return highlights[panel_index(interview, recipient) % len(highlights)] if highlights else ""


def conversation_point(interview: Interview, recipient: Person, variant: int) -> tuple[str, str]:
    """Return the sentence recalling a point of the conversation, and a topic for the fit."""
    names = name_forms(recipient.name, recipient.greeting)
    note = place(recipient.notes, names=names)
    shared = len(interview.interviewers) > 1 and interview.format is not Format.ONE_ON_ONE
    placed = [place(h, names=names, shared=shared) for h in _highlights(interview)]
    usable = [h for h in placed if isinstance(h, Placed)]
    index = panel_index(interview, recipient)
    dealt = usable[index % len(usable)] if usable else None
    if isinstance(note, Placed):
        other = dealt.topic if dealt else ""
        return point_sentence(note, variant), _short(other or note.topic)
    if dealt is None:
        return "", ""
    rest = [h for h in usable if h is not dealt and h.topic]
    return point_sentence(dealt, variant), _short(rest[index % len(rest)].topic if rest else "")


def interview_topic(interview: Interview) -> str:
    """Return the first highlight short enough to be named in a nudge, else ""."""
    shared = len(interview.interviewers) > 1
    for highlight in _highlights(interview):
        placed = place(highlight, shared=shared)
        if isinstance(placed, Placed) and _short(placed.topic):
            return placed.topic
    return ""


def _short(topic: str) -> str:
    """Return a topic short enough to be named again, else ""."""
    return topic if 0 < len(topic.split()) <= SHORT_TOPIC_WORDS else ""


def others(interview: Interview, recipient: Person) -> list[str]:
    """Name the other interviewers as a greeting would ("Lee", "Dr. Wu")."""
    rest = [p for p in interview.interviewers if p.email.lower() != recipient.email.lower()]
    return [address(p.name, p.greeting)[0] for p in rest]


def choose_variant(interview: Interview, recipient: Person) -> int:
    """Pick the wording: stable per recipient, distinct across a panel of up to VARIANTS."""
    return (_stable_number(interview.id) + panel_index(interview, recipient)) % VARIANTS


def panel_index(interview: Interview, recipient: Person) -> int:
    """Return the recipient's place among the interviewers, else a stable number for them."""
    emails = [person.email.strip().lower() for person in interview.interviewers]
    email = recipient.email.strip().lower()
    return emails.index(email) if email in emails else _stable_number(f"{interview.id}/{email}")


def _stable_number(text: str) -> int:
    """Hash text to a number that is the same in every run (unlike hash())."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def long_date(value: date) -> str:
    """Format a date for prose: 'Friday, November 20'."""
    return f"{value:%A}, {value:%B} {value.day}"


def when(day: date, today: date) -> str:
    """Name a past day relative to today: "today", "yesterday", "on Monday", else the date."""
    days = (today - day).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"on {day:%A}" if 1 < days < 7 else f"on {long_date(day)}"
