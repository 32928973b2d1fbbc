"""What add and import-ics share: option values, questions for what is missing, what was added."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import click

from followup_mailer import timing
from followup_mailer.cli import views
from followup_mailer.cli.context import Session, now_utc
from followup_mailer.intake import append as intake
from followup_mailer.model import THANK_YOU, Interview, Person
from followup_mailer.reconcile import current_plan
from followup_mailer.timing import BadValue

T = TypeVar("T")
_ADDRESS = re.compile(r"\s*(?P<name>[^<>]*?)\s*<\s*(?P<email>[^<>\s]+@[^<>\s]+)\s*>\s*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never in a name: it ends up in mail headers
_MOMENT_FIX = "write it like 2026-11-20T14:00 (your timezone) or 2026-11-20T14:00-05:00"
_TIP = (
    "tip: add highlights (points from the conversation) or interviewer notes to {file}: "
    "a thank-you should mention one"
)


# --- option values ------------------------------------------------------------------------------


def _moment(text: str) -> datetime:
    """Read an ISO date and time, with or without an offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or len(text.strip()) <= len("2026-11-20"):  # a date alone: no time given
        raise click.BadParameter(f'"{text}" is not a date and time; {_MOMENT_FIX}')
    return moment


def _text(text: str) -> str:
    if not text.strip():
        raise click.BadParameter("is empty; write it")
    if _CONTROL.search(text):
        raise click.BadParameter(
            f"{text!r} holds a line break or control character; write one line"
        )
    return text.strip()


def _person(text: str) -> Person:
    """Read "Name <email>"."""
    found = _ADDRESS.fullmatch(text)
    if not found or not found["name"].strip('"') or _CONTROL.search(text):
        fix = 'write the name and the address, like "Dana Smith <dana@acme.com>"'
        raise click.BadParameter(f'"{text}" is not a name and address; {fix}')
    return Person(name=found["name"].strip('"').strip(), email=found["email"])


def _one(
    convert: Callable[[str], T],
) -> Callable[[click.Context, click.Parameter, str | None], T | None]:
    """Make a click callback that converts a single optional value."""

    def callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> T | None:
        return None if value is None else convert(value)

    return callback


def _many(
    convert: Callable[[str], T],
) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], tuple[T, ...]]:
    """Make a click callback that converts every value of a repeatable option."""

    def callback(
        _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
    ) -> tuple[T, ...]:
        return tuple(convert(value) for value in values)

    return callback


def _zone(text: str) -> ZoneInfo:
    try:
        return timing.parse_timezone(text)
    except BadValue as error:
        raise click.BadParameter(f"{error.problem}; {error.fix}") from None


def _length(text: str) -> timedelta:
    try:
        duration = timing.parse_duration(text)
    except BadValue as error:
        raise click.BadParameter(f"{error.problem}; {error.fix}") from None
    if duration.business_days or not duration.fixed:
        raise click.BadParameter(f'"{text}" is not a length of time; write "45m" or "1h30m"')
    return duration.fixed


def _interview_id(text: str) -> str:
    if not intake.ID_PATTERN.fullmatch(text):
        fix = 'use lower-case letters, digits, ".", "_" and "-", like "acme-backend-onsite"'
        raise click.BadParameter(f'"{text}" is not a valid id; {fix}')
    return text


def _note(text: str) -> tuple[str, str]:
    email, equals, note = text.partition("=")
    if not equals or "@" not in email or not note.strip():
        fix = 'write the interviewer\'s address, "=" and the point, like "dana@acme.com=on-call"'
        raise click.BadParameter(f'"{text}" is not EMAIL=TEXT; {fix}')
    return email.strip().lower(), note.strip()


def _day_or_moment(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return _moment(text)


# --- asking for what is missing -----------------------------------------------------------------


class _Asker:
    """Ask in a terminal for required values not given as flags; else a usage error."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive

    def value(self, given: T | None, flag: str, prompt: str, convert: Callable[[str], T]) -> T:
        if given is not None:
            return given
        if not self.interactive:
            example = _EXAMPLES[flag]
            raise click.UsageError(
                f"missing {flag}: give it like {example}, or run `add` in a terminal to be asked"
            )
        return click.prompt(prompt, value_proc=convert)

    def optional(self, prompt: str) -> tuple[str, ...]:
        """Ask for an optional text in a terminal; nothing when not interactive or left empty."""
        if not self.interactive:
            return ()
        answer: str = click.prompt(f"{prompt} (optional)", default="", show_default=False)
        return (answer.strip(),) if answer.strip() else ()

    def people(self, given: tuple[Person, ...]) -> tuple[Person, ...]:
        first = self.value(given[0] if given else None, "--interviewer", _PERSON_PROMPT, _person)
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


_PERSON_PROMPT = 'Interviewer, as "Name <email>"'
_EXAMPLES = {
    "--company": '--company "Acme Corp"',
    "--role": '--role "Backend Engineer"',
    "--start": "--start 2026-11-20T14:00",
    "--interviewer": '--interviewer "Dana Smith <dana@acme.com>"',
}


def _maybe_person(text: str) -> Person | None:
    return _person(text) if text.strip() else None


# --- what was added -----------------------------------------------------------------------------


def _report_added(session: Session, added: Sequence[Interview], file: str) -> None:
    """Say what was added and when each thank-you is due."""
    tz = session.settings.account.timezone
    for interview in added:
        click.echo(f"added {interview.id} to {file}")
        click.echo(f"  {_summary(interview, tz)}")
    for line in _thank_yous(session, {interview.id for interview in added}):
        click.echo(line)
    if any(not i.highlights and not any(p.notes for p in i.interviewers) for i in added):
        click.echo(_TIP.format(file=file))


def _summary(interview: Interview, tz: ZoneInfo) -> str:
    people = ", ".join(f"{p.name} <{p.email}>" for p in interview.interviewers)
    start = views.local(interview.start, tz)
    end = interview.end.astimezone(tz).strftime("%H:%M")
    return f"{interview.company}, {interview.role}, {start}–{end}, {interview.format}: {people}"


def _thank_yous(session: Session, ids: set[str]) -> list[str]:
    """Describe when the plan makes each thank-you of these interviews."""
    settings = session.settings
    with session.store() as store:
        planned = current_plan(
            settings=settings, interviews=session.schedule(), store=store, now=now_utc()
        )
    lines = []
    for step in planned:
        if step.interview in ids and step.step == THANK_YOU:
            when = views.local(step.due, settings.account.timezone) or step.reason
            if step.action is not None:
                when = "now: the next `followup-mailer run` creates it"
            lines.append(f"  thank-you to {step.name} <{step.to}>: due {when}")
    return lines
