"""The desk's periodic figures (统计), defined once, pure: what counts as offered,
answered within N seconds, on time. Storage computes the same numbers with SQL aggregates
for speed (``callcenter.ticketing.reports``); a test checks both agree on a known set.

Definitions (seed 000 "定期整理和统计"; the wallboard's service level is the same idea):
- offered: a call that reached a queue (calls that ended in the IVR -- voicemail, callback
  request, blocked, hung up in the menu -- were never offered to an agent);
- answered / abandoned: offered calls by disposition; answered within N s: wait <= N;
- average speed of answer (ASA): mean wait of answered calls; handle time: mean talk time;
- service level: answered within N s / offered; abandon rate: abandoned / offered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"  # seed 002: "质量管理部每季度对服务质量进行检查"


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """Local dates ``start`` (included) to ``end`` (excluded) of one day, week, month or
    quarter."""

    kind: PeriodKind
    start: date
    end: date

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> ReportPeriod:
        if kind is PeriodKind.DAY:
            return cls(kind, day, day + timedelta(days=1))
        if kind is PeriodKind.WEEK:
            monday = day - timedelta(days=day.weekday())
            return cls(kind, monday, monday + timedelta(days=7))
        if kind is PeriodKind.QUARTER:
            first = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
            following = (first + timedelta(days=95)).replace(day=1)
            return cls(kind, first, following)
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(kind, first, following)

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.isoformat()

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The instants the period starts and ends at in the desk's time zone."""
        return (
            datetime.combine(self.start, time(0), tzinfo=tz),
            datetime.combine(self.end, time(0), tzinfo=tz),
        )

    def following(self) -> ReportPeriod:
        return ReportPeriod.containing(self.kind, self.end)


def periods_between(kind: PeriodKind, first: date, last: date) -> list[ReportPeriod]:
    """The periods of ``kind`` from the one containing ``first`` to the one with ``last``."""
    periods = [ReportPeriod.containing(kind, first)]
    while periods[-1].end <= last:
        periods.append(periods[-1].following())
    return periods


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What the figures need of one call."""

    queued: bool
    disposition: str | None
    wait_seconds: float
    talk_seconds: float


@dataclass(frozen=True, slots=True)
class CallFigures:
    calls: int
    offered: int
    answered: int
    abandoned: int
    answered_within: int
    threshold_seconds: int
    wait_answered_seconds: float  # sums: the averages are derived
    talk_answered_seconds: float

    @property
    def asa_seconds(self) -> float | None:
        return self.wait_answered_seconds / self.answered if self.answered else None

    @property
    def handle_seconds(self) -> float | None:
        return self.talk_answered_seconds / self.answered if self.answered else None

    @property
    def service_level(self) -> float | None:
        return self.answered_within / self.offered if self.offered else None

    @property
    def abandon_rate(self) -> float | None:
        return self.abandoned / self.offered if self.offered else None


def call_figures(calls: Iterable[CallFacts], threshold_seconds: int) -> CallFigures:
    total = offered = answered = abandoned = within = 0
    wait_sum = talk_sum = 0.0
    for c in calls:
        total += 1
        if not c.queued:
            continue
        offered += 1
        if c.disposition == "answered":
            answered += 1
            wait_sum += c.wait_seconds
            talk_sum += c.talk_seconds
            within += c.wait_seconds <= threshold_seconds
        elif c.disposition == "abandoned":
            abandoned += 1
    return CallFigures(
        total, offered, answered, abandoned, within, threshold_seconds, wait_sum, talk_sum
    )


@dataclass(frozen=True, slots=True)
class TicketFigures:
    opened: int
    resolved: int
    resolved_within_sla: int
    responded: int  # of the tickets opened in the period: responded to (so far)
    responded_within_sla: int
    complaints: int
    complaints_closed: int
    visits_due: int
    visits_on_time: int
    rated: int
    satisfied: int
    satisfaction_target: float  # 0.9 = 90 %

    @property
    def resolution_sla_rate(self) -> float | None:
        return self.resolved_within_sla / self.resolved if self.resolved else None

    @property
    def visits_on_time_rate(self) -> float | None:
        return self.visits_on_time / self.visits_due if self.visits_due else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def meets_satisfaction_target(self) -> bool | None:
        rate = self.satisfaction_rate
        return None if rate is None else rate >= self.satisfaction_target


@dataclass(frozen=True, slots=True)
class AgentAppraisal:
    """One agent's month (月度考核): calls, tickets, 回访 scores, escalations."""

    agent: str
    calls_answered: int
    answered_within: int
    talk_seconds: float
    tickets_resolved: int
    resolved_within_sla: int
    escalated: int
    rated: int
    satisfied: int

    @property
    def handle_seconds(self) -> float | None:
        return self.talk_seconds / self.calls_answered if self.calls_answered else None

    @property
    def sla_rate(self) -> float | None:
        return self.resolved_within_sla / self.tickets_resolved if self.tickets_resolved else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)
