"""interviews.toml -> Interviews, validated in one pass that reports every problem at once.

Only the structure is checked here: types, required and unknown keys, ids, enums, times. Email
addresses are kept as written (surrounding spaces removed) and checked for header safety later,
per interview, so that one bad address fails only its own interview.

Times: a datetime with an offset is used as is; one without an offset is in account.timezone
(`default_tz`, read with timing.localize); `expect_response_by` may also be a bare date, meaning
09:00 that day in the interview's timezone (else `default_tz`).

Problem keys name the interview by its id, `interview[acme-onsite].start`, or by its position
when it has no usable id, `interview[#3].start` (#1 is the first [[interview]]); people are
numbered from 1 in file order: `interview[acme-onsite].interviewer[2].email`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from followup_mailer import timing
from followup_mailer.errors import ConfigError
from followup_mailer.intake import moments, schedule_cache
from followup_mailer.intake.schedule_fields import (
    CONTACT as CONTACT,
)
from followup_mailer.intake.schedule_fields import (
    INTERVIEW as INTERVIEW,
)
from followup_mailer.intake.schedule_fields import (
    INTERVIEWER as INTERVIEWER,
)
from followup_mailer.intake.schedule_fields import (
    PEOPLE_FIX as PEOPLE_FIX,
)
from followup_mailer.intake.schedule_fields import (
    TOP as TOP,
)
from followup_mailer.intake.validate import (
    KeyPath,
    Place,
    Reporter,
    Values,
    enum_value,
    parse_toml,
    read_table,
    read_text,
    required_text,
)
from followup_mailer.model import Format, Interview, Outcome, Person
from followup_mailer.timing import BadValue

DEFAULT_LENGTH = timedelta(hours=1)
_PLACEHOLDER = datetime(1970, 1, 1, tzinfo=UTC)
RESPONSE_HOUR = time(9, 0)
_LENGTH_FIX = 'write how long it lasts, like "90m" or "1h30m"'
_ID = re.compile(r"[a-z0-9._-]+")
# TOML 1.0 needs the seconds; TOML 1.1 and the command line do not: `start = 2026-11-20T14:00`
_NO_SECONDS = re.compile(
    r"(?m)^(\s*[A-Za-z_]+\s*=\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2})(?=\s*(?:[Zz+-]|#|$))"
)


def load_schedule(
    path: Path, *, default_tz: ZoneInfo, cache: Path | None = None
) -> tuple[Interview, ...]:
    """Read and validate the schedule file; raise ConfigError listing every problem found.

    With a cache file, an unchanged schedule is not parsed again (schedule_cache.py).
    """
    fix = "run `followup-mailer init` to write an example, or set [schedule] path in config.toml"
    text = read_text(path, missing_fix=fix)
    key = schedule_cache.digest(text, default_tz.key) if cache else ""
    if cache and (found := schedule_cache.load(cache, key)) is not None:
        return found
    interviews = parse_schedule(text, file=str(path), default_tz=default_tz)
    if cache:
        schedule_cache.save(cache, key, interviews)
    return interviews


def parse_schedule(text: str, *, file: str, default_tz: ZoneInfo) -> tuple[Interview, ...]:
    """Validate schedule TOML text; raise ConfigError listing every problem found."""
    reporter = Reporter(file, text)
    top = read_table(reporter, _toml(text, file), where=(), prefix="", fields=TOP)
    reader = _Reader(reporter, default_tz)
    interviews = tuple(reader.interviews(top.get("interview", list, [])))
    reporter.raise_any()
    return interviews


def _toml(text: str, file: str) -> dict[str, Any]:
    """Parse TOML, also reading date-times written without seconds (as TOML 1.1 does)."""
    try:
        return parse_toml(text, file=file)
    except ConfigError:
        with_seconds = _NO_SECONDS.sub(r"\1:00", text)
        if with_seconds == text:
            raise
        try:
            return tomllib.loads(with_seconds)
        except (tomllib.TOMLDecodeError, RecursionError):
            pass
        raise


class _Reader:
    """Turn [[interview]] tables into Interviews, recording every problem on the way."""

    def __init__(self, reporter: Reporter, default_tz: ZoneInfo) -> None:
        self.report = reporter
        self.default_tz = default_tz
        self.ids: dict[str, int] = {}  # id -> position (from 1) of the interview that has it

    def interviews(self, tables: list[dict[str, object]]) -> Iterator[Interview]:
        """Yield each interview that has no problem."""
        for index, table in enumerate(tables):
            before = len(self.report.problems)
            interview = self._interview(index, table)
            if len(self.report.problems) == before:
                yield interview

    def _interview(self, index: int, table: dict[str, object]) -> Interview:
        where: KeyPath = ("interview", index)
        raw_id = table.get("id")
        usable_id = isinstance(raw_id, str) and _ID.fullmatch(raw_id)
        label = f"interview[{raw_id}]" if usable_id else f"interview[#{index + 1}]"
        values = read_table(self.report, table, where=where, prefix=label, fields=INTERVIEW)
        at = Place(self.report, where, label)
        self._check_id(values, index, at)
        zone = self._zone(values, at)
        start = self._moment(values, "start", at)
        end = self._end(values, start, at)
        interviewers = self._people(values, "interviewer", at)
        if not interviewers and values.has("interviewer"):
            at.bad("interviewer", "no interviewer", PEOPLE_FIX.format("interviewer"))
        # With a problem reported, the placeholders below are never seen: interviews() drops it.
        start = start or _PLACEHOLDER
        return Interview(
            id=values.get("id", str, ""),
            company=required_text(values, "company", at),
            role=required_text(values, "role", at),
            start=start,
            end=end or start,
            timezone=zone,
            format=enum_value(values, "format", Format, at),
            highlights=tuple(values.get("highlights", list, [])),
            addendum=values.get("addendum", str, ""),
            expect_response_by=self._response_by(values, zone, start, at),
            thread=values.get("thread", str, ""),
            outcome=enum_value(values, "outcome", Outcome, at),
            uid=values.get("uid", str, ""),
            interviewers=interviewers,
            contacts=self._people(values, "contact", at),
        )

    def _check_id(self, values: Values, index: int, at: Place) -> None:
        if not values.has("id"):
            return
        value = values.get("id", str, "")
        if not _ID.fullmatch(value):
            fix = 'use lower-case letters, digits, ".", "_" and "-", like "acme-backend-onsite"'
            at.bad("id", f'"{value}" is not a valid id', fix)
        elif value in self.ids:
            fix = "give each interview its own id"
            at.bad("id", f'"{value}" is already the id of interview #{self.ids[value]}', fix)
        else:
            self.ids[value] = index + 1

    def _zone(self, values: Values, at: Place) -> ZoneInfo | None:
        if values.get("timezone", str, None) is None:
            return None
        try:
            return timing.parse_timezone(values.get("timezone", str, ""))
        except BadValue as error:
            at.bad("timezone", error.problem, error.fix)
            return None

    def _moment(self, values: Values, key: str, at: Place) -> datetime | None:
        """Return a datetime value, reading one without an offset in the account's zone."""
        value = _written(values, key, moments.parse_datetime, at)
        if not isinstance(value, datetime):
            return None
        return value if value.tzinfo else timing.localize(value, self.default_tz)

    def _end(self, values: Values, start: datetime | None, at: Place) -> datetime | None:
        """Return the end: `end`, else start + `duration`, else start + 1h."""
        end = self._moment(values, "end", at)
        written = values.get("duration", str, None)
        if end is not None and written is not None:
            at.bad("duration", "both end and duration are set", "keep only one of them")
        length = _length(written, at) if written is not None else DEFAULT_LENGTH
        if start is None:
            return None
        if end is None:
            end = (_utc(start) + length).astimezone(start.tzinfo)
        if _utc(end) <= _utc(start):
            at.bad("end", "the interview ends before it starts", "write an end after the start")
        return end

    def _response_by(
        self, values: Values, zone: ZoneInfo | None, start: datetime, at: Place
    ) -> datetime | None:
        """Return expect_response_by; a bare date means 09:00 that day in the interview's zone."""
        value = _written(values, "expect_response_by", moments.parse_day_or_datetime, at)
        if value is None:
            return None
        if isinstance(value, datetime):
            moment = self._moment(values, "expect_response_by", at)
        else:
            moment = timing.localize(
                datetime.combine(value, RESPONSE_HOUR), zone or self.default_tz
            )
        if moment is not None and _utc(moment) <= _utc(start):
            fix = "write the date they said they would answer by, after the interview"
            at.bad("expect_response_by", "is before the interview starts", fix)
        return moment

    def _people(self, values: Values, role: str, at: Place) -> tuple[Person, ...]:
        """Read the interviewers or contacts of an interview."""
        fields = INTERVIEWER if role == "interviewer" else CONTACT
        people = []
        for index, table in enumerate(values.get(role, list, [])):
            person_at = at.inner((role, index), f"{role}[{index + 1}]")
            person = read_table(
                self.report, table, where=person_at.where, prefix=person_at.label, fields=fields
            )
            people.append(_person(person, person_at))
        leads = [index for index, person in enumerate(people) if person.lead]
        for extra in leads[1:]:
            fix = "set lead = true on one interviewer only"
            at.inner((role, extra), f"{role}[{extra + 1}]").bad("lead", "a second lead", fix)
        return tuple(people)


def _person(values: Values, at: Place) -> Person:
    return Person(
        name=required_text(values, "name", at),
        email=required_text(values, "email", at).strip(" \t"),
        title=values.get("title", str, ""),
        notes=values.get("notes", str, ""),
        lead=values.get("lead", bool, False),
        addendum=values.get("addendum", str, ""),
        greeting=values.get("greeting", str, ""),
        linkedin_connected=values.get("linkedin_connected", bool, False),
    )


def _written(values: Values, key: str, read: Callable[[str], date], at: Place) -> date | None:
    """Return a date or datetime value, reading text in the forms the command line takes."""
    value = values.data.get(key)
    try:
        if not isinstance(value, str):
            return moments.plausible(value) if isinstance(value, date) else None
        return read(value)
    except BadValue as error:
        at.bad(key, error.problem, error.fix)
        return None


def _utc(moment: datetime) -> datetime:
    """Return the instant in UTC: aware datetimes of one zone compare by wall time, not instant."""
    return moment.astimezone(UTC)


def _length(text: str, at: Place) -> timedelta:
    """Read an interview's `duration`: fixed time only."""
    try:
        duration = timing.parse_duration(text)
    except BadValue as error:
        at.bad("duration", error.problem, _LENGTH_FIX)
        return DEFAULT_LENGTH
    if duration.business_days or not duration.fixed:
        at.bad("duration", f'"{text}" is not a length of time', _LENGTH_FIX)
        return DEFAULT_LENGTH
    return duration.fixed
