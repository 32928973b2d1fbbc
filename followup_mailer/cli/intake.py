"""What add and import-ics share: option values, questions for what is missing, what was done.

Addresses are checked with the rule `check` and the daemon use (compose/headers.py, through
intake/admit.py), so `add` refuses at the door what another command would refuse later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta, tzinfo
from typing import TypeVar
from zoneinfo import ZoneInfo

import click

from followup_mailer import timing
from followup_mailer.cli.context import Session, now_utc
from followup_mailer.cli.output import say
from followup_mailer.cli.times import their_clock, when, zone_name
from followup_mailer.intake import append as intake
from followup_mailer.intake.admit import address_error
from followup_mailer.model import THANK_YOU, Interview, Person
from followup_mailer.timing import BadValue

T = TypeVar("T")
_NAME_AND_ADDRESS = re.compile(r"\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")  # never in a name: it ends up in headers
_PERSON_FIX = 'write the name and the address, like "Dana Smith <dana@acme.com>"'
_TIP = (
    "tip: add highlights (points from the conversation) or interviewer notes to {file}: "
    "a thank-you should mention one"
)


# --- option values ------------------------------------------------------------------------------


def text_value(text: str) -> str:
    """Read one line of text (a company, a role)."""
    if not text.strip():
        raise click.BadParameter("is empty; write it")
    if _CONTROL.search(text):
        raise click.BadParameter(
            f"{text!r} holds a line break or control character; write one line"
        )
    return text.strip()


def person_value(text: str) -> Person:
    """Read "Name <email>", the address checked as `check` checks it."""
    found = _NAME_AND_ADDRESS.fullmatch(text)
    name = found["name"].strip('"').strip() if found else ""
    if not found or not name or _CONTROL.search(text):
        raise click.BadParameter(f'"{text}" is not a name and address; {_PERSON_FIX}')
    email = found["email"].strip()
    problem = address_error(email, where="email")
    if problem:
        raise click.BadParameter(f'"{text}": the address {problem}')
    return Person(name=name, email=email)


def email_value(text: str) -> str:
    """Read a single address (for --lead), checked as `check` checks it."""
    problem = address_error(text.strip(), where="email")
    if problem:
        raise click.BadParameter(f'"{text}" {problem}')
    return text.strip().lower()


def zone_value(text: str) -> ZoneInfo:
    try:
        return timing.parse_timezone(text)
    except BadValue as error:
        raise click.BadParameter(f"{error.problem}; {error.fix}") from None


def length_value(text: str) -> timedelta:
    try:
        duration = timing.parse_duration(text)
    except BadValue as error:
        raise click.BadParameter(f"{error.problem}; {error.fix}") from None
    if duration.business_days or not duration.fixed:
        raise click.BadParameter(f'"{text}" is not a length of time; write "45m" or "1h30m"')
    return duration.fixed


def id_value(text: str) -> str:
    if not intake.ID_PATTERN.fullmatch(text):
        fix = 'use lower-case letters, digits, ".", "_" and "-", like "acme-backend-onsite"'
        raise click.BadParameter(f'"{text}" is not a valid id; {fix}')
    return text


def note_value(text: str) -> tuple[str, str]:
    """Read EMAIL=TEXT: a point from the talk with that interviewer."""
    email, equals, note = text.partition("=")
    if not equals or address_error(email.strip(), where="email") or not note.strip():
        fix = 'write the interviewer\'s address, "=" and the point, like "dana@acme.com=on-call"'
        raise click.BadParameter(f'"{text}" is not EMAIL=TEXT; {fix}')
    return email.strip().lower(), note.strip()


def one(
    convert: Callable[[str], T],
) -> Callable[[click.Context, click.Parameter, str | None], T | None]:
    """Make a click callback that converts a single optional value."""

    def callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> T | None:
        return None if value is None else convert(value)

    return callback


def many(
    convert: Callable[[str], T],
) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], tuple[T, ...]]:
    """Make a click callback that converts every value of a repeatable option."""

    def callback(
        _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
    ) -> tuple[T, ...]:
        return tuple(convert(value) for value in values)

    return callback


# --- asking for what is missing -----------------------------------------------------------------


class Asker:
    """Ask in a terminal for required values not given as flags; else a usage error."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive

    def value(
        self,
        given: T | None,
        flag: str,
        prompt: str,
        convert: Callable[[str], T] | click.ParamType[T],
        default: str | None = None,
    ) -> T:
        """Return the flag's value, else ask for it (showing its default, if it has one)."""
        if given is not None:
            return given
        if not self.interactive:
            raise click.UsageError(
                f"missing {flag}: give it like {flag} {FLAG_EXAMPLES[flag]}, "
                "or run `add` in a terminal to be asked"
            )
        if isinstance(convert, click.ParamType):
            answer: T = click.prompt(prompt, type=convert, default=default)
        else:
            answer = click.prompt(prompt, value_proc=convert, default=default)
        return answer

    def optional(self, prompt: str) -> tuple[str, ...]:
        """Ask for an optional text in a terminal; nothing when not interactive or left empty."""
        if not self.interactive:
            return ()
        answer: str = click.prompt(f"{prompt} (optional)", default="", show_default=False)
        return (answer.strip(),) if answer.strip() else ()

    def people(self, given: tuple[Person, ...]) -> tuple[Person, ...]:
        """Return the interviewers given, else ask for one, then for more until left empty."""
        first = self.value(
            given[0] if given else None, "--interviewer", PERSON_PROMPT, person_value
        )
        people = [first, *given[1:]]
        while self.interactive and not given:
            more: Person | None = click.prompt(
                "Another interviewer (empty when done)",
                default="",
                show_default=False,
                value_proc=_maybe_person,
            )
            if more is None:
                break
            people.append(more)
        return tuple(people)


PERSON_PROMPT = 'Interviewer, as "Name <email>", e.g. "Dana Smith <dana@acme.com>"'
FLAG_EXAMPLES = {
    "--company": '"Acme Corp"',
    "--role": '"Backend Engineer"',
    "--start": "2026-11-20T14:00",
    "--interviewer": '"Dana Smith <dana@acme.com>"',
}


def _maybe_person(text: str) -> Person | None:
    return person_value(text) if text.strip() else None


# --- what was done ------------------------------------------------------------------------------


def report_added(session: Session, added: Sequence[Interview], file: str) -> None:
    """Say what was added and when each thank-you is due."""
    tz = session.settings.account.timezone
    for interview in added:
        say(f"added {interview.id} to {file}")
        say(f"  {describe(interview, tz)}")
    for line in thank_yous(session, {interview.id for interview in added}):
        say(line)
    if any(not i.highlights and not any(p.notes for p in i.interviewers) for i in added):
        say(_TIP.format(file=file))


def describe(interview: Interview, tz: tzinfo) -> str:
    """Describe an interview on one line: company, role, when, format, people."""
    people = ", ".join(f"{p.name} <{p.email}>" for p in interview.interviewers)
    contacts = "".join(f"; contact {p.name} <{p.email}>" for p in interview.contacts)
    start = when(interview.start, tz, now=now_utc())
    end = interview.end.astimezone(tz).strftime("%H:%M")
    theirs = their_clock(interview.start, tz, interview.timezone)
    return (
        f"{interview.company}, {interview.role}, {start}–{end} {zone_name(tz)}{theirs}, "
        f"{interview.format}: {people}{contacts}"
    )


def thank_yous(session: Session, ids: set[str]) -> list[str]:
    """Describe when the plan makes each thank-you of these interviews."""
    from followup_mailer.reconcile import current_plan

    settings = session.settings
    tz, now = settings.account.timezone, now_utc()
    with session.store() as store:
        planned = current_plan(
            settings=settings, interviews=session.schedule(), store=store, now=now
        )
    lines = []
    for step in planned:
        if step.interview in ids and step.step == THANK_YOU:
            due = when(step.due, tz, now=now)
            due_at = f"{due} {zone_name(tz)}" if due else step.reason
            if step.action is not None:
                due_at = "now: the next `followup-mailer run` creates it"
            lines.append(f"  thank-you to {step.name} <{step.to}>: due {due_at}")
    return lines
