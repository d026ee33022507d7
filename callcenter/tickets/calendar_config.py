"""Build a BusinessCalendar from a plain mapping (a TOML table), and the bundled holiday sets.

Example (``[tickets.calendar]`` in the TOML configuration)::

    timezone = "Asia/Shanghai"
    holiday_sets = ["cn_2026"]             # bundled: callcenter/tickets/holidays_cn_2026.toml
    holidays = ["2026-12-31"]              # extra days off of this desk
    makeup_workdays = []                   # extra make-up working days (调休上班)
    makeup_day_hours = ["09:00-18:00"]     # hours on a make-up day (default: Monday's)
    [tickets.calendar.hours]               # missing table: Mon-Fri 09:00-18:00
    mon = ["08:30-12:00", "13:30-17:30"]   # a weekday missing from the table is closed
    ...

Every error names the key: ``tickets.calendar.hours.tue[1]: '13:30-12:00' ...``.
Reading a bundled holiday file is the one piece of I/O here (package data, read-only).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callcenter.tickets.business_calendar import (
    DEFAULT_TIMEZONE,
    OFFICE_HOURS,
    WEEKDAY_KEYS,
    BusinessCalendar,
    DayHours,
    WorkingInterval,
    check_day_hours,
)

CALENDAR_KEYS = frozenset(
    {"timezone", "hours", "holiday_sets", "holidays", "makeup_workdays", "makeup_day_hours"}
)


class CalendarConfigError(ValueError):
    """A calendar setting is wrong; the message starts with the full key."""


@dataclass(frozen=True, slots=True)
class HolidaySet:
    """One year's official days off and make-up working days, e.g. the PRC's 2026 notice."""

    name: str
    year: int
    days_off: frozenset[date]
    makeup_workdays: frozenset[date]
    source: str


def _date(value: object, key: str) -> date:
    if isinstance(value, date):  # TOML dates arrive as date objects
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarConfigError(f"{key}: {value!r} is not a date like 2026-10-01")


def _list(value: object, key: str) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise CalendarConfigError(f"{key}: expected a list, got {type(value).__name__}")
    return value


def _dates(value: object, key: str) -> frozenset[date]:
    return frozenset(_date(v, f"{key}[{i}]") for i, v in enumerate(_list(value, key)))


def _day_hours(value: object, key: str) -> DayHours:
    intervals = []
    for i, item in enumerate(_list(value, key)):
        if not isinstance(item, str):
            raise CalendarConfigError(f"{key}[{i}]: expected a string like '09:00-18:00'")
        try:
            intervals.append(WorkingInterval.parse(item))
        except ValueError as exc:
            raise CalendarConfigError(f"{key}[{i}]: {exc}") from exc
    hours = tuple(intervals)
    try:
        check_day_hours(hours, key)
    except ValueError as exc:
        raise CalendarConfigError(str(exc)) from exc
    return hours


def _weekly_hours(value: object, key: str) -> tuple[DayHours, ...]:
    if not isinstance(value, Mapping):
        raise CalendarConfigError(f"{key}: expected a table with keys {', '.join(WEEKDAY_KEYS)}")
    unknown = sorted(set(value) - set(WEEKDAY_KEYS))
    if unknown:
        raise CalendarConfigError(f"{key}.{unknown[0]}: unknown weekday; use {WEEKDAY_KEYS}")
    return tuple(_day_hours(value.get(day, []), f"{key}.{day}") for day in WEEKDAY_KEYS)


def parse_holiday_set(data: Mapping[str, object], *, name: str) -> HolidaySet:
    """A holiday file: ``year``, ``source`` and ``[[holiday]]`` tables with ``off``/``work``."""
    year = data.get("year")
    if not isinstance(year, int):
        raise CalendarConfigError(f"{name}.year: expected the year as an integer")
    off: set[date] = set()
    work: set[date] = set()
    for i, item in enumerate(_list(data.get("holiday", []), f"{name}.holiday")):
        key = f"{name}.holiday[{i}]"
        if not isinstance(item, Mapping):
            raise CalendarConfigError(f"{key}: expected a table")
        off |= _dates(item.get("off", []), f"{key}.off")
        work |= _dates(item.get("work", []), f"{key}.work")
    for day in sorted(off | work):
        if day.year != year:
            raise CalendarConfigError(f"{name}: {day.isoformat()} is not in {year}")
    if off & work:
        raise CalendarConfigError(f"{name}: {min(off & work).isoformat()} is both off and work")
    return HolidaySet(name, year, frozenset(off), frozenset(work), str(data.get("source", "")))


def load_bundled_holiday_set(name: str) -> HolidaySet:
    """Read ``holidays_<name>.toml`` shipped in this package (e.g. ``cn_2026``)."""
    resource = resources.files("callcenter.tickets").joinpath(f"holidays_{name}.toml")
    if not resource.is_file():
        raise CalendarConfigError(f"holiday set {name!r}: no bundled file holidays_{name}.toml")
    return parse_holiday_set(tomllib.loads(resource.read_text(encoding="utf-8")), name=name)


def calendar_from_mapping(
    data: Mapping[str, object],
    *,
    key: str = "tickets.calendar",
    load_holiday_set: Callable[[str], HolidaySet] = load_bundled_holiday_set,
) -> BusinessCalendar:
    """Validate ``data`` and build the calendar; errors name ``key.<sub-key>``."""
    unknown = sorted(set(data) - CALENDAR_KEYS)
    if unknown:
        raise CalendarConfigError(
            f"{key}.{unknown[0]}: unknown setting; use {sorted(CALENDAR_KEYS)}"
        )
    tz_name = data.get("timezone", DEFAULT_TIMEZONE)
    try:
        tz = ZoneInfo(str(tz_name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CalendarConfigError(f"{key}.timezone: unknown timezone {tz_name!r}") from exc
    if "hours" in data:
        weekly = _weekly_hours(data["hours"], f"{key}.hours")
    else:
        weekly = (OFFICE_HOURS,) * 5 + ((), ())
    holidays = set(_dates(data.get("holidays", []), f"{key}.holidays"))
    makeup = set(_dates(data.get("makeup_workdays", []), f"{key}.makeup_workdays"))
    sets_key = f"{key}.holiday_sets"
    for i, set_name in enumerate(_list(data.get("holiday_sets", []), sets_key)):
        if not isinstance(set_name, str):
            raise CalendarConfigError(f"{sets_key}[{i}]: expected a name like 'cn_2026'")
        try:
            loaded = load_holiday_set(set_name)
        except CalendarConfigError as exc:
            raise CalendarConfigError(f"{sets_key}[{i}]: {exc}") from exc
        holidays |= loaded.days_off
        makeup |= loaded.makeup_workdays
    makeup_hours = None
    if "makeup_day_hours" in data:
        makeup_hours = _day_hours(data["makeup_day_hours"], f"{key}.makeup_day_hours")
    try:
        return BusinessCalendar(weekly, frozenset(holidays), frozenset(makeup), makeup_hours, tz)
    except ValueError as exc:
        raise CalendarConfigError(f"{key}: {exc}") from exc


def default_calendar() -> BusinessCalendar:
    """Mon-Fri 09:00-18:00 in Asia/Shanghai with the bundled 2026 PRC holidays."""
    return calendar_from_mapping({"holiday_sets": ["cn_2026"]})
