"""Reading tickets and what hangs off them; the list with filters.

Writes go through ``service.TicketService`` so that every change leaves audit rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from callcenter.db.models import CallRow
from callcenter.db.ticket_models import (
    AttachmentRow,
    CallbackVisitRow,
    ComplaintRow,
    EscalationRow,
    TicketAuditRow,
    TicketCallRow,
    TicketNoteRow,
    TicketRow,
)
from callcenter.tickets.ticket_fields import Status

OPEN_STATUSES = tuple(s.value for s in Status if s.is_open)
MAX_LIST = 500


class TicketNotFoundError(LookupError):
    def __init__(self, number: str) -> None:
        super().__init__(f"no ticket {number!r} (工单不存在)")
        self.number = number


@dataclass(frozen=True)
class TicketFilter:
    """What ``TicketRepository.list`` narrows by; ``None`` / empty means any."""

    statuses: Sequence[str] = ()
    open_only: bool = False
    assignee: str | None = None
    category: str | None = None
    priority: str | None = None
    channel: str | None = None
    customer_id: int | None = None
    escalated: bool = False
    overdue_at: datetime | None = None  # open and past the resolution deadline at this time
    opened_from: datetime | None = None
    opened_before: datetime | None = None


def apply_filter(query: Select[TicketRow], f: TicketFilter) -> Select[TicketRow]:
    statuses = list(f.statuses) or (list(OPEN_STATUSES) if f.open_only else [])
    if f.open_only and f.statuses:
        statuses = [s for s in statuses if s in OPEN_STATUSES]
    if len(statuses) == 1:
        query = query.where(TicketRow.status == statuses[0])
    elif statuses:
        query = query.where(TicketRow.status.in_(statuses))
    for column, value in (
        (TicketRow.assignee, f.assignee),
        (TicketRow.category, f.category),
        (TicketRow.priority, f.priority),
        (TicketRow.channel, f.channel),
        (TicketRow.customer_id, f.customer_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if f.escalated:
        query = query.where(TicketRow.escalation_level != "none")
    if f.overdue_at is not None:
        query = query.where(
            TicketRow.status.in_(OPEN_STATUSES), TicketRow.resolution_due < f.overdue_at
        )
    if f.opened_from is not None:
        query = query.where(TicketRow.opened_at >= f.opened_from)
    if f.opened_before is not None:
        query = query.where(TicketRow.opened_at < f.opened_before)
    return query


class TicketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, number: str) -> TicketRow | None:
        return self.session.scalars(select(TicketRow).where(TicketRow.number == number)).first()

    def require(self, number: str) -> TicketRow:
        row = self.get(number.strip())
        if row is None:
            raise TicketNotFoundError(number)
        return row

    def by_id(self, ticket_id: int) -> TicketRow | None:
        return self.session.get(TicketRow, ticket_id)

    def filtered(self, f: TicketFilter, *, limit: int = 50, offset: int = 0) -> list[TicketRow]:
        """Newest first."""
        if not 0 < limit <= MAX_LIST:
            raise ValueError(f"limit must be 1..{MAX_LIST}, got {limit}")
        query = apply_filter(select(TicketRow), f)
        query = query.order_by(TicketRow.opened_at.desc(), TicketRow.id.desc())
        return list(self.session.scalars(query.limit(limit).offset(offset)))

    def latest_open_for_customer(self, customer_id: int) -> TicketRow | None:
        query = apply_filter(select(TicketRow), TicketFilter(open_only=True))
        query = query.where(TicketRow.customer_id == customer_id)
        return self.session.scalars(query.order_by(TicketRow.opened_at.desc()).limit(1)).first()

    def for_call(self, call_id: int) -> list[TicketRow]:
        query = (
            select(TicketRow)
            .join(TicketCallRow, TicketCallRow.ticket_id == TicketRow.id)
            .where(TicketCallRow.call_id == call_id)
            .order_by(TicketRow.id)
        )
        return list(self.session.scalars(query))

    def notes(self, ticket_id: int) -> list[TicketNoteRow]:
        query = select(TicketNoteRow).where(TicketNoteRow.ticket_id == ticket_id)
        return list(self.session.scalars(query.order_by(TicketNoteRow.id)))

    def audit(self, ticket_id: int) -> list[TicketAuditRow]:
        query = select(TicketAuditRow).where(TicketAuditRow.ticket_id == ticket_id)
        return list(self.session.scalars(query.order_by(TicketAuditRow.id)))

    def calls(self, ticket_id: int) -> list[CallRow]:
        query = (
            select(CallRow)
            .join(TicketCallRow, TicketCallRow.call_id == CallRow.id)
            .where(TicketCallRow.ticket_id == ticket_id)
            .order_by(CallRow.started_at)
        )
        return list(self.session.scalars(query))

    def attachments(self, ticket_id: int) -> list[AttachmentRow]:
        query = select(AttachmentRow).where(AttachmentRow.ticket_id == ticket_id)
        return list(self.session.scalars(query.order_by(AttachmentRow.id)))

    def escalations(self, ticket_id: int) -> list[EscalationRow]:
        query = select(EscalationRow).where(EscalationRow.ticket_id == ticket_id)
        return list(self.session.scalars(query.order_by(EscalationRow.id)))

    def complaint(self, ticket_id: int) -> ComplaintRow | None:
        query = select(ComplaintRow).where(ComplaintRow.ticket_id == ticket_id)
        return self.session.scalars(query).first()

    def visits(self, ticket_id: int) -> list[CallbackVisitRow]:
        query = select(CallbackVisitRow).where(CallbackVisitRow.ticket_id == ticket_id)
        return list(self.session.scalars(query.order_by(CallbackVisitRow.id)))
