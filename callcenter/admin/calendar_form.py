"""The business calendar between the admin page's fields and the ``tickets.calendar`` table.

Weekly hours are typed per weekday as ``08:30-12:00, 13:30-17:30`` (empty: closed); extra
holidays and make-up working days one date per line (``2026-12-31``, anything after the
date is a note and dropped). Validation is the ticket domain's own
(``calendar_from_mapping``), so the page accepts exactly what the configuration file does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from importlib import resources
from typing import Any

from callcenter.tickets.business_calendar import OFFICE_HOURS, WEEKDAY_KEYS

_SPLIT = re.compile(r"[,，;；\s]+")


def bundled_holiday_sets() -> list[str]:
    """Names of the holiday files shipped with the ticket rules, e.g. ``cn_2026``."""
    folder = resources.files("callcenter.tickets")
    names = [p.name for p in folder.iterdir() if p.name.startswith("holidays_")]
    return sorted(n.removeprefix("holidays_").removesuffix(".toml") for n in names)


def intervals(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text.strip()) if part]


def dates(text: str) -> list[str]:
    """One date per line; what follows the date on the line is a note."""
    found = []
    for line in text.splitlines():
        first = line.strip().split(maxsplit=1)
        if first and not first[0].startswith("#"):
            found.append(first[0])
    return found


def calendar_from_fields(
    *,
    hours: Mapping[str, str],
    holiday_sets: list[str],
    holidays: str,
    makeup_workdays: str,
    makeup_day_hours: str,
    timezone: str,
) -> dict[str, Any]:
    """The ``tickets.calendar`` table the fields describe (not yet validated)."""
    calendar: dict[str, Any] = {
        "timezone": timezone,
        "hours": {day: intervals(hours.get(day, "")) for day in WEEKDAY_KEYS},
        "holiday_sets": list(holiday_sets),
        "holidays": dates(holidays),
        "makeup_workdays": dates(makeup_workdays),
    }
    if makeup_day_hours.strip():
        calendar["makeup_day_hours"] = intervals(makeup_day_hours)
    return calendar


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def fields_from_calendar(calendar: Mapping[str, Any]) -> dict[str, Any]:
    """The page's field values for a stored calendar table."""
    default = [str(i) for i in OFFICE_HOURS]
    weekly = calendar.get("hours") or {d: default for d in WEEKDAY_KEYS[:5]}
    return {
        "hours": {day: ", ".join(weekly.get(day, [])) for day in WEEKDAY_KEYS},
        "holiday_sets": list(calendar.get("holiday_sets", [])),
        "holidays": "\n".join(_text(d) for d in calendar.get("holidays", [])),
        "makeup_workdays": "\n".join(_text(d) for d in calendar.get("makeup_workdays", [])),
        "makeup_day_hours": ", ".join(calendar.get("makeup_day_hours", [])),
        "timezone": str(calendar.get("timezone", "Asia/Shanghai")),
    }
