"""Find the date an auto-reply says its sender is back, or away until.

1. Every date written in the text is found with its place: ISO (2026-12-14,
   2026/12/14), numeric (14.12.2026 and 14.12. are day.month; 12/14, 14/12 and
   05/06/2026 are read both ways), a month name in one of twelve languages
   before or after the day ("December 14", "Dec. 14th", "14 December", "the
   14th of December", "14. Dezember", "14 de diciembre de 2026", "1er décembre"),
   with or without a year, a range inside one month ("July 10-31", "10-14
   December") as its two ends, 12月14日, and a weekday named after a cue
   ("back on Monday", "out of the office Friday").
2. Each date gets a role from the words before it: back ("back", "return",
   "zurück", "de retour", "de vuelta", ...), until ("until", "through", "bis",
   "jusqu'au", "hasta", ...), from ("from", "vom", "desde", ...), or none; a
   date that follows another across a range word ("-", "to", "through", "bis",
   "au", "al") is an until, and the one before it a from. A German "wieder" or
   "zurück" after a date makes it a back date ("ab 15.12. wieder im Büro").
3. Years: a written year is kept; a year-less date is the next such date on or
   after the auto-reply's date, except that one up to 31 days before it is
   stale text about the past (never the same day next year). A year-less end
   of a range whose start has a year comes on or after that start. A weekday is
   the next such day after the auto-reply's date. Numeric day/month ambiguity:
   of the readings that are valid dates on or after the auto-reply's date, the
   closest to it. Dates in the past, or more than a year ahead, say nothing.
4. The answer: the first back date; else the first until date; else the
   latest date with no role, unless it is only numbers without a year (a
   "9.12." or "1/2" without a cue may be a time, a fraction or a version). A
   from date alone says nothing about the return.
   Without the auto-reply's date, only dates with a written year count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from followup_mailer.mailbox.date_words import (
    BACK_AFTER,
    BACK_CUE,
    FROM_CUE,
    MONTH,
    MONTHS,
    RANGE_GAP,
    UNTIL_CUE,
    WEEKDAY,
    WEEKDAY_CUE,
    WEEKDAYS,
)

STALE_DAYS = 31  # a year-less date this close before the message is about the past
HORIZON_DAYS = 366  # a return further ahead than this is no out-of-office
CUE_REACH = 48  # how far before a date its cue may stand

_ORDINAL = r"(?:st|nd|rd|th|er|e|º|\.)?"
_YEAR = r"(?:,?\s+(?:de\s+|del\s+)?(?P<y>\d{4})(?!\d))?"
_FORMS = (
    re.compile(r"(?<![\d.])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?:(?P<y>\d{4})年\s*)?(?P<m>\d{1,2})月\s*(?P<d>\d{1,2})日"),
    re.compile(
        r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})(?:\.(?P<y>\d{4}|\d{2})|\.)?(?!\d|\.\d)"
    ),
    re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])"),
    re.compile(r"(?<![\d-])(?P<a>\d{1,2})-(?P<b>\d{1,2})-(?P<y>\d{4})(?![\d-])"),
    re.compile(
        rf"\b(?P<month>{MONTH})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
        rf"(?:\s*(?:-|–|—|to|through|thru|till|until)\s*(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?!\d))?"
        + _YEAR,
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\d.:/-])(?:the\s+)?(?P<d>\d{{1,2}}){_ORDINAL}(?:\s*(?:-|–|—|to|au|al|bis|tot|a"
        rf"|till|til|t/m)\s*(?P<d2>\d{{1,2}}){_ORDINAL})?\s*(?:of\s+|de\s+|di\s+|del\s+)?"
        rf"(?P<month>{MONTH})\b\.?" + _YEAR,
        re.IGNORECASE,
    ),
)
_WEEKDAY = re.compile(rf"\b(?P<weekday>{WEEKDAY})\b", re.IGNORECASE)
_DATE_AFTER_WEEKDAY = re.compile(r"^,?\s*(?:the|den|der|le|el|il|de)?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Mention:
    """A date as written: its place, its possible (month, day) readings, its year if given."""

    start: int
    end: int
    readings: tuple[tuple[int, int], ...] = ()
    year: int | None = None
    weekday: int | None = None
    role: str = ""  # "back", "until", "from" or ""
    bare: bool = False  # numbers only, no year (14.12., 12/14): a date only next to a cue


def return_date(text: str, *, sent: datetime | None) -> date | None:
    """Return the date an auto-reply says its sender is back or away until, else None."""
    mentions = _with_roles(text, _mentions(text))
    day = sent.date() if sent else None
    dates = _resolve(mentions, day)
    for role in ("back", "until"):
        chosen = [d for m, d in dates if m.role == role]
        if chosen:
            return chosen[0]
    return max((d for m, d in dates if not m.role and not m.bare), default=None)


def _mentions(text: str) -> list[Mention]:
    """Find every date written in text, in reading order, overlaps resolved."""
    found: list[Mention] = []
    for form in _FORMS:
        for match in form.finditer(text):
            found += _from_match(match)
    found.sort(key=lambda m: (m.start, -m.end))
    kept: list[Mention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end or _same_range(kept[-1], mention):
            kept.append(mention)
    return sorted(kept + _weekdays(text, kept), key=lambda m: m.start)


def _from_match(match: re.Match[str]) -> list[Mention]:
    """Turn a date form's match into one mention (two for a range within a month)."""
    groups = match.groupdict()
    year = _year(groups.get("y"))
    bare = year is None and not groups.get("month") and "月" not in match.group(0)
    if groups.get("a"):  # numeric, either order
        a, b = int(groups["a"]), int(groups["b"])
        readings = ((a, b), (b, a)) if a != b else ((a, b),)
        return [Mention(match.start(), match.end(), readings, year, bare=bare)]
    month = _month_number(groups)
    day = int(groups["d"])
    if not groups.get("d2"):
        return [Mention(match.start(), match.end(), ((month, day),), year, bare=bare)]
    # "July 10-31": a from date and an until date in one match
    first = Mention(match.start(), match.start("d2") - 1, ((month, day),), year, role="from")
    last = Mention(
        match.start("d2"), match.end(), ((month, int(groups["d2"])),), year, role="until"
    )
    return [first, last]


def _month_number(groups: dict[str, str | None]) -> int:
    name = groups.get("month")
    return MONTHS[name.lower().rstrip(".")] if name else int(groups["m"] or 0)


def _same_range(previous: Mention, mention: Mention) -> bool:
    """Tell whether two mentions are the two ends of one range match."""
    return previous.role == "from" and mention.role == "until" and mention.start < previous.end + 4


def _weekdays(text: str, dates: list[Mention]) -> list[Mention]:
    """Find the weekdays named right after a cue ("back on Monday"), not those of a date."""
    found = []
    for match in _WEEKDAY.finditer(text):
        following = [m.start for m in dates if m.start >= match.end()]
        if following and _DATE_AFTER_WEEKDAY.match(text[match.end() : min(following)]):
            continue  # "Monday, December 14": the date says it
        if any(m.start <= match.start() < m.end for m in dates):
            continue
        if not WEEKDAY_CUE.search(text[max(0, match.start() - CUE_REACH) : match.start()]):
            continue
        weekday = WEEKDAYS[match.group("weekday").lower()]
        found.append(Mention(match.start(), match.end(), weekday=weekday))
    return found


def _with_roles(text: str, mentions: list[Mention]) -> list[Mention]:
    """Give each mention its role from the words before (and a back cue after) it."""
    out: list[Mention] = []
    for index, mention in enumerate(mentions):
        previous_end = out[-1].end if out else 0
        if mention.role:  # the ends of a range within a month
            out.append(mention)
            continue
        gap = text[previous_end : mention.start]
        if out and RANGE_GAP.match(gap):
            if out[-1].role != "back":
                out[-1] = replace(out[-1], role="from")
            out.append(replace(mention, role="until"))
            continue
        window = text[max(previous_end, mention.start - CUE_REACH) : mention.start]
        following = mentions[index + 1].start if index + 1 < len(mentions) else len(text)
        after = text[mention.end : min(following, mention.end + CUE_REACH)]
        out.append(replace(mention, role=_role(window, after)))
    return out


def _role(window: str, after: str) -> str:
    """Return the role the last cue before a date gives it ("" when none)."""
    cues = [
        (match.end(), role)
        for role, cue in (("back", BACK_CUE), ("until", UNTIL_CUE), ("from", FROM_CUE))
        for match in cue.finditer(window)
    ]
    role = max(cues)[1] if cues else ""
    if role in ("", "from") and BACK_AFTER.match(after):
        return "back"
    return role


def _resolve(mentions: list[Mention], day: date | None) -> list[tuple[Mention, date]]:
    """Return the mentions that name a usable date (see the module docstring), in order."""
    resolved: list[tuple[Mention, date]] = []
    range_start: date | None = None
    for mention in mentions:
        floor = day
        if mention.role == "until" and mention.year is None and range_start:
            floor = max(range_start, day) if day else range_start
        found = _date_of(mention, floor, day)
        if mention.role == "from":
            range_start = found
            continue
        range_start = None
        if found and (day is None or day <= found <= day + timedelta(days=HORIZON_DAYS)):
            resolved.append((mention, found))
    return resolved


def _date_of(mention: Mention, floor: date | None, day: date | None) -> date | None:
    """Return the date a mention names, the reading closest after `floor` when several fit."""
    if mention.weekday is not None:
        if day is None:
            return None
        return day + timedelta(days=(mention.weekday - day.weekday() - 1) % 7 + 1)
    candidates = [d for month, d_ in mention.readings if (d := _one(month, d_, mention, floor))]
    if not candidates:
        return None
    if floor is None:
        return candidates[0] if len(candidates) == 1 else None
    later = [d for d in candidates if d >= floor]
    return min(later or candidates, key=lambda d: abs((d - floor).days))


def _one(month: int, day_of_month: int, mention: Mention, floor: date | None) -> date | None:
    """Return one reading as a date: its year, else the next one from floor (not stale)."""
    try:
        if mention.year is not None:
            return date(mention.year, month, day_of_month)
        if floor is None:
            return None
        candidate = date(floor.year, month, day_of_month)
        if candidate >= floor or mention.role == "from":
            return candidate
        if candidate >= floor - timedelta(days=STALE_DAYS):
            return None  # a date just past: stale text, not next year
        return date(floor.year + 1, month, day_of_month)
    except ValueError:
        return None  # 31 November, month 14 and the like


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year
