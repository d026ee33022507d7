"""回访: the follow-up call that checks the result and asks for a satisfaction score.

- When: seed 004 "3、客户致电服务中心的5个工作日内,客服中心应对客户进行回访" -- within 5
  working days *of the customer's call*. That is the default (``counted_from=CALL``: the
  ticket's ``opened_at``); a desk that counts from resolution sets ``counted_from=RESOLVED``.
  "Within 5 working days" = by close of business on the 5th working day after that day.
- What: seed 004 "负责对IT服务的结果进行回访和验证" (verify the result: ``problem_solved``;
  False means the ticket is reopened) and seed 000 "征求客户的反馈意见和满意度评价".
- Target: seed 002 "服务结果应符合客户的预期,客户满意度应达到90%以上" -> 90 %, reached when
  the rate is >= 90 %. Scores 1-5; 4 (满意) and 5 (非常满意) count as satisfied. Seed 002 has
  the quality department check every quarter ("每季度"), hence ``Period.quarter``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from callcenter.tickets.business_calendar import BusinessCalendar, require_aware
from callcenter.tickets.ticket import Ticket
from callcenter.tickets.ticket_number import TicketNumber

SATISFACTION_LABELS = {1: "非常不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "非常满意"}


class VisitAnchor(StrEnum):
    CALL = "call"
    RESOLVED = "resolved"


class VisitOutcome(StrEnum):
    COMPLETED = "completed"
    UNREACHABLE = "unreachable"
    DECLINED = "declined"

    @property
    def zh(self) -> str:
        return {"completed": "已回访", "unreachable": "无法联系", "declined": "客户拒绝"}[
            self.value
        ]


@dataclass(frozen=True, slots=True)
class CallbackPolicy:
    within_working_days: int = 5
    counted_from: VisitAnchor = VisitAnchor.CALL
    satisfaction_target: Fraction = Fraction(90, 100)
    satisfied_min_score: int = 4

    def __post_init__(self) -> None:
        if self.within_working_days < 0:
            raise ValueError("within_working_days must be >= 0")
        if not 0 <= self.satisfaction_target <= 1:
            raise ValueError("satisfaction_target is a fraction between 0 and 1 (0.9 = 90 %)")
        if self.satisfied_min_score not in SATISFACTION_LABELS:
            raise ValueError("satisfied_min_score must be 1..5")


@dataclass(frozen=True, slots=True)
class CallbackVisit:
    ticket: TicketNumber
    due_at: datetime
    outcome: VisitOutcome | None = None
    visited_at: datetime | None = None
    visited_by: str | None = None
    satisfaction: int | None = None
    problem_solved: bool | None = None
    note: str = ""

    @property
    def is_done(self) -> bool:
        return self.outcome is not None

    @property
    def done_late(self) -> bool:
        return self.visited_at is not None and self.visited_at > self.due_at

    @property
    def needs_reopen(self) -> bool:
        """The customer says the problem is not solved: reopen the ticket."""
        return self.outcome is VisitOutcome.COMPLETED and self.problem_solved is False

    def is_overdue(self, now: datetime) -> bool:
        require_aware(now, "now")
        return self.outcome is None and now > self.due_at


def visit_due(ticket: Ticket, *, policy: CallbackPolicy, calendar: BusinessCalendar) -> datetime:
    """When the 回访 of ``ticket`` is due under ``policy``."""
    if policy.counted_from is VisitAnchor.CALL:
        anchor = ticket.opened_at
    elif ticket.resolved_at is not None:
        anchor = ticket.resolved_at
    else:
        raise ValueError(f"工单 {ticket.number}: not resolved, no 回访 counted from resolution")
    return calendar.add_working_days(anchor, policy.within_working_days)


def schedule_visit(
    ticket: Ticket, *, policy: CallbackPolicy, calendar: BusinessCalendar
) -> CallbackVisit:
    return CallbackVisit(ticket.number, visit_due(ticket, policy=policy, calendar=calendar))


def record_visit(
    visit: CallbackVisit,
    *,
    outcome: VisitOutcome,
    by: str,
    at: datetime,
    satisfaction: int | None = None,
    problem_solved: bool | None = None,
    note: str = "",
) -> CallbackVisit:
    """Record how the visit went; a score and the verification only when it took place."""
    require_aware(at)
    if visit.is_done:
        raise ValueError(f"回访 {visit.ticket}: already recorded as {visit.outcome}")
    if outcome is not VisitOutcome.COMPLETED and (
        satisfaction is not None or problem_solved is not None
    ):
        raise ValueError(f"回访 {visit.ticket}: no score or verification when {outcome.value}")
    if satisfaction is not None and (
        isinstance(satisfaction, bool) or satisfaction not in SATISFACTION_LABELS
    ):
        raise ValueError(f"回访 {visit.ticket}: satisfaction must be 1..5, got {satisfaction!r}")
    return replace(
        visit,
        outcome=outcome,
        visited_at=at,
        visited_by=by,
        satisfaction=satisfaction,
        problem_solved=problem_solved,
        note=note,
    )


def overdue_visits(visits: Iterable[CallbackVisit], now: datetime) -> list[CallbackVisit]:
    """Visits not done and past due, the most overdue first."""
    return sorted((v for v in visits if v.is_overdue(now)), key=lambda v: v.due_at)


@dataclass(frozen=True, slots=True)
class Period:
    """Local dates ``start`` (included) to ``end`` (excluded)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period ends after it starts")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return cls(date(year, month, 1), nxt)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter is 1..4")
        first = 3 * quarter - 2
        return cls(date(year, first, 1), cls.month(year, first + 2).end)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


@dataclass(frozen=True, slots=True)
class SatisfactionReport:
    period: Period
    rated: int
    satisfied: int
    target: Fraction

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.satisfied, self.rated) if self.rated else None

    @property
    def meets_target(self) -> bool | None:
        rate = self.rate
        return None if rate is None else rate >= self.target

    @property
    def percent(self) -> float | None:
        rate = self.rate
        return None if rate is None else float(rate * 100)


def satisfaction_rate(
    visits: Iterable[CallbackVisit], period: Period, *, policy: CallbackPolicy, tz: ZoneInfo
) -> SatisfactionReport:
    """Share of scored visits in ``period`` (by the desk's local visit date) that were
    satisfied, against the target. Visits without a score are not counted."""
    scores = [
        v.satisfaction
        for v in visits
        if v.satisfaction is not None
        and v.visited_at is not None
        and v.visited_at.astimezone(tz).date() in period
    ]
    satisfied = sum(1 for s in scores if s >= policy.satisfied_min_score)
    return SatisfactionReport(period, len(scores), satisfied, policy.satisfaction_target)
