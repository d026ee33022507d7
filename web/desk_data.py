"""What the agent desk shows, read from the notifier and the database (no writes here).

* the agent's state: the agents feature's latest payload when the controller runs in this
  process, else the last state the timeline stored;
* the screen pop of a call: the call as logged, its caller's customer record, the
  customer's earlier calls and open tickets;
* the agent's open tickets (due times, overdue marked) and today's calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from callcenter.agents.store import AgentRepository
from callcenter.db.base import as_utc, utcnow
from callcenter.db.call_repository import CallRepository, call_to_dict
from callcenter.db.call_search import CallFilter, search_calls
from callcenter.db.models import CallRow
from callcenter.db.ticket_models import CustomerRow, TicketRow
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.repository import TicketFilter, TicketRepository
from web.board_data import LIVE_KEY, local_midnight
from web.call_view import CallView

PAST_CALLS = 5
MY_TICKETS = 50
MY_CALLS = 100


@dataclass(frozen=True, slots=True)
class AgentStatus:
    state: str  # callcenter.agents.state.AgentState values
    since: float | None  # epoch seconds
    reason: str
    live: bool  # from the running controller (else from the stored timeline)


def agent_status(app: Flask, session: Session, extension: str) -> AgentStatus:
    notifier = app.extensions[LIVE_KEY].notifier
    for event in notifier.snapshot("agent"):
        if event.key == extension:
            p = event.payload
            return AgentStatus(str(p.get("state")), p.get("since"), p.get("reason") or "", True)
    row = AgentRepository(session).latest().get(extension)
    if row is None:
        return AgentStatus("logged_out", None, "", False)
    return AgentStatus(row.state, as_utc(row.at).timestamp(), row.reason or "", False)


@dataclass(frozen=True, slots=True)
class TicketLine:
    number: str
    category: str
    priority: str
    status: str
    customer_name: str
    contact: str
    description: str
    resolution_due: datetime
    overdue: bool


def ticket_lines(rows: list[TicketRow], now: datetime) -> list[TicketLine]:
    return [
        TicketLine(
            number=r.number,
            category=r.category,
            priority=r.priority,
            status=r.status,
            customer_name=r.customer_name,
            contact=r.contact,
            description=r.description,
            resolution_due=as_utc(r.resolution_due),
            overdue=as_utc(r.resolution_due) < now,
        )
        for r in rows
    ]


def my_open_tickets(session: Session, extension: str) -> list[TicketLine]:
    """Open tickets assigned to the agent, the most urgent deadline first."""
    rows = TicketRepository(session).filtered(
        TicketFilter(open_only=True, assignee=extension), limit=MY_TICKETS
    )
    lines = ticket_lines(rows, utcnow())
    return sorted(lines, key=lambda t: t.resolution_due)


def my_calls_today(app: Flask, session: Session, extension: str) -> list[CallView]:
    start = local_midnight(app.config["TIMEZONE"]).astimezone(UTC)
    f = CallFilter(agent=extension, started_from=start, started_before=start + timedelta(days=1))
    page = search_calls(session, f, per_page=MY_CALLS)
    return [CallView.from_contract(call_to_dict(r)) for r in page.rows]


@dataclass(frozen=True, slots=True)
class ScreenPop:
    call: CallView
    linkedid: str
    language: str | None
    customer: CustomerRow | None
    past_calls: list[CallView] = field(default_factory=list)
    open_tickets: list[TicketLine] = field(default_factory=list)
    call_tickets: list[str] = field(default_factory=list)  # tickets this call is linked to
    reaches_agent: bool = False  # the call rang or reached the desk's extension


def screen_pop(session: Session, linkedid: str, extension: str) -> ScreenPop | None:
    """The pop of the call ``linkedid``; None until the call store has written it."""
    row = CallRepository(session).by_linkedid(linkedid)
    if row is None:
        return None
    return pop_of(session, row, extension)


def pop_of(session: Session, row: CallRow, extension: str) -> ScreenPop:
    customer = CustomerRepository(session).by_number(row.caller_number)
    tickets = TicketRepository(session)
    past: list[CallView] = []
    open_tickets: list[TicketLine] = []
    if row.caller_number:
        page = search_calls(session, CallFilter(number=row.caller_number), per_page=PAST_CALLS + 1)
        past = [
            CallView.from_contract(call_to_dict(r))
            for r in page.rows
            if r.id != row.id and r.caller_number == row.caller_number
        ][:PAST_CALLS]
    if customer is not None:
        found = tickets.filtered(TicketFilter(open_only=True, customer_id=customer.id))
        open_tickets = ticket_lines(found, utcnow())
    return ScreenPop(
        call=CallView.from_contract(call_to_dict(row)),
        linkedid=row.linkedid,
        language=row.language,
        customer=customer,
        past_calls=past,
        open_tickets=open_tickets,
        call_tickets=[t.number for t in tickets.for_call(row.id)],
        reaches_agent=reaches(row, extension),
    )


def reaches(row: CallRow, extension: str) -> bool:
    """Did the call ring or reach ``extension`` (its agent, or an agent it rang)?"""
    if row.agent == extension:
        return True
    return any(
        e.get("kind") == "agent_ring" and str(e.get("detail")) == extension
        for e in row.timeline or []
    )


def desk_extensions(session: Session, configured: list[str]) -> list[dict[str, Any]]:
    """Every agent extension (configured or provisioned) with its name, for supervisors."""
    names = {row.extension: row.name for row in AgentRepository(session).all()}
    extensions = sorted(set(configured) | set(names), key=lambda e: (len(e), e))
    return [{"extension": e, "name": names.get(e, "")} for e in extensions]
