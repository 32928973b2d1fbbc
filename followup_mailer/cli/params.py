"""Typed option values: the date and time forms every command (and the schedule file) accepts.

`DATETIME` takes what `add --start`, `plan --at` and the schedule file take (intake/moments.py):
2026-11-20T14:00, 2026-11-20 14:00:00, 2026-11-20T14:00-05:00. It gives a naive datetime when
no offset is written; `in_zone` then reads it in a timezone by the schedule's DST rule. `DATE`
takes a date (2026-11-27), for options such as `hold --until`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from followup_mailer.intake import moments
from followup_mailer.timing import BadValue

if TYPE_CHECKING:  # click 8.4 made ParamType generic; older versions cannot subscript it
    _DateTimeType = click.ParamType[datetime]
    _DateType = click.ParamType[date]
else:
    _DateTimeType = _DateType = click.ParamType


class DateTimeParam(_DateTimeType):
    """A date and a time, seconds and offset optional; a date alone is refused."""

    name = "datetime"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return moments.parse_datetime(str(value))
        except BadValue as error:
            self.fail(f"{error.problem}; {error.fix}", param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "DATETIME"


class DateParam(_DateType):
    """A calendar date, YYYY-MM-DD."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            return moments.parse_date(str(value))
        except BadValue as error:
            self.fail(f"{error.problem}; {error.fix}", param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "DATE"


class DayOrDateTimeParam(_DateType):
    """A date (YYYY-MM-DD), or a date and a time: a `datetime` when a time is written."""

    name = "date or datetime"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return moments.parse_day_or_datetime(str(value))
        except BadValue as error:
            self.fail(f"{error.problem}; {error.fix}", param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "DATE"


DATETIME = DateTimeParam()
DATE = DateParam()
DAY_OR_DATETIME = DayOrDateTimeParam()


def in_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    """Read a datetime written without an offset in `zone`; one with an offset stays as it is."""
    from followup_mailer import timing

    return timing.localize(moment, zone) if moment.tzinfo is None else moment


def end_value(flag: str, text: str, start: datetime, zone: ZoneInfo) -> datetime:
    """Read an end: a date and time, or a bare time (15:30) on the start's day."""
    from followup_mailer import timing

    try:
        clock = time.fromisoformat(text.strip())
    except ValueError:
        try:
            return in_zone(DATETIME.convert(text, None, None), zone)
        except click.BadParameter as error:
            raise click.UsageError(f"{flag} {error.message}") from None
    if clock.tzinfo is not None:
        raise click.UsageError(f"{flag} {text}: write a bare time like 15:30, or a date and time")
    naive = datetime.combine(start.date(), clock)
    own = start.tzinfo if isinstance(start.tzinfo, ZoneInfo) else None
    return timing.localize(naive, own) if own else naive.replace(tzinfo=start.tzinfo)


def day_or_moment(value: date | None, zone: ZoneInfo, hour: time) -> datetime | None:
    """Read a date as `hour` that day in `zone` (as the schedule reads one), a datetime as is."""
    from followup_mailer import timing

    if value is None or isinstance(value, datetime):
        return in_zone(value, zone) if value else None
    return timing.localize(datetime.combine(value, hour), zone)
