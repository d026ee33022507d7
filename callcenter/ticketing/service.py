"""Ticket operations on storage: the pure domain decides, this writes the result.

Each method loads the row, rebuilds the domain ``Ticket``, applies the domain operation
(which checks the rule and returns the new ticket and its audit entries), then writes the
ticket, its current SLA deadlines and one audit row per changed field, in the caller's
session: the caller's ``session_scope`` makes it one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from callcenter.db.base import utcnow
from callcenter.db.models import CallRow
from callcenter.db.ticket_models import (
    CallbackVisitRow,
    TicketAuditRow,
    TicketCallRow,
    TicketNoteRow,
    TicketRow,
)
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.numbering import allocate_ticket_number
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.rules import DeskRules
from callcenter.ticketing.ticket_mapping import ticket_from_row, write_ticket
from callcenter.tickets.audit import AuditEntry
from callcenter.tickets.callback_visits import schedule_visit
from callcenter.tickets.complaints import close_complaint_ticket
from callcenter.tickets.sla import SlaDeadlines, deadlines
from callcenter.tickets.ticket import Ticket, TicketChange, open_ticket
from callcenter.tickets.ticket_fields import Channel, Priority, Status

Clock = Callable[[], datetime]
NOTE_KINDS = ("agent", "system", "transcript")


def write_audit(session: Session, ticket_id: int, entries: Iterable[AuditEntry]) -> None:
    for e in entries:
        session.add(
            TicketAuditRow(
                ticket_id=ticket_id,
                subject=e.subject,
                at=e.at,
                actor=e.by,
                field=e.field,
                old=e.old,
                new=e.new,
                note=e.note,
            )
        )


class TicketService:
    def __init__(self, session: Session, *, rules: DeskRules, clock: Clock = utcnow) -> None:
        self.session = session
        self.rules = rules
        self.clock = clock
        self.tickets = TicketRepository(session)
        self.customers = CustomerRepository(session)

    # -- registration ---------------------------------------------------------------------

    def create(
        self,
        *,
        by: str,
        channel: Channel | str,
        category: str,
        description: str,
        contact: str,
        priority: Priority | str = Priority.NORMAL,
        customer_name: str = "",
        customer_id: int | None = None,
        call_id: int | None = None,
        assignee: str | None = None,
        team: bool = False,
        at: datetime | None = None,
    ) -> TicketRow:
        """Register a ticket (问题登记) with a new number; link its customer and call."""
        at = at or self.clock()
        if customer_id is None and contact.strip():
            customer = self.customers.ensure_for_number(contact, customer_name)
            customer_id = None if customer is None else customer.id
        if customer_id is not None and not customer_name:
            found = self.customers.get(customer_id)
            customer_name = found.name if found is not None else ""
        number = allocate_ticket_number(self.session, self.rules.calendar.local_date(at))
        change = open_ticket(
            number,
            opened_at=at,
            opened_by=by,
            channel=Channel(channel),
            category=category,
            priority=Priority(priority),
            customer_contact=contact,
            description=description,
            customer_name=customer_name,
            categories=self.rules.categories,
        )
        row = TicketRow(customer_id=customer_id, escalation_level="none", assignee_kind=None)
        self._write(row, change, at)
        if call_id is not None:
            self.link_call(row, call_id, by=by, at=at, opening=True)
        if assignee:
            self.assign(row, assignee, by=by, team=team, at=at)
        return row

    # -- the status machine ---------------------------------------------------------------

    def assign(
        self,
        ticket: TicketRow | str,
        assignee: str,
        *,
        by: str,
        team: bool = False,
        note: str = "",
        at: datetime | None = None,
    ) -> TicketRow:
        row = self._row(ticket)
        at = at or self.clock()
        change = ticket_from_row(row).assign(assignee, by=by, at=at, note=note)
        kind = "team" if team else "agent"
        if row.assignee_kind != kind:
            extra = AuditEntry(row.number, at, by, "assignee_kind", row.assignee_kind, kind)
            change = TicketChange(change.ticket, (*change.audit, extra))
            row.assignee_kind = kind
        return self._write(row, change, at)

    def start(self, ticket: TicketRow | str, *, by: str, note: str = "") -> TicketRow:
        row, at = self._row(ticket), self.clock()
        return self._write(row, ticket_from_row(row).start(by=by, at=at, note=note), at)

    def wait(self, ticket: TicketRow | str, *, by: str, note: str = "") -> TicketRow:
        row, at = self._row(ticket), self.clock()
        change = ticket_from_row(row).wait_for_customer(by=by, at=at, note=note)
        return self._write(row, change, at)

    def resolve(self, ticket: TicketRow | str, resolution: str, *, by: str) -> TicketRow:
        """Resolve, and schedule the 回访 (due within N working days of the call)."""
        row, at = self._row(ticket), self.clock()
        change = ticket_from_row(row).resolve(resolution, by=by, at=at)
        self._write(row, change, at)
        self.schedule_visit(row, by=by, at=at)
        return row

    def close(self, ticket: TicketRow | str, *, by: str) -> TicketRow:
        row, at = self._row(ticket), self.clock()
        domain = ticket_from_row(row)
        if domain.is_complaint:
            from callcenter.ticketing.registers import complaint_record

            record = complaint_record(self.session, row)
            if record is None:
                change = domain.close(by=by, at=at)  # raises: the register is incomplete
            else:
                change = close_complaint_ticket(domain, record, by=by, at=at)
        else:
            change = domain.close(by=by, at=at)
        return self._write(row, change, at)

    def reopen(self, ticket: TicketRow | str, reason: str, *, by: str) -> TicketRow:
        row, at = self._row(ticket), self.clock()
        return self._write(row, ticket_from_row(row).reopen(reason, by=by, at=at), at)

    def cancel(self, ticket: TicketRow | str, reason: str, *, by: str) -> TicketRow:
        row, at = self._row(ticket), self.clock()
        return self._write(row, ticket_from_row(row).cancel(reason, by=by, at=at), at)

    def change_priority(
        self, ticket: TicketRow | str, priority: Priority | str, *, by: str, reason: str
    ) -> TicketRow:
        row, at = self._row(ticket), self.clock()
        domain = ticket_from_row(row)
        change = domain.change_priority(Priority(priority), by=by, at=at, reason=reason)
        return self._write(row, change, at)

    def change_category(self, ticket: TicketRow | str, category: str, *, by: str) -> TicketRow:
        row, at = self._row(ticket), self.clock()
        domain = ticket_from_row(row)
        change = domain.change_category(category, by=by, at=at, categories=self.rules.categories)
        return self._write(row, change, at)

    # -- notes, calls, visits -------------------------------------------------------------

    def add_note(
        self,
        ticket: TicketRow | str,
        body: str,
        *,
        by: str,
        kind: str = "agent",
        call_id: int | None = None,
        at: datetime | None = None,
    ) -> TicketNoteRow:
        if kind not in NOTE_KINDS:
            raise ValueError(f"note kind {kind!r} is not one of {', '.join(NOTE_KINDS)}")
        if not body.strip():
            raise ValueError("a note needs text (备注不能为空)")
        row, at = self._row(ticket), at or self.clock()
        note = TicketNoteRow(
            ticket_id=row.id, author=by, kind=kind, body=body, call_id=call_id, created_at=at
        )
        self.session.add(note)
        self.session.flush()
        write_audit(self.session, row.id, [AuditEntry(row.number, at, by, "note", None, kind)])
        row.updated_at = at
        self.session.flush()
        return note

    def link_call(
        self,
        ticket: TicketRow | str,
        call_id: int,
        *,
        by: str,
        at: datetime | None = None,
        opening: bool = False,
    ) -> bool:
        """Link a call to the ticket (once); the call's transcript, if any, becomes a note.
        Returns False when it was linked already."""
        row, at = self._row(ticket), at or self.clock()
        call = self.session.get(CallRow, call_id)
        if call is None:
            raise LookupError(f"no call with id {call_id}")
        if self.session.get(TicketCallRow, (row.id, call_id)) is not None:
            return False
        self.session.add(TicketCallRow(ticket_id=row.id, call_id=call_id, linked_by=by))
        if opening:
            row.call_id = call_id
        if call.ticket_id is None:
            call.ticket_id = row.id
        write_audit(
            self.session, row.id, [AuditEntry(row.number, at, by, "call", None, str(call_id))]
        )
        self.session.flush()
        if call.transcript:
            self.add_note(row, call.transcript, by="system", kind="transcript", call_id=call_id)
        return True

    def schedule_visit(self, row: TicketRow, *, by: str, at: datetime) -> CallbackVisitRow | None:
        """Schedule the ticket's 回访 unless one is pending already."""
        if any(v.outcome is None for v in self.tickets.visits(row.id)):
            return None
        visit = schedule_visit(
            ticket_from_row(row), policy=self.rules.callback, calendar=self.rules.calendar
        )
        visit_row = CallbackVisitRow(
            ticket_id=row.id,
            due_at=visit.due_at,
            handled_by=row.assignee if row.assignee_kind == "agent" else None,
        )
        self.session.add(visit_row)
        entry = AuditEntry(f"V:{row.number}", at, by, "due_at", None, visit.due_at.isoformat())
        write_audit(self.session, row.id, [entry])
        self.session.flush()
        return visit_row

    # -- internals ------------------------------------------------------------------------

    def _row(self, ticket: TicketRow | str) -> TicketRow:
        return ticket if isinstance(ticket, TicketRow) else self.tickets.require(ticket)

    def _write(self, row: TicketRow, change: TicketChange, at: datetime) -> TicketRow:
        due = self.deadlines_of(change.ticket, at)
        write_ticket(row, change.ticket, due)
        if change.ticket.status is Status.NEW and row.id is None:
            self.session.add(row)
        self.session.flush()
        write_audit(self.session, row.id, change.audit)
        self.session.flush()
        return row

    def deadlines_of(self, ticket: Ticket, at: datetime) -> SlaDeadlines:
        return deadlines(ticket, at, policy=self.rules.sla, calendar=self.rules.calendar)
