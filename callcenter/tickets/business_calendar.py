"""The desk's business calendar: working hours per weekday, holidays, make-up working days.

Every deadline of the ticket rules (response, resolution, complaint, 回访) is counted in
*working* time on this calendar: nights, weekends and public holidays do not count, and a
make-up working day (调休上班, e.g. a Saturday the State Council declares a working day) does.

Pure: no I/O. Times passed in must be timezone-aware; results come back in the calendar's
timezone. Arithmetic is done in UTC, so a zone with daylight saving time would also be right.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
DEFAULT_TIMEZONE = "Asia/Shanghai"
SHANGHAI = ZoneInfo(DEFAULT_TIMEZONE)
# A calendar with no working time for this many days in a row is treated as broken.
MAX_CLOSED_DAYS = 400
_ZERO = timedelta(0)


class CalendarError(ValueError):
    """The calendar cannot answer: wrong input (naive time) or no working time at all."""


def require_aware(at: datetime, what: str = "time") -> None:
    """Raise if ``at`` has no timezone: a naive time cannot be placed on the calendar."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise CalendarError(f"{what} {at.isoformat()} has no timezone; pass an aware datetime")


def _format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_clock(text: str) -> int:
    """``"08:30"`` -> 510 minutes after midnight; ``"24:00"`` (end of day) is allowed."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"{text!r} is not a time of day like 09:00")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not a time of day between 00:00 and 24:00")
    return value


@dataclass(frozen=True, slots=True, order=True)
class WorkingInterval:
    """One stretch of working time inside a day, in minutes after local midnight.

    ``end_minute`` may be 1440 (24:00). Intervals never cross midnight; a desk open around
    the clock has ``00:00-24:00`` every day.
    """

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError(
                f"{_format_minute(self.start_minute)}-{_format_minute(self.end_minute)}: "
                "a working interval must start before it ends, within one day"
            )

    @classmethod
    def parse(cls, text: str) -> WorkingInterval:
        """``"08:30-12:00"`` -> ``WorkingInterval(510, 720)``."""
        start, sep, end = text.partition("-")
        if not sep:
            raise ValueError(f"{text!r} is not an interval like 09:00-18:00")
        return cls(parse_clock(start), parse_clock(end))

    @classmethod
    def of(cls, start: time, end: time) -> WorkingInterval:
        """From two ``time`` objects; ``end == time(0)`` means midnight at the end of the day."""
        end_minute = end.hour * 60 + end.minute or MINUTES_PER_DAY
        return cls(start.hour * 60 + start.minute, end_minute)

    def __str__(self) -> str:
        return f"{_format_minute(self.start_minute)}-{_format_minute(self.end_minute)}"


DayHours = tuple[WorkingInterval, ...]
OFFICE_HOURS: DayHours = (WorkingInterval(9 * 60, 18 * 60),)


def check_day_hours(hours: DayHours, what: str) -> None:
    """Intervals of one day must be sorted and must not overlap."""
    for before, after in pairwise(hours):
        if after.start_minute < before.end_minute:
            raise ValueError(f"{what}: {before} and {after} overlap or are out of order")


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Working hours per weekday (Monday first), holidays and make-up working days.

    ``makeup_day_hours`` are the hours of a 调休 working day; ``None`` means Monday's hours.
    """

    weekly_hours: tuple[DayHours, ...]
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    makeup_day_hours: DayHours | None = None
    tz: ZoneInfo = SHANGHAI

    def __post_init__(self) -> None:
        if len(self.weekly_hours) != 7:
            raise ValueError("weekly_hours needs 7 entries, Monday to Sunday")
        for key, hours in zip(WEEKDAY_KEYS, self.weekly_hours, strict=True):
            check_day_hours(hours, key)
        both = sorted(self.holidays & self.makeup_workdays)
        if both:
            raise ValueError(f"{both[0].isoformat()} is both a holiday and a make-up working day")
        if self.makeup_workdays and not self._makeup_hours():
            raise ValueError("make-up working days need makeup_day_hours (Monday has none)")
        if self.makeup_day_hours is not None:
            check_day_hours(self.makeup_day_hours, "makeup_day_hours")

    @classmethod
    def standard(
        cls,
        *,
        holidays: frozenset[date] = frozenset(),
        makeup_workdays: frozenset[date] = frozenset(),
        tz: ZoneInfo | None = None,
    ) -> BusinessCalendar:
        """Monday to Friday 09:00-18:00, weekends closed."""
        week = (OFFICE_HOURS,) * 5 + ((), ())
        return cls(week, holidays, makeup_workdays, None, tz or SHANGHAI)

    # -- days ----------------------------------------------------------------------------

    def _makeup_hours(self) -> DayHours:
        return self.weekly_hours[0] if self.makeup_day_hours is None else self.makeup_day_hours

    def hours_on(self, day: date) -> DayHours:
        """The working intervals of a local date (empty on a day off)."""
        if day in self.makeup_workdays:
            return self._makeup_hours()
        if day in self.holidays:
            return ()
        return self.weekly_hours[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        return bool(self.hours_on(day))

    def local_date(self, at: datetime) -> date:
        require_aware(at)
        return at.astimezone(self.tz).date()

    def _instant(self, day: date, minute: int) -> datetime:
        day += timedelta(days=minute // MINUTES_PER_DAY)
        minute %= MINUTES_PER_DAY
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.tz)
        return local.astimezone(UTC)

    def spans_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working intervals of ``day`` as (start, end) instants in UTC."""
        return [
            (self._instant(day, i.start_minute), self._instant(day, i.end_minute))
            for i in self.hours_on(day)
        ]

    def close_of(self, day: date) -> datetime:
        """When ``day``'s last working interval ends (local time); the day must be working."""
        hours = self.hours_on(day)
        if not hours:
            raise CalendarError(f"{day.isoformat()} is not a working day")
        return self._instant(day, hours[-1].end_minute).astimezone(self.tz)

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted); n=0: ``day``
        if it is a working day, else the next working day."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        closed_in_a_row = 0
        count = 0
        if n == 0 and self.is_working_day(day):
            return day
        while True:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
                closed_in_a_row = 0
                if count >= max(n, 1):
                    return day
            else:
                closed_in_a_row += 1
                if closed_in_a_row > MAX_CLOSED_DAYS:
                    raise CalendarError(f"no working day within {MAX_CLOSED_DAYS} days")

    # -- instants ------------------------------------------------------------------------

    def _spans_from(
        self, at: datetime, until: datetime | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """Working spans in UTC that end after ``at``, the first one clipped to start at ``at``.
        Stops when a day starts after ``until``."""
        at = at.astimezone(UTC)
        day = at.astimezone(self.tz).date()
        closed_in_a_row = 0
        while until is None or self._instant(day, 0) <= until:
            spans = [(max(s, at), e) for s, e in self.spans_on(day) if e > at]
            closed_in_a_row = 0 if spans else closed_in_a_row + 1
            if closed_in_a_row > MAX_CLOSED_DAYS:
                raise CalendarError(f"no working time within {MAX_CLOSED_DAYS} days")
            yield from spans
            day += timedelta(days=1)

    def is_open(self, at: datetime) -> bool:
        """True if ``at`` falls inside working hours (start included, end excluded)."""
        require_aware(at)
        at = at.astimezone(UTC)
        return any(s <= at < e for s, e in self.spans_on(self.local_date(at)))

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself if the desk is open then, else when it next opens."""
        require_aware(at)
        start, _ = next(self._spans_from(at))
        return start.astimezone(self.tz)

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of working time has passed since ``start``.

        A deadline that uses up an interval exactly ends at that interval's close (Friday
        18:00), not at the next opening. ``duration`` 0 returns ``start``.
        """
        require_aware(start, "start")
        if duration < _ZERO:
            raise ValueError(f"duration must not be negative, got {duration}")
        if duration == _ZERO:
            return start.astimezone(self.tz)
        remaining = duration
        for s, e in self._spans_from(start):
            if remaining <= e - s:
                return (s + remaining).astimezone(self.tz)
            remaining -= e - s
        raise AssertionError("unreachable: _spans_from never ends without `until`")

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Close of business on the ``n``-th working day after ``start``'s date.

        "5个工作日内" read as: the day of ``start`` is not counted, the deadline is the close
        of the fifth working day after it. n=0: close of ``start``'s day if it is a working day
        that has not closed yet, else close of the next working day.
        """
        require_aware(start, "start")
        day = self.local_date(start)
        if n == 0 and self.is_working_day(day) and start >= self.close_of(day):
            day = self.nth_working_day_after(day, 1)
        return self.close_of(self.nth_working_day_after(day, n))

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from ``a`` to ``b``; negative if ``b`` is before ``a``."""
        require_aware(a, "a")
        require_aware(b, "b")
        if b < a:
            return -self.working_time_between(b, a)
        b = b.astimezone(UTC)
        total = _ZERO
        for s, e in self._spans_from(a, until=b):
            if s >= b:
                break
            total += min(e, b) - s
        return total
