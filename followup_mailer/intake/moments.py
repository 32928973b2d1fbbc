"""The date-time forms people write, read one way for the command line and the schedule file.

A date and a time: "T" or a space between them, seconds optional, and an optional UTC offset
("Z", "+01:00", "-0500"): `2026-11-20T14:00`, `2026-11-20 14:00:00`, `2026-11-20T14:00-05:00`.
Without an offset the result is naive: the caller reads it in the account's timezone (or the
interview's), with timing.localize. A date alone is a date, never a date and time: an interview
has no default hour.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TypeVar

from followup_mailer.timing import BadValue

D = TypeVar("D", date, datetime)

DATETIME_EXAMPLE = "2026-11-20T14:00"
DATE_EXAMPLE = "2026-11-27"
DATETIME_FIX = (
    f"write a date and a time like {DATETIME_EXAMPLE} or 2026-11-20 14:00:00 (your timezone), "
    "or with an offset like 2026-11-20T14:00-05:00"
)
DATE_FIX = f"write a date like {DATE_EXAMPLE}"
# Interviews happen in these years; outside them a date is a typo, and the planner's arithmetic
# (a deadline ten years on, a day before) would leave the calendar Python can count in.
FIRST_YEAR, LAST_YEAR = 1800, 2999
_DAY = r"(?P<day>\d{4}-\d{2}-\d{2})"
_CLOCK = r"(?P<clock>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?)"
_OFFSET = r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)"
_DATETIME = re.compile(rf"{_DAY}[Tt ]\s*{_CLOCK}\s*{_OFFSET}?", re.IGNORECASE)
_DATE = re.compile(_DAY)


def parse_datetime(text: str) -> datetime:
    """Read a date and a time; naive unless an offset is written. Raise BadValue otherwise."""
    found = _DATETIME.fullmatch(text.strip())
    if found is None:
        what = "a date without a time" if _DATE.fullmatch(text.strip()) else "not a date and time"
        raise BadValue(f'"{text}" is {what}', DATETIME_FIX)
    clock = _two_digit_hour(found["clock"].replace(",", "."))
    try:
        moment = datetime.fromisoformat(f"{found['day']}T{clock}{_offset(found)}")
    except ValueError as error:
        raise BadValue(f'"{text}" is not a real date and time ({error})', DATETIME_FIX) from None
    return plausible(moment)


def parse_date(text: str) -> date:
    """Read a date (YYYY-MM-DD). Raise BadValue otherwise."""
    if _DATE.fullmatch(text.strip()) is None:
        raise BadValue(f'"{text}" is not a date', DATE_FIX)
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as error:
        raise BadValue(f'"{text}" is not a real date ({error})', DATE_FIX) from None
    return plausible(day)


def plausible(moment: D) -> D:
    """Return a date or datetime of the years interviews happen in; raise BadValue else."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        fix = f"write a date between {FIRST_YEAR} and {LAST_YEAR}, like {DATE_EXAMPLE}"
        raise BadValue(f"{moment.isoformat()} is not a date an interview can have", fix)
    return moment


def parse_day_or_datetime(text: str) -> date:
    """Read a date, or a date and a time (a datetime, which is also a date)."""
    if _DATE.fullmatch(text.strip()):
        return parse_date(text)
    try:
        return parse_datetime(text)
    except BadValue:
        raise BadValue(f'"{text}" is not a date', f"{DATE_FIX}, or a date and time") from None


def _two_digit_hour(clock: str) -> str:
    return clock if clock.index(":") == 2 else "0" + clock


def _offset(found: re.Match[str]) -> str:
    """Return the written offset as Python reads it: "+HH:MM", or "" when none is written."""
    offset = (found["offset"] or "").upper()
    if offset in ("", "Z"):
        return "+00:00" if offset else ""
    digits = offset[1:].replace(":", "")
    return f"{offset[0]}{digits[:2]}:{digits[2:] or '00'}"
