"""Times as people and programs read them: one convention for every command.

- Tables: in the account's zone, which the column header names; the year only when it is not
  this year; the recipient's clock beside it when their zone (the interview's `timezone`) reads
  differently at that moment: "Thu 03 Dec 03:00 (09:00 Berlin)".
- JSON (status, plan, export): ISO 8601 in UTC with its offset, "2026-11-20T19:00:00+00:00".
- CSV (export): "2026-11-20 14:00:00" in the account's zone, which spreadsheets read as a date
  and time; the column header names the zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

_DAY = "%a %d %b"


def zone_name(zone: tzinfo) -> str:
    """Name a zone as the config does ("America/New_York"), else by its abbreviation."""
    return getattr(zone, "key", None) or zone.tzname(None) or "UTC"


def place(zone: tzinfo) -> str:
    """Name a zone by its place: "Europe/Berlin" -> "Berlin", "America/New_York" -> "New York"."""
    return zone_name(zone).rpartition("/")[2].replace("_", " ")


def when(
    moment: datetime | None, zone: tzinfo, *, now: datetime, there: tzinfo | None = None
) -> str:
    """Write a moment for a table: "Fri 20 Nov 14:00", with the year and their clock if needed."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    year = "" if local.year == now.astimezone(zone).year else " %Y"
    return local.strftime(f"{_DAY}{year} %H:%M") + their_clock(moment, zone, there)


def their_clock(moment: datetime, zone: tzinfo, there: tzinfo | None) -> str:
    """Return " (09:00 Berlin)" when the recipient's clock reads differently, else ""."""
    local = moment.astimezone(zone)
    if not isinstance(there, ZoneInfo) or local.utcoffset() == moment.astimezone(there).utcoffset():
        return ""
    theirs = moment.astimezone(there)
    clock = theirs.strftime("%H:%M" if theirs.date() == local.date() else "%a %H:%M")
    return f" ({clock} {place(there)})"


def iso_utc(moment: datetime | None) -> str | None:
    """Write a moment for JSON: ISO 8601 in UTC, with its offset; None when unknown."""
    return moment.astimezone(UTC).isoformat() if moment else None


def spreadsheet(moment: datetime | None, zone: tzinfo) -> str | None:
    """Write a moment for CSV: "2026-11-20 14:00:00" in `zone`; None when unknown."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if moment else None
