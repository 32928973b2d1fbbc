"""Send windows: when messages may go out, as days and hours in a recipient's timezone.

"always", or days and hours such as "Mon-Fri 09:00-17:00" or "Mon,Wed,Fri 08:30-12:00";
holidays of the calendar count as closed days. A window opening in a DST gap opens at the
first real instant after it, so later wall times always map to later instants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from followup_mailer.timing import (
    ONE_DAY,
    BadValue,
    Calendar,
    at_or_after,
    first_instant,
    is_ambiguous,
    settle,
)

_SEARCH_DAYS = 400
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW_FIX = (
    'write "always", or days and hours like "Mon-Fri 09:00-17:00" or "Mon,Wed,Fri 08:30-12:00"'
)


@dataclass(frozen=True, slots=True)
class SendWindow:
    """When messages may go out: some weekdays between two local times, or always."""

    text: str
    days: frozenset[int]  # 0=Mon..6=Sun; empty + always=True means always
    start: time
    end: time  # exclusive; start < end
    always: bool = False

    def contains(self, instant: datetime, calendar: Calendar) -> bool:
        """Tell whether `instant` is inside the window, holidays being closed."""
        if self.always:  # any time at all, holidays included
            return True
        local = instant.astimezone(calendar.tz)
        return (
            local.weekday() in self.days
            and not calendar.is_holiday(local.date())
            and self.start <= local.time() < self.end
        )

    def next_open(self, instant: datetime, calendar: Calendar) -> datetime:
        """Return the earliest instant at or after `instant` inside the window."""
        if self.contains(instant, calendar):
            return instant.astimezone(calendar.tz)
        moment = instant.astimezone(UTC)
        first_day = moment.astimezone(calendar.tz).date() - ONE_DAY  # a fold can revisit it
        for offset in range(_SEARCH_DAYS):
            day = first_day + offset * ONE_DAY
            later = [t for t in self._openings(day, calendar.tz) if t.astimezone(UTC) >= moment]
            inside = [t for t in later if self.contains(t, calendar)]
            if inside:
                # Compare as UTC: one zone's datetimes compare by wall time, blind to the fold.
                return min(inside, key=lambda t: t.astimezone(UTC))
        raise ValueError(f'the send window "{self.text}" never opens in the next year')

    def _openings(self, day: date, tz: ZoneInfo) -> list[datetime]:
        """List the instants of `day` where the window may open: its start time, and a DST jump."""
        opening = datetime.combine(day, self.start)
        found = [at_or_after(opening, tz)]
        if is_ambiguous(opening.replace(tzinfo=tz)):
            found.append(settle(opening.replace(tzinfo=tz, fold=1)))
        jump = _offset_change(day, tz)
        return [*found, jump] if jump else found


def _offset_change(day: date, tz: ZoneInfo) -> datetime | None:
    """Return the instant on `day` when the UTC offset changes, if it does."""
    start = at_or_after(datetime.combine(day, time(0)), tz)
    stop = at_or_after(datetime.combine(day + ONE_DAY, time(0)), tz)
    if start.utcoffset() == stop.utcoffset():
        return None
    changed = first_instant(
        start, stop, lambda u: u.astimezone(tz).utcoffset() != start.utcoffset()
    )
    return changed.astimezone(tz)


def parse_window(text: str) -> SendWindow:
    """Read "always" or "Mon-Fri 09:00-17:00"; raise BadValue saying what to write."""
    compact = re.sub(r"\s*([-,])\s*", r"\1", text.strip().lower())
    if compact == "always":
        return SendWindow(text, frozenset(), time(0), time(0), always=True)
    parts = compact.split()
    if len(parts) != 2 or parts[1].count("-") != 1:
        raise BadValue(f'"{text}" is not a send window', _WINDOW_FIX)
    days = _parse_days(parts[0])
    start, end = (_parse_clock(clock, text) for clock in parts[1].split("-"))
    if start >= end:
        raise BadValue(
            f'the send window "{text}" ends before it starts',
            "write the earlier time first, like 09:00-17:00 (windows cannot cross midnight)",
        )
    return SendWindow(text, days, start, end)


def _parse_days(text: str) -> frozenset[int]:
    """Read "mon-fri", "mon,wed,fri" or "fri-mon" (wrapping) into weekday numbers."""
    days: set[int] = set()
    for item in text.split(","):
        first, _, last = item.partition("-")
        begin, finish = _day_number(first), _day_number(last or first)
        days.update((begin + step) % 7 for step in range((finish - begin) % 7 + 1))
    return frozenset(days)


def _day_number(name: str) -> int:
    """Return 0 for "mon" ... 6 for "sun"."""
    if name not in _DAY_NAMES:
        raise BadValue(
            f'"{name}" is not a day', "use Mon, Tue, Wed, Thu, Fri, Sat, Sun, like Mon-Fri"
        )
    return _DAY_NAMES.index(name)


def _parse_clock(text: str, window: str) -> time:
    """Read "HH:MM" (24-hour clock)."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BadValue(
            f'"{text}" in "{window}" is not a time of day', "write 24-hour times like 09:00-17:30"
        )
    return time(int(match.group(1)), int(match.group(2)))
