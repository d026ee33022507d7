"""Between the domain's ``Ticket`` (frozen, pure) and its row in ``tickets``."""

from __future__ import annotations

from datetime import datetime

from callcenter.db.ticket_models import TicketRow
from callcenter.tickets.sla import SlaDeadlines
from callcenter.tickets.ticket import Ticket, WaitingPeriod
from callcenter.tickets.ticket_fields import Channel, Priority, Status
from callcenter.tickets.ticket_number import TicketNumber


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def ticket_from_row(row: TicketRow) -> Ticket:
    periods = tuple(
        WaitingPeriod(datetime.fromisoformat(str(start)), _time(end))
        for start, end in (row.waiting_periods or [])
    )
    return Ticket(
        number=TicketNumber.parse(row.number),
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        channel=Channel(row.channel),
        category=row.category,
        priority=Priority(row.priority),
        customer_contact=row.contact,
        description=row.description,
        customer_name=row.customer_name,
        call_id=None if row.call_id is None else str(row.call_id),
        status=Status(row.status),
        assignee=row.assignee,
        updated_at=row.updated_at,
        first_response_at=row.first_response_at,
        resolved_at=row.resolved_at,
        resolution=row.resolution,
        closed_at=row.closed_at,
        cancelled_at=row.cancelled_at,
        cancel_reason=row.cancel_reason,
        reopen_count=row.reopen_count,
        waiting_periods=periods,
    )


def write_ticket(row: TicketRow, ticket: Ticket, due: SlaDeadlines) -> None:
    """Copy the domain ticket (and its current deadlines) onto the row."""
    row.number = str(ticket.number)
    row.channel = ticket.channel.value
    row.category = ticket.category
    row.priority = ticket.priority.value
    row.status = ticket.status.value
    row.assignee = ticket.assignee
    row.customer_name = ticket.customer_name
    row.contact = ticket.customer_contact
    row.description = ticket.description
    row.opened_by = ticket.opened_by
    row.opened_at = ticket.opened_at
    row.updated_at = ticket.updated_at or ticket.opened_at
    row.first_response_at = ticket.first_response_at
    row.resolved_at = ticket.resolved_at
    row.resolution = ticket.resolution
    row.closed_at = ticket.closed_at
    row.cancelled_at = ticket.cancelled_at
    row.cancel_reason = ticket.cancel_reason
    row.reopen_count = ticket.reopen_count
    row.waiting_periods = [[_iso(p.start), _iso(p.end)] for p in ticket.waiting_periods]
    row.response_due = due.response_due
    row.resolution_due = due.resolution_due
