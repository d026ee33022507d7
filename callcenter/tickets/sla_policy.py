"""SLA policy: response and resolution targets per (category, priority), in working time.

The desk's documents require time limits but give no numbers: seed 000 "服务速度:总服务台要
设立合理的服务时间要求和响应时限", seed 002 "客服人员按规定时间内给予客户反馈". The defaults
below are this project's proposal, to be confirmed by the desk; each one is configurable.

- A span is either working time ("30m", "4h", "1h30m") or whole working days ("3d": close of
  business on the third working day after the ticket was opened, see BusinessCalendar).
- Complaints: response within 1 working hour at every priority, because seed 000 asks to
  report a complaint at once ("即时向相关部门报告投诉,并进行调查和处理"); resolution (handled
  *and* fed back, seed 002 "指定责任人进行调查,限期处理并反馈结果") at most 5 working days,
  so the result is known before the 回访 that seed 004 requires "客户致电服务中心的5个工作日内".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from callcenter.tickets.business_calendar import BusinessCalendar
from callcenter.tickets.code_catalog import CodeCatalog
from callcenter.tickets.ticket_fields import COMPLAINT, DEFAULT_CATEGORIES, Priority

_SPAN = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")


class SlaConfigError(ValueError):
    """An SLA setting is wrong; the message starts with the full key."""


@dataclass(frozen=True, slots=True)
class WorkingSpan:
    """Working time (``time``) or whole working days (``days``), never both."""

    time: timedelta = timedelta(0)
    days: int = 0

    def __post_init__(self) -> None:
        if self.days < 0 or self.time < timedelta(0) or (self.days and self.time):
            raise ValueError("a span is either working time or working days, not negative")

    @classmethod
    def parse(cls, text: str) -> WorkingSpan:
        """``"3d"``, ``"4h"``, ``"30m"``, ``"1h30m"``."""
        match = _SPAN.fullmatch(text.strip())
        if not text.strip() or not match:
            raise ValueError(f"{text!r} is not a span like 30m, 4h, 1h30m or 3d")
        days, hours, minutes = (int(g) if g else 0 for g in match.groups())
        if days and (hours or minutes):
            raise ValueError(f"{text!r}: use either working days (3d) or hours (4h), not both")
        return cls(timedelta(hours=hours, minutes=minutes), days)

    @classmethod
    def hours(cls, hours: float) -> WorkingSpan:
        return cls(timedelta(hours=hours))

    def due_from(self, start: datetime, calendar: BusinessCalendar) -> datetime:
        if self.days:
            return calendar.add_working_days(start, self.days)
        return calendar.add_working_time(start, self.time)

    def __str__(self) -> str:
        if self.days:
            return f"{self.days}d"
        minutes = int(self.time.total_seconds() // 60)
        hours, minutes = divmod(minutes, 60)
        return (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes or not hours else "")


@dataclass(frozen=True, slots=True)
class SlaTarget:
    response: WorkingSpan
    resolution: WorkingSpan


def _t(response: str, resolution: str) -> SlaTarget:
    return SlaTarget(WorkingSpan.parse(response), WorkingSpan.parse(resolution))


DEFAULT_BY_PRIORITY: dict[Priority, SlaTarget] = {
    Priority.URGENT: _t("30m", "4h"),
    Priority.HIGH: _t("1h", "1d"),
    Priority.NORMAL: _t("4h", "3d"),
    Priority.LOW: _t("1d", "5d"),
}
DEFAULT_MANAGER_AFTER = WorkingSpan(timedelta(hours=4))
DEFAULT_OVERRIDES: dict[tuple[str, Priority], SlaTarget] = {
    (COMPLAINT, Priority.NORMAL): _t("1h", "3d"),
    (COMPLAINT, Priority.LOW): _t("1h", "5d"),
}


@dataclass(frozen=True)
class SlaPolicy:
    """Targets by priority, overridden per (category, priority).

    ``manager_after``: a breach still open this much working time after the deadline goes
    from the supervisor (主管) to the manager (经理) (seed 001 "问题升级制度:当无法解决的
    问题时,明确向上级或相关部门的汇报路径"; seed 004 lists 客户服务中心经理 above 主管).
    ``pause_while_waiting_customer``: time in waiting_customer does not count to resolution.
    """

    by_priority: Mapping[Priority, SlaTarget] = field(
        default_factory=lambda: dict(DEFAULT_BY_PRIORITY)
    )
    overrides: Mapping[tuple[str, Priority], SlaTarget] = field(
        default_factory=lambda: dict(DEFAULT_OVERRIDES)
    )
    manager_after: WorkingSpan = DEFAULT_MANAGER_AFTER
    pause_while_waiting_customer: bool = True

    def __post_init__(self) -> None:
        missing = [p.value for p in Priority if p not in self.by_priority]
        if missing:
            raise ValueError(f"SLA policy has no target for priority {', '.join(missing)}")

    def target_for(self, category: str, priority: Priority) -> SlaTarget:
        return self.overrides.get((category, priority), self.by_priority[priority])


def _span(value: object, key: str) -> WorkingSpan:
    if not isinstance(value, str):
        raise SlaConfigError(f"{key}: expected a span like '4h' or '3d'")
    try:
        return WorkingSpan.parse(value)
    except ValueError as exc:
        raise SlaConfigError(f"{key}: {exc}") from exc


def _target(value: object, key: str, base: SlaTarget) -> SlaTarget:
    if not isinstance(value, Mapping):
        raise SlaConfigError(f"{key}: expected a table with response and resolution")
    unknown = sorted(set(value) - {"response", "resolution"})
    if unknown:
        raise SlaConfigError(f"{key}.{unknown[0]}: unknown setting; use response, resolution")
    if "response" in value:
        base = replace(base, response=_span(value["response"], f"{key}.response"))
    if "resolution" in value:
        base = replace(base, resolution=_span(value["resolution"], f"{key}.resolution"))
    return base


def _priority(name: object, key: str) -> Priority:
    try:
        return Priority(str(name))
    except ValueError:
        choices = ", ".join(p.value for p in Priority)
        raise SlaConfigError(f"{key}: unknown priority {name!r}; use {choices}") from None


def _table(value: object, key: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise SlaConfigError(f"{key}: expected a table")
    return value


def sla_policy_from_mapping(
    data: Mapping[str, object],
    *,
    key: str = "tickets.sla",
    categories: CodeCatalog = DEFAULT_CATEGORIES,
) -> SlaPolicy:
    """Defaults overlaid with ``[tickets.sla]``: ``manager_after``,
    ``pause_while_waiting_customer``, ``[priority.<p>]`` and ``[category.<c>.<p>]`` tables."""
    allowed = {"manager_after", "pause_while_waiting_customer", "priority", "category"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SlaConfigError(f"{key}.{unknown[0]}: unknown setting; use {sorted(allowed)}")
    by_priority = dict(DEFAULT_BY_PRIORITY)
    for name, value in _table(data.get("priority", {}), f"{key}.priority").items():
        p = _priority(name, f"{key}.priority.{name}")
        by_priority[p] = _target(value, f"{key}.priority.{name}", by_priority[p])
    overrides = dict(DEFAULT_OVERRIDES)
    for cat, table in _table(data.get("category", {}), f"{key}.category").items():
        if cat not in categories:
            raise SlaConfigError(
                f"{key}.category.{cat}: unknown category; use {', '.join(categories.codes)}"
            )
        for name, value in _table(table, f"{key}.category.{cat}").items():
            p = _priority(name, f"{key}.category.{cat}.{name}")
            base = overrides.get((cat, p), by_priority[p])
            overrides[(cat, p)] = _target(value, f"{key}.category.{cat}.{name}", base)
    manager_after = DEFAULT_MANAGER_AFTER
    if "manager_after" in data:
        manager_after = _span(data["manager_after"], f"{key}.manager_after")
    pause = data.get("pause_while_waiting_customer", True)
    if not isinstance(pause, bool):
        raise SlaConfigError(f"{key}.pause_while_waiting_customer: expected true or false")
    return SlaPolicy(by_priority, overrides, manager_after, pause)
