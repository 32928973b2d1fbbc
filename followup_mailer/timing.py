"""Durations, send windows and business days, in a recipient's timezone.

Pure arithmetic on timezone-aware datetimes; nothing here reads the clock.

Fixed durations (`24h`, `1d12h`) are exact elapsed time: 24h across a DST change is 24 real
hours. Business days (`5bd`) follow the wall clock instead: the result keeps the local time of
day, N open days later, and time spent on closed days does not count, so an instant on a
weekend or holiday counts from the start (00:00) of the next business day.

Two DST rules, one for what people write and one for what we compute:
- `localize` reads a local time written without an offset: a time in a spring-forward gap
  moves forward by the length of the gap, an ambiguous fall-back time is its first occurrence.
- A computed local time (a window opening, a business-day result) that falls in a gap becomes
  the first valid instant after the gap. Unlike `localize`, this keeps later wall times mapping
  to later instants, so the results stay ordered.
"""

from __future__ import annotations

import difflib
import functools
import re
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from holidays import HolidayBase


ONE_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)
_MAX_FIXED = timedelta(days=3660)
_MAX_BUSINESS_DAYS = 2610
_FIXED_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_FIX = 'write a number and a unit, like "24h", "1d12h" or "5bd"'


class BadValue(ValueError):
    """A value written by the user that cannot be used, and what to write instead."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}: {fix}")
        self.problem = problem
        self.fix = fix


# --- calendars -------------------------------------------------------------------------------


@functools.cache
def _holidays_for(code: str) -> HolidayBase:
    """Load the public holidays of "CC" or "CC-SUBDIVISION" (built once per code)."""
    import holidays  # imported when a calendar first needs it: it is slow to load

    country, _, subdivision = code.upper().partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None)


def check_holidays(code: str) -> None:
    """Raise BadValue unless `code` is "" or a supported country (or country-subdivision)."""
    if not code:
        return
    try:
        _holidays_for(code)
    except NotImplementedError:
        import holidays

        countries = sorted(holidays.list_supported_countries())
        close = difflib.get_close_matches(code.upper().partition("-")[0], countries, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise BadValue(
            f'"{code}" is not a supported holiday calendar{hint}',
            'write a country code like "US" or "DE", a subdivision like "US-CA", or ""',
        ) from None


@dataclass(frozen=True, slots=True)
class Calendar:
    """Open days in one timezone: Mon-Fri, minus the public holidays of `holidays` ("" = none)."""

    tz: ZoneInfo
    holidays: str = ""

    def is_holiday(self, day: date) -> bool:
        """Tell whether `day` is a public holiday of this calendar's country."""
        return bool(self.holidays) and day in _holidays_for(self.holidays)

    def is_business_day(self, day: date) -> bool:
        """Tell whether `day` is a weekday that is not a holiday."""
        return day.weekday() < 5 and not self.is_holiday(day)

    def start_of_next_business_day(self, day: date) -> datetime:
        """Return the start (00:00 local) of the first business day after `day`."""
        following = next(_business_days(day, self))
        return at_or_after(datetime.combine(following, time(0)), self.tz)


def parse_timezone(name: str) -> ZoneInfo:
    """Return the IANA zone `name`, or raise BadValue suggesting close names."""
    try:
        return ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        close = difflib.get_close_matches(name, sorted(zoneinfo.available_timezones()), n=3)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise BadValue(
            f'"{name}" is not a known timezone',
            f'{hint}write an IANA name like "America/New_York" or "Europe/Berlin"',
        ) from None


# --- local times and DST ---------------------------------------------------------------------


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """Attach `tz` to a local time written without an offset, by the deliberate DST rule.

    A time in a spring-forward gap is moved forward by the length of the gap (02:30 on the US
    spring-forward day in America/New_York becomes 03:30 EDT); an ambiguous fall-back time takes
    its first occurrence (fold=0, the earlier instant). The result is always a real instant.
    """
    if naive.tzinfo is not None:
        raise ValueError(f"localize() needs a naive datetime, got {naive.isoformat()}")
    # PEP 495: fold=0 reads a gap time with the offset from before the jump, i.e. gap-length later.
    return settle(naive.replace(tzinfo=tz, fold=0))


def settle(instant: datetime) -> datetime:
    """Return the same instant as a real local time in its own zone (gap and fold resolved)."""
    return instant.astimezone(UTC).astimezone(instant.tzinfo)


def first_instant(
    after: datetime, until: datetime, reached: Callable[[datetime], bool]
) -> datetime:
    """Return the earliest instant in (after, until] where `reached` holds (false, then true)."""
    low, high = after.astimezone(UTC), until.astimezone(UTC)
    while high - low > _TICK:
        middle = low + (high - low) // 2
        low, high = (low, middle) if reached(middle) else (middle, high)
    return high


def at_or_after(naive: datetime, tz: ZoneInfo) -> datetime:
    """Return the first instant whose local time in `tz` is `naive` or later (gap -> its end)."""
    first = naive.replace(tzinfo=tz, fold=0)
    if settle(first).replace(tzinfo=None) == naive:
        return settle(first)
    ends = sorted(x.astimezone(UTC) for x in (first, first.replace(fold=1)))
    end = first_instant(ends[0], ends[1], lambda u: u.astimezone(tz).replace(tzinfo=None) >= naive)
    return end.astimezone(tz)


def is_ambiguous(local: datetime) -> bool:
    """Tell whether this local wall time occurs twice (a fall-back fold, not a gap)."""
    other = local.replace(fold=1 - local.fold)
    exists = settle(local).replace(tzinfo=None) == local.replace(tzinfo=None)
    return exists and other.utcoffset() != local.utcoffset()


def _wall_position(local: datetime) -> datetime:
    """Place an instant on the wall clock so that later instants never get earlier wall times.

    The second pass through a fall-back fold repeats wall times already used by the first pass;
    it counts as the end of the fold instead.
    """
    if local.fold == 0 or not is_ambiguous(local):
        return local
    tz = local.tzinfo
    span = _offset(local.replace(fold=0)) - _offset(local)
    moment = local.astimezone(UTC)
    end = first_instant(moment, moment + span, lambda u: not is_ambiguous(u.astimezone(tz)))
    return end.astimezone(tz)


def _offset(local: datetime) -> timedelta:
    """Return the UTC offset of an aware datetime."""
    offset = local.utcoffset()
    if offset is None:
        raise ValueError(f"{local.isoformat()} has no timezone")
    return offset


# --- durations -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duration:
    """A delay: exact elapsed time, or a number of business days."""

    text: str  # as written, for messages
    fixed: timedelta  # zero for business-day durations
    business_days: int = 0

    def after(self, instant: datetime, calendar: Calendar) -> datetime:
        """Return the instant this long after `instant`, in the calendar's timezone."""
        if not self.business_days:
            return (instant.astimezone(UTC) + self.fixed).astimezone(calendar.tz)
        return _business_days_after(instant, self.business_days, calendar)

    def __str__(self) -> str:
        return self.text


def _business_days_after(instant: datetime, count: int, calendar: Calendar) -> datetime:
    """Move `count` business days forward, keeping the wall-clock time of day."""
    local = _wall_position(instant.astimezone(calendar.tz))
    day, wall = local.date(), local.time()
    if not calendar.is_business_day(day):
        day, wall = next(_business_days(day, calendar)), time(0)
    for target in _business_days(day, calendar):
        count -= 1
        if count > 0:
            continue
        landed = at_or_after(datetime.combine(target, wall), calendar.tz)
        # A day skipped by its zone (a dateline move) cannot hold the result: take the next one.
        if landed.date() == target:
            return landed
    raise AssertionError("unreachable: business days never run out")  # pragma: no cover


def _business_days(after: date, calendar: Calendar) -> Iterator[date]:
    """Yield the business days after `after`, in order."""
    day = after
    while True:
        day += ONE_DAY
        if calendar.is_business_day(day):
            yield day


def parse_duration(text: str) -> Duration:
    """Read "90m", "1d12h", "2s" or "5bd"; raise BadValue saying what to write instead."""
    written = text.strip()
    if not written:
        raise BadValue("the duration is empty", _DURATION_FIX)
    if written.startswith("-"):
        raise BadValue(f'"{text}" is negative', _DURATION_FIX)
    business = re.fullmatch(r"(\d+)bd", written)
    if business:
        return _business_duration(text, int(business.group(1).lstrip("0")[:15] or "0"))
    if "bd" in written:
        raise BadValue(f'"{text}" mixes business days with other units', 'write "5bd" alone')
    if not re.fullmatch(r"(?:\d+[smhdw])+", written):
        raise BadValue(f'"{text}" is not a duration', _DURATION_FIX)
    return _fixed_duration(text, re.findall(r"(\d+)([smhdw])", written))


def _business_duration(text: str, days: int) -> Duration:
    """Build a business-day duration, refusing absurd lengths."""
    if days > _MAX_BUSINESS_DAYS:
        raise BadValue(f'"{text}" is longer than ten years', "write a shorter duration")
    return Duration(text, timedelta(0), days)


def _fixed_duration(text: str, parts: list[tuple[str, str]]) -> Duration:
    """Add up number-unit parts, each unit at most once."""
    units = [unit for _, unit in parts]
    if len(set(units)) != len(units):
        raise BadValue(f'"{text}" repeats a unit', 'write each unit once, like "1d12h"')
    # at most 15 digits: more is more than ten years anyway, and int() refuses 5,000 digits
    seconds = sum(int(n.lstrip("0")[:15] or "0") * _FIXED_UNITS[unit] for n, unit in parts)
    if seconds > _MAX_FIXED.total_seconds():
        raise BadValue(f'"{text}" is longer than ten years', "write a shorter duration")
    return Duration(text, timedelta(seconds=seconds))
