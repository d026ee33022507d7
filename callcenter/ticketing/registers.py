"""The complaint register (投诉登记) and callback visits (回访) on storage.

As in ``service``: the pure records in ``callcenter.tickets.complaints`` and
``callback_visits`` decide; this loads, applies, writes the row and the audit entries.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.db.ticket_models import CallbackVisitRow, ComplaintRow, TicketRow
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.service import TicketService, write_audit
from callcenter.ticketing.ticket_mapping import ticket_from_row
from callcenter.tickets.audit import AuditEntry
from callcenter.tickets.callback_visits import CallbackVisit, VisitOutcome, record_visit
from callcenter.tickets.complaints import (
    Acceptance,
    ComplaintChange,
    ComplaintRecord,
    ComplaintStatus,
    default_complaint_deadline,
    register_complaint,
)
from callcenter.tickets.ticket_number import TicketNumber

_RECORD_FIELDS = [f.name for f in fields(ComplaintRecord) if f.name != "ticket"]


def _record_from_row(row: ComplaintRow, number: str) -> ComplaintRecord:
    return ComplaintRecord(
        ticket=TicketNumber.parse(number),
        received_at=row.received_at,
        complainant=row.complainant,
        contact=row.contact,
        content=row.content,
        demands=row.demands,
        classification=row.classification,
        status=ComplaintStatus(row.status),
        responsible=row.responsible,
        deadline=row.deadline,
        substantiated=row.substantiated,
        result=row.result,
        remedy=row.remedy,
        feedback=row.feedback,
        fed_back_at=row.fed_back_at,
        acceptance=None if row.acceptance is None else Acceptance(row.acceptance),
        acceptance_note=row.acceptance_note,
        closed_at=row.closed_at,
        closing_note=row.closing_note,
        rounds=row.rounds,
    )


def complaint_record(session: Session, ticket: TicketRow) -> ComplaintRecord | None:
    row = TicketRepository(session).complaint(ticket.id)
    return None if row is None else _record_from_row(row, ticket.number)


def _visit_from_row(row: CallbackVisitRow, number: str) -> CallbackVisit:
    return CallbackVisit(
        ticket=TicketNumber.parse(number),
        due_at=row.due_at,
        outcome=None if row.outcome is None else VisitOutcome(row.outcome),
        visited_at=row.visited_at,
        visited_by=row.visited_by,
        satisfaction=row.satisfaction,
        problem_solved=row.problem_solved,
        note=row.note,
    )


class Registers:
    """Complaints and 回访 of tickets, through a ``TicketService`` (same session)."""

    def __init__(self, service: TicketService) -> None:
        self.service = service
        self.session = service.session
        self.rules = service.rules

    # -- complaints -----------------------------------------------------------------------

    def register_complaint(
        self, number: str, *, content: str, demands: str, classification: str, by: str
    ) -> ComplaintRow:
        ticket = self.service.tickets.require(number)
        if self.service.tickets.complaint(ticket.id) is not None:
            raise ValueError(f"ticket {number} has a complaint record already")
        change = register_complaint(
            ticket_from_row(ticket),
            by=by,
            content=content,
            demands=demands,
            classification=classification,
            classes=self.rules.complaint_classes,
        )
        row = ComplaintRow(ticket_id=ticket.id)
        self.session.add(row)
        return self._write(ticket, row, change)

    def assign_investigation(
        self, number: str, responsible: str, *, by: str, deadline: datetime | None = None
    ) -> ComplaintRow:
        ticket, row, record = self._complaint(number)
        at = self.service.clock()
        if deadline is None:
            deadline = default_complaint_deadline(
                at,
                ticket_from_row(ticket).priority,
                policy=self.rules.sla,
                calendar=self.rules.calendar,
            )
        change = record.assign_investigation(responsible, deadline, by=by, at=at)
        return self._write(ticket, row, change)

    def record_result(
        self, number: str, *, substantiated: bool, result: str, remedy: str | None, by: str
    ) -> ComplaintRow:
        ticket, row, record = self._complaint(number)
        change = record.record_result(
            substantiated=substantiated,
            result=result,
            remedy=remedy,
            by=by,
            at=self.service.clock(),
        )
        return self._write(ticket, row, change)

    def record_feedback(self, number: str, feedback: str, *, by: str) -> ComplaintRow:
        ticket, row, record = self._complaint(number)
        change = record.record_feedback(feedback, by=by, at=self.service.clock())
        return self._write(ticket, row, change)

    def record_acceptance(
        self, number: str, acceptance: Acceptance | str, *, by: str, note: str = ""
    ) -> ComplaintRow:
        ticket, row, record = self._complaint(number)
        change = record.record_acceptance(
            Acceptance(acceptance), note=note, by=by, at=self.service.clock()
        )
        return self._write(ticket, row, change)

    def reinvestigate(
        self, number: str, reason: str, deadline: datetime, *, by: str
    ) -> ComplaintRow:
        ticket, row, record = self._complaint(number)
        change = record.reinvestigate(reason, deadline, by=by, at=self.service.clock())
        return self._write(ticket, row, change)

    def close_complaint(self, number: str, *, by: str, note: str = "") -> ComplaintRow:
        ticket, row, record = self._complaint(number)
        return self._write(ticket, row, record.close(by=by, at=self.service.clock(), note=note))

    def complaints(
        self,
        *,
        status: str | None = None,
        overdue_at: datetime | None = None,
        received_from: datetime | None = None,
        received_before: datetime | None = None,
        limit: int = 200,
    ) -> list[tuple[ComplaintRow, TicketRow]]:
        query = select(ComplaintRow, TicketRow).join(
            TicketRow, TicketRow.id == ComplaintRow.ticket_id
        )
        if status is not None:
            query = query.where(ComplaintRow.status == status)
        if overdue_at is not None:
            waiting = ("registered", "investigating", "result_recorded")
            query = query.where(
                ComplaintRow.status.in_(waiting), ComplaintRow.deadline < overdue_at
            )
        if received_from is not None:
            query = query.where(ComplaintRow.received_at >= received_from)
        if received_before is not None:
            query = query.where(ComplaintRow.received_at < received_before)
        query = query.order_by(ComplaintRow.received_at.desc()).limit(limit)
        return [(c, t) for c, t in self.session.execute(query).all()]

    def _complaint(self, number: str) -> tuple[TicketRow, ComplaintRow, ComplaintRecord]:
        ticket = self.service.tickets.require(number)
        row = self.service.tickets.complaint(ticket.id)
        if row is None:
            raise LookupError(
                f"ticket {number} has no complaint record: register it first (投诉未登记)"
            )
        return ticket, row, _record_from_row(row, ticket.number)

    def _write(self, ticket: TicketRow, row: ComplaintRow, change: ComplaintChange) -> ComplaintRow:
        record = change.record
        for name in _RECORD_FIELDS:
            value = getattr(record, name)
            setattr(row, name, value.value if hasattr(value, "value") else value)
        self.session.flush()
        write_audit(self.session, ticket.id, change.audit)
        self.session.flush()
        return row

    # -- 回访 -----------------------------------------------------------------------------

    def record_visit(
        self,
        number: str,
        outcome: VisitOutcome | str,
        *,
        by: str,
        satisfaction: int | None = None,
        problem_solved: bool | None = None,
        note: str = "",
    ) -> CallbackVisitRow:
        """Record the pending 回访 of a ticket; "not solved" reopens the ticket."""
        ticket = self.service.tickets.require(number)
        pending = [v for v in self.service.tickets.visits(ticket.id) if v.outcome is None]
        if not pending:
            raise LookupError(f"ticket {number} has no pending callback visit (无待回访)")
        row, at = pending[0], self.service.clock()
        visit = record_visit(
            _visit_from_row(row, ticket.number),
            outcome=VisitOutcome(outcome),
            by=by,
            at=at,
            satisfaction=satisfaction,
            problem_solved=problem_solved,
            note=note,
        )
        row.outcome = None if visit.outcome is None else visit.outcome.value
        row.visited_at, row.visited_by = visit.visited_at, visit.visited_by
        row.satisfaction, row.problem_solved, row.note = (
            visit.satisfaction,
            visit.problem_solved,
            visit.note,
        )
        subject = f"V:{ticket.number}"
        entries = [AuditEntry(subject, at, by, "outcome", None, row.outcome, note)]
        if satisfaction is not None:
            entries.append(AuditEntry(subject, at, by, "satisfaction", None, str(satisfaction)))
        write_audit(self.session, ticket.id, entries)
        self.session.flush()
        if visit.needs_reopen and ticket.status == "resolved":
            self.service.reopen(ticket, f"回访: 客户表示问题未解决 {note}".strip(), by=by)
        return row

    def visits(
        self, *, overdue_at: datetime | None = None, pending: bool = False, limit: int = 200
    ) -> list[tuple[CallbackVisitRow, TicketRow]]:
        """Visits (most urgent first): all, pending ones, or pending and past due."""
        query = select(CallbackVisitRow, TicketRow).join(
            TicketRow, TicketRow.id == CallbackVisitRow.ticket_id
        )
        if pending or overdue_at is not None:
            query = query.where(CallbackVisitRow.outcome.is_(None))
        if overdue_at is not None:
            query = query.where(CallbackVisitRow.due_at < overdue_at)
        query = query.order_by(CallbackVisitRow.due_at).limit(limit)
        return [(v, t) for v, t in self.session.execute(query).all()]
