"""The business calendar: working hours, 2026 PRC holidays, 调休 make-up days, arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.tickets.business_calendar import (
    BusinessCalendar,
    CalendarError,
    WorkingInterval,
)
from callcenter.tickets.calendar_config import (
    CalendarConfigError,
    HolidaySet,
    calendar_from_mapping,
    default_calendar,
    load_bundled_holiday_set,
)

SH = ZoneInfo("Asia/Shanghai")
CAL = default_calendar()  # Mon-Fri 09:00-18:00 + bundled 2026 holidays
SPLIT = calendar_from_mapping(
    {
        "hours": {
            day: ["08:30-12:00", "13:30-17:30"] for day in ("mon", "tue", "wed", "thu", "fri")
        },
        "holiday_sets": ["cn_2026"],
    }
)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


H = timedelta(hours=1)


# -- deadlines -------------------------------------------------------------------------------


def test_deadline_skips_the_weekend() -> None:
    # Friday 2026-03-06 16:00 + 4 working hours: 2 h on Friday, 2 h on Monday.
    assert CAL.add_working_time(at(2026, 3, 6, 16), 4 * H) == at(2026, 3, 9, 11)


def test_deadline_skips_national_day_holiday() -> None:
    # Wed 2026-09-30 16:00 + 4 h: Oct 1-7 are off, so Thursday Oct 8 11:00.
    assert CAL.add_working_time(at(2026, 9, 30, 16), 4 * H) == at(2026, 10, 8, 11)


def test_deadline_skips_weekend_and_qingming_together() -> None:
    # Fri 2026-04-03 17:00 + 2 h: Sat-Mon Apr 4-6 are Qingming, Tuesday 10:00.
    assert CAL.add_working_time(at(2026, 4, 3, 17), 2 * H) == at(2026, 4, 7, 10)


def test_make_up_saturday_counts_as_working_time() -> None:
    # Sat 2026-02-14 is 调休上班 before the Spring Festival.
    assert CAL.is_working_day(date(2026, 2, 14))
    assert CAL.add_working_time(at(2026, 2, 13, 17), 2 * H) == at(2026, 2, 14, 10)


def test_make_up_sunday_after_new_year_counts() -> None:
    # Sat Jan 3 is a holiday, Sun Jan 4 is a working day.
    assert CAL.add_working_time(at(2026, 1, 3, 10), H) == at(2026, 1, 4, 10)


def test_deadline_that_uses_up_the_day_ends_at_close_not_next_morning() -> None:
    assert CAL.add_working_time(at(2026, 3, 6, 9), 9 * H) == at(2026, 3, 6, 18)


def test_deadline_skips_the_lunch_break_of_split_hours() -> None:
    assert SPLIT.add_working_time(at(2026, 3, 2, 11), 2 * H) == at(2026, 3, 2, 14, 30)


def test_deadline_from_a_night_starts_counting_at_opening() -> None:
    assert CAL.add_working_time(at(2026, 3, 2, 22), H) == at(2026, 3, 3, 10)


def test_zero_duration_returns_the_start() -> None:
    assert CAL.add_working_time(at(2026, 3, 7, 12), timedelta(0)) == at(2026, 3, 7, 12)


def test_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_time(at(2026, 3, 2, 10), -H)


def test_spring_festival_week_is_closed_then_make_up_saturday_open() -> None:
    # Feb 15-23 off; Feb 28 (Sat) works.
    assert CAL.next_open(at(2026, 2, 13, 18)) == at(2026, 2, 14, 9)
    assert CAL.next_open(at(2026, 2, 14, 18)) == at(2026, 2, 24, 9)
    assert CAL.is_open(at(2026, 2, 28, 10))


# -- is_open / next_open / between -----------------------------------------------------------


def test_opening_time_is_open_and_closing_time_is_not() -> None:
    assert CAL.is_open(at(2026, 3, 2, 9))
    assert CAL.is_open(at(2026, 3, 2, 17, 59))
    assert not CAL.is_open(at(2026, 3, 2, 18))
    assert not CAL.is_open(at(2026, 3, 7, 10))  # Saturday
    assert not CAL.is_open(at(2026, 10, 1, 10))  # National Day


def test_next_open_is_now_when_open_and_monday_morning_on_saturday() -> None:
    assert CAL.next_open(at(2026, 3, 2, 10, 15)) == at(2026, 3, 2, 10, 15)
    assert CAL.next_open(at(2026, 3, 7, 10)) == at(2026, 3, 9, 9)


def test_working_time_between_counts_only_open_hours_and_is_antisymmetric() -> None:
    assert CAL.working_time_between(at(2026, 3, 6, 17), at(2026, 3, 9, 10)) == 2 * H
    assert CAL.working_time_between(at(2026, 3, 9, 10), at(2026, 3, 6, 17)) == -2 * H
    assert CAL.working_time_between(at(2026, 10, 1), at(2026, 10, 8)) == timedelta(0)


def test_times_in_other_zones_are_accepted_and_results_are_local() -> None:
    start = datetime(2026, 3, 6, 8, tzinfo=UTC)  # 16:00 in Shanghai
    result = CAL.add_working_time(start, 4 * H)
    assert result == at(2026, 3, 9, 11)
    assert result.tzinfo == SH


def test_naive_time_is_refused_with_a_clear_message() -> None:
    with pytest.raises(CalendarError, match="no timezone"):
        CAL.is_open(datetime(2026, 3, 2, 10))


def test_around_the_clock_desk_across_a_daylight_saving_change() -> None:
    ny = ZoneInfo("America/New_York")
    always = BusinessCalendar(((WorkingInterval.parse("00:00-24:00"),),) * 7, tz=ny)
    day_of_change = datetime(2026, 3, 8, tzinfo=ny)
    assert always.working_time_between(day_of_change, datetime(2026, 3, 9, tzinfo=ny)) == 23 * H


# -- working days ----------------------------------------------------------------------------


def test_five_working_days_ends_at_close_of_the_fifth_working_day() -> None:
    assert CAL.add_working_days(at(2026, 3, 2, 10), 5) == at(2026, 3, 9, 18)


def test_five_working_days_across_national_day_uses_the_make_up_saturday() -> None:
    # Mon Sep 28: Tue 29 (1), Wed 30 (2), Oct 1-7 off, Thu 8 (3), Fri 9 (4), Sat 10 (5, 调休).
    assert CAL.add_working_days(at(2026, 9, 28, 10), 5) == at(2026, 10, 10, 18)


def test_zero_working_days_is_close_of_today_or_of_the_next_working_day() -> None:
    assert CAL.add_working_days(at(2026, 3, 2, 10), 0) == at(2026, 3, 2, 18)
    assert CAL.add_working_days(at(2026, 3, 2, 19), 0) == at(2026, 3, 3, 18)
    assert CAL.add_working_days(at(2026, 3, 7, 10), 0) == at(2026, 3, 9, 18)


# -- configuration ---------------------------------------------------------------------------


def test_calendar_from_mapping_with_split_hours_and_extra_days() -> None:
    cal = calendar_from_mapping(
        {
            "timezone": "Asia/Shanghai",
            "hours": {"mon": ["08:30-12:00", "13:30-17:30"], "sat": ["09:00-12:00"]},
            "holidays": ["2026-03-02"],
            "makeup_workdays": [date(2026, 3, 8)],
            "makeup_day_hours": ["10:00-16:00"],
        }
    )
    assert not cal.is_working_day(date(2026, 3, 2))  # extra holiday
    assert not cal.is_working_day(date(2026, 3, 3))  # Tuesday not listed: closed
    assert cal.is_open(at(2026, 3, 7, 11))  # Saturday morning
    assert cal.next_open(at(2026, 3, 8, 8)) == at(2026, 3, 8, 10)  # make-up Sunday hours


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"hours": {"tue": ["09:00-12:00", "13:30-12:00"]}}, "tickets.calendar.hours.tue[1]"),
        ({"hours": {"tues": ["09:00-18:00"]}}, "tickets.calendar.hours.tues"),
        ({"hours": {"mon": ["9-18"]}}, "tickets.calendar.hours.mon[0]"),
        ({"hours": {"mon": ["08:00-12:00", "11:00-13:00"]}}, "tickets.calendar.hours.mon"),
        ({"timezone": "Mars/Olympus"}, "tickets.calendar.timezone"),
        ({"holidays": ["2026-02-30"]}, "tickets.calendar.holidays[0]"),
        ({"holidays": "2026-01-01"}, "tickets.calendar.holidays"),
        ({"holiday_sets": ["cn_1999"]}, "tickets.calendar.holiday_sets[0]"),
        ({"opening": []}, "tickets.calendar.opening"),
        ({"holidays": ["2026-03-07"], "makeup_workdays": ["2026-03-07"]}, "tickets.calendar"),
    ],
)
def test_bad_calendar_setting_names_its_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(CalendarConfigError) as info:
        calendar_from_mapping(data)
    assert str(info.value).startswith(key)


def test_custom_holiday_set_loader_is_used() -> None:
    custom = HolidaySet("desk", 2026, frozenset({date(2026, 3, 3)}), frozenset(), "ours")
    cal = calendar_from_mapping({"holiday_sets": ["desk"]}, load_holiday_set=lambda _: custom)
    assert not cal.is_working_day(date(2026, 3, 3))


# -- the bundled 2026 data -------------------------------------------------------------------


def test_bundled_2026_holidays_match_the_state_council_notice() -> None:
    cn = load_bundled_holiday_set("cn_2026")
    assert cn.year == 2026
    assert len(cn.days_off) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert cn.makeup_workdays == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert all(d.weekday() >= 5 for d in cn.makeup_workdays)
    assert "2026" in cn.source


# -- properties ------------------------------------------------------------------------------

starts = st.datetimes(
    min_value=datetime(2025, 12, 25), max_value=datetime(2026, 12, 20), timezones=st.just(SH)
)
durations = st.integers(min_value=0, max_value=300 * 3600).map(lambda s: timedelta(seconds=s))


@settings(max_examples=300, deadline=None)
@given(start=starts, duration=durations, split=st.booleans())
def test_working_time_between_undoes_add_working_time(
    start: datetime, duration: timedelta, split: bool
) -> None:
    cal = SPLIT if split else CAL
    end = cal.add_working_time(start, duration)
    assert cal.working_time_between(start, end) == duration
    assert end >= start


@settings(max_examples=200, deadline=None)
@given(start=starts, a=durations, b=durations)
def test_longer_durations_never_end_earlier(start: datetime, a: timedelta, b: timedelta) -> None:
    short, long_ = sorted((a, b))
    assert CAL.add_working_time(start, short) <= CAL.add_working_time(start, long_)


@settings(max_examples=200, deadline=None)
@given(start=starts, duration=durations.filter(lambda d: d > timedelta(0)))
def test_a_deadline_falls_in_working_hours_or_at_a_closing_time(
    start: datetime, duration: timedelta
) -> None:
    end = CAL.add_working_time(start, duration)
    assert CAL.is_open(end - timedelta(microseconds=1))
