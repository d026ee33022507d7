"""SLA evaluation: deadlines of a ticket, its breaches at a moment, and who it escalates to.

Pure: give it the ticket, ``now``, the policy and the calendar; it answers, it does not act.
A scheduler calls ``evaluate`` again at ``escalation.next_check_at``.

- Response is met by the ticket's ``first_response_at`` (work started or resolved at first
  contact: seed 002 "服务响应:客服人员按规定时间内给予客户反馈").
- Resolution is met by ``resolved_at``; with ``pause_while_waiting_customer`` the working
  time spent waiting for the customer moves the deadline later.
- Escalation (seed 001 "问题升级制度"; "防止纠纷升级"): an ongoing breach goes to the
  supervisor (主管) at the deadline, and to the manager (经理) when still open
  ``policy.manager_after`` of working time later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from callcenter.tickets.business_calendar import BusinessCalendar, require_aware
from callcenter.tickets.sla_policy import SlaPolicy
from callcenter.tickets.ticket import Ticket
from callcenter.tickets.ticket_fields import Status


class BreachKind(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"

    @property
    def zh(self) -> str:
        return "响应超时" if self is BreachKind.RESPONSE else "解决超时"


class EscalationLevel(StrEnum):
    NONE = "none"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"

    @property
    def zh(self) -> str:
        return {"none": "无", "supervisor": "主管", "manager": "经理"}[self.value]


@dataclass(frozen=True, slots=True)
class SlaDeadlines:
    response_due: datetime
    resolution_due: datetime


@dataclass(frozen=True, slots=True)
class Breach:
    """A deadline missed: ``late_by`` is working time; ``ongoing`` while still not met."""

    kind: BreachKind
    due: datetime
    late_by: timedelta
    ongoing: bool


@dataclass(frozen=True, slots=True)
class Escalation:
    """Who must look at the ticket now, since when, and when to check again."""

    level: EscalationLevel
    since: datetime | None
    reasons: tuple[BreachKind, ...]
    next_check_at: datetime | None


@dataclass(frozen=True, slots=True)
class SlaReport:
    deadlines: SlaDeadlines
    breaches: tuple[Breach, ...]
    escalation: Escalation


def waiting_working_time(ticket: Ticket, now: datetime, calendar: BusinessCalendar) -> timedelta:
    """Working time the ticket has spent waiting for the customer, up to ``now``."""
    total = timedelta(0)
    for period in ticket.waiting_periods:
        end = period.end if period.end is not None else max(now, period.start)
        total += calendar.working_time_between(period.start, end)
    return total


def deadlines(
    ticket: Ticket, now: datetime, *, policy: SlaPolicy, calendar: BusinessCalendar
) -> SlaDeadlines:
    """Response and resolution deadlines, counted from ``opened_at`` on the calendar."""
    require_aware(now, "now")
    target = policy.target_for(ticket.category, ticket.priority)
    response_due = target.response.due_from(ticket.opened_at, calendar)
    resolution_due = target.resolution.due_from(ticket.opened_at, calendar)
    if policy.pause_while_waiting_customer and ticket.waiting_periods:
        paused = waiting_working_time(ticket, now, calendar)
        resolution_due = calendar.add_working_time(resolution_due, paused)
    return SlaDeadlines(response_due, resolution_due)


def _breach(
    kind: BreachKind,
    due: datetime,
    met_at: datetime | None,
    now: datetime,
    calendar: BusinessCalendar,
) -> Breach | None:
    actual = met_at if met_at is not None else now
    if actual <= due:
        return None
    return Breach(kind, due, calendar.working_time_between(due, actual), met_at is None)


def breaches(
    ticket: Ticket, now: datetime, *, policy: SlaPolicy, calendar: BusinessCalendar
) -> list[Breach]:
    """Deadlines missed as of ``now`` (met late, or still not met). None for cancelled."""
    if ticket.status is Status.CANCELLED:
        return []
    due = deadlines(ticket, now, policy=policy, calendar=calendar)
    found = [
        _breach(BreachKind.RESPONSE, due.response_due, ticket.first_response_at, now, calendar),
        _breach(BreachKind.RESOLUTION, due.resolution_due, ticket.resolved_at, now, calendar),
    ]
    return [b for b in found if b is not None]


def escalation(
    ticket: Ticket, now: datetime, *, policy: SlaPolicy, calendar: BusinessCalendar
) -> Escalation:
    return evaluate(ticket, now, policy=policy, calendar=calendar).escalation


def evaluate(
    ticket: Ticket, now: datetime, *, policy: SlaPolicy, calendar: BusinessCalendar
) -> SlaReport:
    """Deadlines, breaches and the escalation decision for ``ticket`` at ``now``."""
    due = deadlines(ticket, now, policy=policy, calendar=calendar)
    found = tuple(breaches(ticket, now, policy=policy, calendar=calendar))
    ongoing = [b for b in found if b.ongoing]
    if not ticket.status.is_open:
        decision = Escalation(EscalationLevel.NONE, None, (), None)
    elif not ongoing:
        upcoming = due.response_due if ticket.first_response_at is None else due.resolution_due
        waiting = ticket.status is Status.WAITING_CUSTOMER and policy.pause_while_waiting_customer
        next_check = None if waiting and ticket.first_response_at is not None else upcoming
        decision = Escalation(EscalationLevel.NONE, None, (), next_check)
    else:
        since = min(b.due for b in ongoing)
        manager_at = policy.manager_after.due_from(since, calendar)
        reasons = tuple(b.kind for b in ongoing)
        if now >= manager_at:
            decision = Escalation(EscalationLevel.MANAGER, manager_at, reasons, None)
        else:
            decision = Escalation(EscalationLevel.SUPERVISOR, since, reasons, manager_at)
    return SlaReport(due, found, decision)
