"""Periodic reports (day / week / month) and the monthly appraisal per agent, as SQL
aggregates (one pass per table per period); definitions in
``callcenter.tickets.report_figures``. ``report_csv`` writes what the console draws."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from callcenter.db.models import CallRow
from callcenter.db.ticket_models import (
    CallbackVisitRow,
    ComplaintRow,
    EscalationRow,
    TicketRow,
)
from callcenter.ticketing.rules import DeskRules
from callcenter.tickets.report_figures import (
    AgentAppraisal,
    CallFigures,
    PeriodKind,
    ReportPeriod,
    TicketFigures,
    rounded,
)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum(value: Any, condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0.0)), 0.0)


def call_figures_between(
    session: Session, start: datetime, end: datetime, threshold: int
) -> CallFigures:
    c = CallRow
    offered = c.queue.is_not(None)
    answered = offered & (c.disposition == "answered")
    query = select(
        func.count(),
        _count(offered),
        _count(answered),
        _count(offered & (c.disposition == "abandoned")),
        _count(answered & (c.wait_seconds <= threshold)),
        _sum(c.wait_seconds, answered),
        _sum(c.talk_seconds, answered),
    ).where(c.started_at >= start, c.started_at < end)
    total, off, ans, aban, within, wait, talk = session.execute(query).one()
    return CallFigures(
        int(total), int(off), int(ans), int(aban), int(within), threshold, float(wait), float(talk)
    )


def ticket_figures_between(
    session: Session, start: datetime, end: datetime, rules: DeskRules
) -> TicketFigures:
    t = TicketRow
    opened, responded, responded_ok = session.execute(
        select(
            func.count(),
            _count(t.first_response_at.is_not(None)),
            _count(t.first_response_at <= t.response_due),
        ).where(t.opened_at >= start, t.opened_at < end)
    ).one()
    resolved, resolved_ok = session.execute(
        select(func.count(), _count(t.resolved_at <= t.resolution_due)).where(
            t.resolved_at >= start, t.resolved_at < end
        )
    ).one()
    k = ComplaintRow
    complaints, complaints_closed = session.execute(
        select(func.count(), _count(k.status == "closed")).where(
            k.received_at >= start, k.received_at < end
        )
    ).one()
    v = CallbackVisitRow
    due, on_time = session.execute(
        select(func.count(), _count(v.visited_at <= v.due_at)).where(
            v.due_at >= start, v.due_at < end
        )
    ).one()
    satisfied_min = rules.callback.satisfied_min_score
    rated, satisfied = session.execute(
        select(_count(v.satisfaction.is_not(None)), _count(v.satisfaction >= satisfied_min)).where(
            v.visited_at >= start, v.visited_at < end
        )
    ).one()
    return TicketFigures(
        int(opened),
        int(resolved),
        int(resolved_ok),
        int(responded),
        int(responded_ok),
        int(complaints),
        int(complaints_closed),
        int(due),
        int(on_time),
        int(rated),
        int(satisfied),
        float(rules.callback.satisfaction_target),
    )


@dataclass(frozen=True)
class PeriodReport:
    period: ReportPeriod
    calls: CallFigures
    tickets: TicketFigures

    def as_dict(self) -> dict[str, Any]:
        c, t = self.calls, self.tickets
        return {
            "period": self.period.label,
            "kind": self.period.kind.value,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "calls": c.calls,
            "offered": c.offered,
            "answered": c.answered,
            "abandoned": c.abandoned,
            "answered_within": c.answered_within,
            "answered_within_seconds": c.threshold_seconds,
            "service_level": rounded(c.service_level),
            "abandon_rate": rounded(c.abandon_rate),
            "asa_seconds": rounded(c.asa_seconds, 1),
            "handle_seconds": rounded(c.handle_seconds, 1),
            "tickets_opened": t.opened,
            "tickets_resolved": t.resolved,
            "resolved_within_sla": t.resolved_within_sla,
            "resolution_sla_rate": rounded(t.resolution_sla_rate),
            "responded_within_sla": t.responded_within_sla,
            "complaints": t.complaints,
            "complaints_closed": t.complaints_closed,
            "visits_due": t.visits_due,
            "visits_on_time": t.visits_on_time,
            "visits_on_time_rate": rounded(t.visits_on_time_rate),
            "rated": t.rated,
            "satisfied": t.satisfied,
            "satisfaction_rate": rounded(t.satisfaction_rate),
            "satisfaction_target": t.satisfaction_target,
            "meets_satisfaction_target": t.meets_satisfaction_target,
        }


def period_report(session: Session, rules: DeskRules, period: ReportPeriod) -> PeriodReport:
    start, end = period.bounds(rules.tz)
    return PeriodReport(
        period,
        call_figures_between(session, start, end, rules.answered_within_seconds),
        ticket_figures_between(session, start, end, rules),
    )


MAX_PERIODS = 400  # a bit over a year of days; each period is two queries


def report_series(
    session: Session, rules: DeskRules, kind: PeriodKind, first: date, last: date
) -> list[PeriodReport]:
    """One report per period from the one holding ``first`` to the one holding ``last``;
    ValueError for a reversed range, more than ``MAX_PERIODS`` periods, or dates at the
    end of the calendar."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    try:
        periods = [ReportPeriod.containing(kind, first)]
        while periods[-1].end <= last:
            if len(periods) >= MAX_PERIODS:
                raise ValueError(
                    f"{first} to {last} is more than {MAX_PERIODS} {kind.value} periods;"
                    " ask for a shorter range or a longer period"
                )
            periods.append(periods[-1].following())
    except OverflowError:
        raise ValueError(f"{first} to {last}: dates out of range") from None
    return [period_report(session, rules, p) for p in periods]


def monthly_appraisal(
    session: Session, rules: DeskRules, year: int, month: int
) -> list[AgentAppraisal]:
    """Per agent: answered calls (and within N s), handle time, tickets resolved (within
    SLA), escalations of their tickets, 回访 scores of their tickets, for the month."""
    period = ReportPeriod.containing(PeriodKind.MONTH, date(year, month, 1))
    start, end = period.bounds(rules.tz)
    threshold = rules.answered_within_seconds
    c, t, v, e = CallRow, TicketRow, CallbackVisitRow, EscalationRow
    rows: dict[str, list[float]] = {}

    def add(agent: str | None, index: int, values: Sequence[Any]) -> None:
        if agent:
            slot = rows.setdefault(agent, [0.0] * 8)
            for i, value in enumerate(values):
                slot[index + i] += float(value or 0)

    calls = select(
        c.agent, func.count(), _count(c.wait_seconds <= threshold), func.sum(c.talk_seconds)
    ).where(c.started_at >= start, c.started_at < end, c.disposition == "answered")
    for agent, *vals in session.execute(calls.group_by(c.agent)):
        add(agent, 0, vals)
    tickets = select(t.assignee, func.count(), _count(t.resolved_at <= t.resolution_due)).where(
        t.resolved_at >= start, t.resolved_at < end, t.assignee_kind == "agent"
    )
    for agent, *vals in session.execute(tickets.group_by(t.assignee)):
        add(agent, 3, vals)
    escalated = (
        select(t.assignee, func.count(func.distinct(e.ticket_id)))
        .join(t, t.id == e.ticket_id)
        .where(e.created_at >= start, e.created_at < end)
    )
    for agent, *vals in session.execute(escalated.group_by(t.assignee)):
        add(agent, 5, vals)
    scores = select(
        v.handled_by,
        _count(v.satisfaction.is_not(None)),
        _count(v.satisfaction >= rules.callback.satisfied_min_score),
    ).where(v.visited_at >= start, v.visited_at < end)
    for agent, *vals in session.execute(scores.group_by(v.handled_by)):
        add(agent, 6, vals)
    return [
        AgentAppraisal(
            agent, int(s[0]), int(s[1]), s[2], int(s[3]), int(s[4]), int(s[5]), int(s[6]), int(s[7])
        )
        for agent, s in sorted(rows.items())
    ]


def appraisal_to_dict(a: AgentAppraisal) -> dict[str, Any]:
    return {
        "agent": a.agent,
        "calls_answered": a.calls_answered,
        "answered_within": a.answered_within,
        "handle_seconds": rounded(a.handle_seconds, 1),
        "tickets_resolved": a.tickets_resolved,
        "resolved_within_sla": a.resolved_within_sla,
        "sla_rate": rounded(a.sla_rate),
        "escalated": a.escalated,
        "rated": a.rated,
        "satisfied": a.satisfied,
        "satisfaction_rate": rounded(a.satisfaction_rate),
    }


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """CSV with a header row (UTF-8; Excel users open it with a BOM, see the CLI)."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()
