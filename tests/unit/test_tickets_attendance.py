"""Attendance from the login timeline: late, early leave, absent, overtime, per shift."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.tickets.attendance import (
    AgentState,
    AttendanceRules,
    Shift,
    StateChange,
    evaluate_roster,
    evaluate_shift,
)

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)
SHIFT = Shift.on("1001", DAY, time(9), time(18), SH)
A, P, C, OUT = AgentState.AVAILABLE, AgentState.PAUSED, AgentState.ON_CALL, AgentState.LOGGED_OUT


def at(hh: int, mm: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=SH)


def line(*items: tuple[datetime, AgentState]) -> list[StateChange]:
    return [StateChange(t, s) for t, s in items]


def test_on_time_full_shift_has_nothing_to_report() -> None:
    result = evaluate_shift(SHIFT, line((at(8, 55), A), (at(18, 2), OUT)))
    assert not (result.absent or result.is_late or result.is_early_leave)
    assert (result.late_minutes, result.early_leave_minutes, result.overtime_minutes) == (0, 0, 0)
    assert result.worked == timedelta(hours=9)


def test_logging_in_seven_minutes_after_the_start_is_late_by_seven() -> None:
    result = evaluate_shift(SHIFT, line((at(9, 7), A), (at(18), OUT)))
    assert result.is_late and result.late_minutes == 7
    assert result.first_in == at(9, 7)


def test_four_minutes_late_is_within_the_grace_but_still_shown() -> None:
    result = evaluate_shift(SHIFT, line((at(9, 4), A), (at(18), OUT)))
    assert not result.is_late and result.late_minutes == 4


def test_grace_is_configurable() -> None:
    strict = AttendanceRules(late_grace=timedelta(0))
    assert evaluate_shift(SHIFT, line((at(9, 1), A), (at(18), OUT)), rules=strict).is_late


def test_a_brief_login_before_the_start_does_not_hide_lateness() -> None:
    timeline = line((at(8, 50), A), (at(8, 55), OUT), (at(9, 7), A), (at(18), OUT))
    assert evaluate_shift(SHIFT, timeline).late_minutes == 7


def test_logging_out_twenty_minutes_early_is_an_early_leave() -> None:
    result = evaluate_shift(SHIFT, line((at(9), A), (at(17, 40), OUT)))
    assert result.is_early_leave and result.early_leave_minutes == 20
    assert result.last_out == at(17, 40)


def test_no_login_during_the_shift_is_absent() -> None:
    result = evaluate_shift(SHIFT, line((at(7), A), (at(8), OUT), (at(19), A), (at(19, 5), OUT)))
    assert result.absent and not result.is_late
    assert evaluate_roster([SHIFT], {})[0].absent  # never logged in at all


def test_very_late_counts_as_absent_when_the_desk_says_so() -> None:
    rules = AttendanceRules(absent_if_late_over=timedelta(minutes=30))
    result = evaluate_shift(SHIFT, line((at(9, 40), A), (at(18), OUT)), rules=rules)
    assert result.absent and result.late_minutes == 40


def test_staying_an_hour_after_the_end_is_overtime_a_few_minutes_is_not() -> None:
    assert evaluate_shift(SHIFT, line((at(9), A), (at(19), OUT))).overtime_minutes == 60
    assert evaluate_shift(SHIFT, line((at(9), A), (at(18, 10), OUT))).overtime_minutes == 0


def test_a_call_running_past_the_end_counts_as_overtime() -> None:
    timeline = line((at(9), A), (at(17, 50), C), (at(18, 40), A), (at(18, 41), OUT))
    assert evaluate_shift(SHIFT, timeline).overtime_minutes == 41


def test_pauses_are_presence_but_reported() -> None:
    timeline = line((at(9), A), (at(12), P), (at(13), A), (at(18), OUT))
    result = evaluate_shift(SHIFT, timeline)
    assert result.worked == timedelta(hours=9) and result.paused == timedelta(hours=1)


def test_night_shift_ends_the_next_morning() -> None:
    night = Shift.on("1002", DAY, time(22), time(6), SH)
    assert night.end == at(6, day=date(2026, 3, 3))
    timeline = line((at(22, 10), A), (at(5, 30, day=date(2026, 3, 3)), OUT))
    result = evaluate_shift(night, timeline)
    assert (result.late_minutes, result.early_leave_minutes) == (10, 30)


def test_shift_still_running_is_not_judged_for_early_leave() -> None:
    result = evaluate_shift(
        SHIFT,
        line(
            (at(9), A),
        ),
        as_of=at(12),
    )
    assert not result.is_early_leave and result.worked == timedelta(hours=3)


def test_split_shift_lunch_presence_is_a_break_not_overtime() -> None:
    morning = Shift.on("1003", DAY, time(8, 30), time(12), SH)
    afternoon = Shift.on("1003", DAY, time(13, 30), time(17, 30), SH)
    other = Shift.on("1001", DAY, time(9), time(18), SH)
    timelines = {
        "1003": line((at(8, 25), A), (at(12), P), (at(13, 30), A), (at(18, 30), OUT)),
        "1001": line((at(9, 7), A), (at(18), OUT)),
    }
    results = evaluate_roster([afternoon, other, morning], timelines)
    assert [(r.shift.agent, r.shift.start) for r in results] == [
        ("1001", at(9)),
        ("1003", at(8, 30)),
        ("1003", at(13, 30)),
    ]
    assert results[0].is_late
    assert results[1].overtime_minutes == 0
    assert results[2].overtime_minutes == 60


def test_timeline_out_of_order_or_shift_backwards_is_refused() -> None:
    with pytest.raises(ValueError, match="time order"):
        evaluate_shift(SHIFT, line((at(10), A), (at(9), OUT)))
    with pytest.raises(ValueError, match="must end after"):
        Shift("1001", at(18), at(9))
