from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_mailer.timing import (
    BadValue,
    Calendar,
    check_holidays,
    localize,
    parse_duration,
    parse_timezone,
)
from followup_mailer.windows import SendWindow, parse_window
from tests.conftest import examples

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
CAIRO = ZoneInfo("Africa/Cairo")  # its DST changes fall on weekdays
WORKDAYS = parse_window("Mon-Fri 09:00-17:00")


def at(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone, fold=fold)


def utc(moment: datetime) -> datetime:
    """Compare instants, not wall times (one zone's datetimes compare by wall time)."""
    return moment.astimezone(UTC)


# --- durations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2s", 2),
        ("90m", 90 * 60),
        ("24h", 24 * 3600),
        ("1d12h", 36 * 3600),
        ("12h1d", 36 * 3600),
        ("1w2d3h4m5s", 7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5),
        (" 0s ", 0),
    ],
)
def test_fixed_durations_add_up_their_parts(text: str, seconds: int) -> None:
    duration = parse_duration(text)
    assert duration.fixed == timedelta(seconds=seconds)
    assert duration.business_days == 0
    assert duration.text == text


def test_business_days_are_counted_not_timed() -> None:
    duration = parse_duration("5bd")
    assert (duration.business_days, duration.fixed) == (5, timedelta(0))


@pytest.mark.parametrize(
    "text", ["", "  ", "-5h", "5", "h", "5x", "1.5h", "3 days", "1d1d", "1bd2h", "2h1bd", "5BD"]
)
def test_bad_durations_say_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match="write") as raised:
        parse_duration(text)
    assert isinstance(raised.value, BadValue) and raised.value.fix


def test_absurdly_long_durations_are_refused() -> None:
    with pytest.raises(BadValue, match="ten years"):
        parse_duration("99999999999w")


def test_fixed_duration_is_real_elapsed_time_across_dst() -> None:
    before_spring_forward = at(NEW_YORK, 2026, 3, 7, 12, 0)
    due = parse_duration("24h").after(before_spring_forward, Calendar(NEW_YORK))
    assert utc(due) - utc(before_spring_forward) == timedelta(hours=24)
    assert due.hour == 13  # the wall clock moved an hour forward that night


def test_zero_business_days_is_the_instant_itself() -> None:
    moment = at(NEW_YORK, 2026, 7, 4, 15, 0)  # a Saturday
    assert utc(parse_duration("0bd").after(moment, Calendar(NEW_YORK))) == utc(moment)


def test_business_days_skip_weekends_and_holidays_keeping_the_time() -> None:
    wednesday = at(NEW_YORK, 2026, 7, 1, 10, 0)
    plain = parse_duration("5bd").after(wednesday, Calendar(NEW_YORK))
    with_holidays = parse_duration("5bd").after(wednesday, Calendar(NEW_YORK, "US"))
    assert plain == at(NEW_YORK, 2026, 7, 8, 10, 0)  # Thu, Fri, Mon, Tue, Wed
    # Friday 3 July is Independence Day (observed).
    assert with_holidays == at(NEW_YORK, 2026, 7, 9, 10, 0)


def test_business_days_keep_wall_clock_time_across_dst() -> None:
    friday = at(NEW_YORK, 2026, 3, 6, 10, 0)  # EST; Monday is EDT
    monday = parse_duration("1bd").after(friday, Calendar(NEW_YORK))
    assert (monday.date(), monday.time()) == (date(2026, 3, 9), time(10, 0))
    assert monday.utcoffset() == timedelta(hours=-4)


def test_business_days_counted_in_the_calendars_timezone() -> None:
    # Friday 23:00 in New York is already Saturday in Berlin: a weekend there.
    moment = at(NEW_YORK, 2026, 6, 5, 23, 0)
    in_berlin = parse_duration("1bd").after(moment, Calendar(BERLIN))
    assert in_berlin == at(BERLIN, 2026, 6, 9, 0, 0)


def test_time_on_closed_days_does_not_count() -> None:
    saturday_evening, sunday_morning = at(NEW_YORK, 2026, 6, 6, 15, 0), at(NEW_YORK, 2026, 6, 7, 9)
    one = parse_duration("1bd")
    # Both count from Monday 00:00, so a later instant never gets an earlier result.
    assert one.after(saturday_evening, Calendar(NEW_YORK)) == at(NEW_YORK, 2026, 6, 9, 0, 0)
    assert one.after(sunday_morning, Calendar(NEW_YORK)) == at(NEW_YORK, 2026, 6, 9, 0, 0)


def test_business_day_landing_in_a_dst_gap_takes_the_end_of_the_gap() -> None:
    # Cairo skips 00:00-01:00 on Friday 26 April 2024.
    thursday = at(CAIRO, 2024, 4, 25, 0, 30)
    landed = parse_duration("1bd").after(thursday, Calendar(CAIRO))
    assert landed == at(CAIRO, 2024, 4, 26, 1, 0)
    assert landed.utcoffset() == timedelta(hours=3)


def test_business_day_landing_in_a_fold_takes_the_first_occurrence() -> None:
    # Cairo repeats 23:00-24:00 on Thursday 31 October 2024.
    wednesday = at(CAIRO, 2024, 10, 30, 23, 30)
    landed = parse_duration("1bd").after(wednesday, Calendar(CAIRO))
    assert (landed.time(), landed.utcoffset()) == (time(23, 30), timedelta(hours=3))


def test_second_pass_of_a_fold_never_lands_before_the_first_pass() -> None:
    first_pass = at(CAIRO, 2024, 10, 31, 23, 40)
    second_pass = at(CAIRO, 2024, 10, 31, 23, 10, fold=1)
    assert utc(first_pass) < utc(second_pass)
    one = parse_duration("1bd")
    calendar = Calendar(CAIRO)
    assert utc(one.after(first_pass, calendar)) <= utc(one.after(second_pass, calendar))


# --- localize --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "gap_day", "offset_after"),
    [(NEW_YORK, date(2026, 3, 8), -4), (BERLIN, date(2026, 3, 29), 2)],
)
def test_localize_moves_a_gap_time_forward_by_the_gap(
    zone: ZoneInfo, gap_day: date, offset_after: int
) -> None:
    moved = localize(datetime.combine(gap_day, time(2, 30)), zone)
    assert (moved.date(), moved.time()) == (gap_day, time(3, 30))
    assert moved.utcoffset() == timedelta(hours=offset_after)


@pytest.mark.parametrize(
    ("zone", "fold_time", "first_offset"),
    [(NEW_YORK, datetime(2026, 11, 1, 1, 30), -4), (BERLIN, datetime(2026, 10, 25, 2, 30), 2)],
)
def test_localize_takes_the_first_occurrence_of_a_repeated_time(
    zone: ZoneInfo, fold_time: datetime, first_offset: int
) -> None:
    chosen = localize(fold_time, zone)
    assert chosen.utcoffset() == timedelta(hours=first_offset)
    later = fold_time.replace(tzinfo=zone, fold=1)
    assert utc(chosen) == utc(later) - timedelta(hours=1)


def test_localize_keeps_ordinary_times() -> None:
    assert localize(datetime(2026, 6, 1, 9, 0), BERLIN) == at(BERLIN, 2026, 6, 1, 9, 0)


def test_localize_refuses_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        localize(at(BERLIN, 2026, 6, 1, 9, 0), NEW_YORK)


# --- calendars, zones ------------------------------------------------------------------------


def test_calendar_closes_weekends_and_the_countrys_holidays() -> None:
    observed_independence_day = date(2026, 7, 3)
    assert Calendar(NEW_YORK).is_business_day(observed_independence_day)
    assert not Calendar(NEW_YORK, "US").is_business_day(observed_independence_day)
    assert not Calendar(NEW_YORK).is_business_day(date(2026, 7, 4))


def test_subdivision_holidays_apply_only_there() -> None:
    epiphany = date(2026, 1, 6)  # a Tuesday; a holiday in Bavaria, not in all of Germany
    assert Calendar(BERLIN, "DE").is_business_day(epiphany)
    assert not Calendar(BERLIN, "DE-BY").is_business_day(epiphany)


def test_holiday_codes_are_checked() -> None:
    check_holidays("")
    check_holidays("us")
    with pytest.raises(BadValue, match="not a supported holiday calendar") as raised:
        check_holidays("XY")
    assert '"US"' in raised.value.fix


def test_unknown_timezone_suggests_close_names() -> None:
    assert parse_timezone("Europe/Berlin") == BERLIN
    with pytest.raises(BadValue, match="America/New_York"):
        parse_timezone("America/New_Yrok")


# --- send windows ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days", "start", "end"),
    [
        ("Mon-Fri 09:00-17:00", {0, 1, 2, 3, 4}, time(9), time(17)),
        ("Mon,Wed,Fri 08:30-12:00", {0, 2, 4}, time(8, 30), time(12)),
        ("Mon-Wed,Fri 08:00-12:00", {0, 1, 2, 4}, time(8), time(12)),
        ("Fri-Mon 10:00-11:00", {4, 5, 6, 0}, time(10), time(11)),
        ("sat 9:05-9:06", {5}, time(9, 5), time(9, 6)),
        (" Mon - Fri  09:00 - 17:00 ", {0, 1, 2, 3, 4}, time(9), time(17)),
    ],
)
def test_windows_are_read(text: str, days: set[int], start: time, end: time) -> None:
    window = parse_window(text)
    assert (set(window.days), window.start, window.end, window.always) == (days, start, end, False)


def test_always_is_always_open() -> None:
    window = parse_window("Always")
    sunday_night = at(NEW_YORK, 2026, 7, 5, 3, 0)
    assert window.always and window.contains(sunday_night, Calendar(NEW_YORK, "US"))
    assert window.next_open(sunday_night, Calendar(NEW_YORK)) == sunday_night


@pytest.mark.parametrize(
    "text",
    [
        "",
        "weekdays",
        "Mon-Fri",
        "09:00-17:00",
        "Mon-Fri 17:00-09:00",
        "Mon-Fri 09:00-09:00",
        "Mon-Fri 09:00-24:00",
        "Mon-Fri 9-17",
        "Mon-Fry 09:00-17:00",
        "Monday-Friday 09:00-17:00",
    ],
)
def test_bad_windows_say_what_to_write(text: str) -> None:
    with pytest.raises(BadValue) as raised:
        parse_window(text)
    assert raised.value.fix


def test_window_is_read_in_the_recipients_timezone() -> None:
    chicago = Calendar(ZoneInfo("America/Chicago"))
    nine_in_new_york = at(NEW_YORK, 2026, 6, 3, 9, 30)  # 08:30 in Chicago
    assert not WORKDAYS.contains(nine_in_new_york, chicago)
    assert WORKDAYS.next_open(nine_in_new_york, chicago) == at(NEW_YORK, 2026, 6, 3, 10, 0)


@pytest.mark.parametrize(
    ("moment", "opens"),
    [
        (at(NEW_YORK, 2026, 6, 3, 12, 0), at(NEW_YORK, 2026, 6, 3, 12, 0)),  # inside
        (at(NEW_YORK, 2026, 6, 3, 7, 0), at(NEW_YORK, 2026, 6, 3, 9, 0)),  # early
        (at(NEW_YORK, 2026, 6, 5, 17, 0), at(NEW_YORK, 2026, 6, 8, 9, 0)),  # end is exclusive
        (at(NEW_YORK, 2026, 6, 6, 12, 0), at(NEW_YORK, 2026, 6, 8, 9, 0)),  # Saturday
        (at(NEW_YORK, 2026, 7, 2, 18, 0), at(NEW_YORK, 2026, 7, 6, 9, 0)),  # holiday Friday
    ],
)
def test_next_open(moment: datetime, opens: datetime) -> None:
    assert WORKDAYS.next_open(moment, Calendar(NEW_YORK, "US")) == opens


def test_opening_in_a_dst_gap_is_the_first_instant_after_it() -> None:
    window = parse_window("Sun 02:30-05:00")
    opened = window.next_open(at(NEW_YORK, 2026, 3, 8, 0, 0), Calendar(NEW_YORK))
    assert opened == at(NEW_YORK, 2026, 3, 8, 3, 0)
    assert window.contains(opened, Calendar(NEW_YORK))


def test_window_repeated_by_a_fold_opens_again_in_the_second_pass() -> None:
    window = parse_window("Sun 01:00-01:30")
    after_first_pass = at(NEW_YORK, 2026, 11, 1, 1, 40)  # EDT
    opened = window.next_open(after_first_pass, Calendar(NEW_YORK))
    assert utc(opened) == utc(at(NEW_YORK, 2026, 11, 1, 1, 0, fold=1))  # 01:00 EST


def test_window_ending_inside_a_fold_reopens_when_the_clock_goes_back() -> None:
    window = parse_window("Sun 00:30-01:30")
    after_first_pass = at(NEW_YORK, 2026, 11, 1, 1, 40)  # EDT, past the end
    opened = window.next_open(after_first_pass, Calendar(NEW_YORK))
    assert utc(opened) == datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 01:00 EST


def test_window_wholly_inside_a_gap_waits_for_the_next_week() -> None:
    window = parse_window("Sun 02:00-03:00")
    opened = window.next_open(at(NEW_YORK, 2026, 3, 8, 0, 0), Calendar(NEW_YORK))
    assert opened == at(NEW_YORK, 2026, 3, 15, 2, 0)


def test_a_window_that_never_opens_is_an_error() -> None:
    never = SendWindow("never", frozenset(), time(9), time(17))
    with pytest.raises(ValueError, match="never opens"):
        never.next_open(at(NEW_YORK, 2026, 6, 3, 12, 0), Calendar(NEW_YORK))


# --- properties ------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2060, 1, 1),
    timezones=st.timezones(),
    allow_imaginary=True,
)
calendars = st.builds(Calendar, st.timezones(), st.sampled_from(["", "US", "DE", "JP"]))


@st.composite
def windows(draw: st.DrawFn) -> SendWindow:
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    start = draw(st.integers(0, 24 * 60 - 2))
    end = draw(st.integers(start + 1, 24 * 60 - 1))
    clock = [time(minutes // 60, minutes % 60) for minutes in (start, end)]
    return SendWindow("generated", days, clock[0], clock[1])


@settings(max_examples=examples(200), deadline=None)
@given(moment=moments, window=windows(), calendar=calendars, share=st.floats(0, 1))
def test_next_open_is_the_earliest_open_instant(
    moment: datetime, window: SendWindow, calendar: Calendar, share: float
) -> None:
    opened = window.next_open(moment, calendar)
    assert utc(opened) >= utc(moment)
    assert window.contains(opened, calendar)
    assert utc(window.next_open(opened, calendar)) == utc(opened)
    between = utc(moment) + (utc(opened) - utc(moment)) * share
    assert utc(between) == utc(opened) or not window.contains(between, calendar)


durations = st.sampled_from(["0s", "2s", "90m", "24h", "1w", "0bd", "1bd", "5bd", "7bd"])


@settings(max_examples=examples(200), deadline=None)
@given(
    moment=moments,
    later_by=st.timedeltas(timedelta(0), timedelta(days=10)),
    text=durations,
    calendar=calendars,
)
def test_durations_are_monotonic_and_never_go_back(
    moment: datetime, later_by: timedelta, text: str, calendar: Calendar
) -> None:
    duration = parse_duration(text)
    later = utc(moment) + later_by
    first, second = duration.after(moment, calendar), duration.after(later, calendar)
    assert utc(moment) <= utc(first) <= utc(second)
    if duration.business_days:
        assert calendar.is_business_day(first.astimezone(calendar.tz).date())
