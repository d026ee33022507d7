"""The ticket tables: customers and their numbers, tickets, notes, linked calls, attachments,
the audit log, escalations, the complaint register, callback visits (回访) and the duty roster.

Created by migration 0004; these classes must match it (tests/storage compares the two).
The search indexes (SQLite FTS5 tables, PostgreSQL trigram indexes) live only in the
migration: ``callcenter.db.search_schema`` names them so the comparison leaves them out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Unicode,
    UnicodeText,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.db.base import Base, UTCDateTime, utcnow
from callcenter.tickets.callback_visits import VisitOutcome
from callcenter.tickets.complaints import Acceptance, ComplaintStatus
from callcenter.tickets.sla import EscalationLevel
from callcenter.tickets.ticket_fields import Channel, Priority, Status

JsonType = JSON().with_variant(JSONB(), "postgresql")

NOTE_KINDS = ("agent", "system", "transcript")
ASSIGNEE_KINDS = ("agent", "team")


def in_list(column: str, values: tuple[str, ...] | list[str]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _values(enum: Any) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


CHANNELS = _values(Channel)
PRIORITIES = _values(Priority)
STATUSES = _values(Status)
ESCALATION_LEVELS = _values(EscalationLevel)
COMPLAINT_STATUSES = _values(ComplaintStatus)
ACCEPTANCES = _values(Acceptance)
VISIT_OUTCOMES = _values(VisitOutcome)


def _created() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow, server_default=func.now())


class CustomerRow(Base):
    """A caller or visitor of the desk; known by one or more phone numbers."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(200), default="", server_default="")
    vip: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notes: Mapped[str] = mapped_column(UnicodeText, default="", server_default="")
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class CustomerNumberRow(Base):
    """One phone number of a customer (normalised: digits, a leading + kept)."""

    __tablename__ = "customer_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(Unicode(40), default="", server_default="")
    created_at: Mapped[datetime] = _created()


class TicketCounterRow(Base):
    """The last ticket sequence given out on a (local) day: numbers are allocated by one
    atomic ``INSERT .. ON CONFLICT DO UPDATE .. RETURNING`` on this row."""

    __tablename__ = "ticket_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer)


class TicketRow(Base):
    """A ticket (工单). The domain's ``Ticket`` is rebuilt from it (``ticket_mapping``)."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(in_list("channel", CHANNELS), name="channel"),
        CheckConstraint(in_list("priority", PRIORITIES), name="priority"),
        CheckConstraint(in_list("status", STATUSES), name="status"),
        CheckConstraint(in_list("escalation_level", ESCALATION_LEVELS), name="escalation_level"),
        CheckConstraint(
            "assignee_kind IS NULL OR " + in_list("assignee_kind", ASSIGNEE_KINDS),
            name="assignee_kind",
        ),
        Index("ix_tickets_status_opened_at", "status", "opened_at"),
        Index("ix_tickets_assignee_status", "assignee", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32), index=True)
    priority: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(20))
    assignee: Mapped[str | None] = mapped_column(String(80))
    assignee_kind: Mapped[str | None] = mapped_column(String(8))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    customer_name: Mapped[str] = mapped_column(Unicode(200), default="", server_default="")
    contact: Mapped[str] = mapped_column(Unicode(200))
    description: Mapped[str] = mapped_column(UnicodeText)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    opened_by: Mapped[str] = mapped_column(Unicode(80))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    response_due: Mapped[datetime] = mapped_column(UTCDateTime)
    resolution_due: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolution: Mapped[str | None] = mapped_column(UnicodeText)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(UnicodeText)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # [[start ISO, end ISO or null], ...]: time spent waiting for the customer.
    waiting_periods: Mapped[list[list[str | None]]] = mapped_column(JsonType, default=list)
    escalation_level: Mapped[str] = mapped_column(
        String(16), default="none", server_default="none", index=True
    )
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = _created()


class TicketNoteRow(Base):
    """A note on a ticket: by an agent, by the system, or a call's transcript."""

    __tablename__ = "ticket_notes"
    __table_args__ = (CheckConstraint(in_list("kind", NOTE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(Unicode(80))
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(UnicodeText)
    call_id: Mapped[int | None] = mapped_column(
        ForeignKey("calls.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = _created()


class TicketCallRow(Base):
    """A call linked to a ticket (the one that opened it, and later ones about it)."""

    __tablename__ = "ticket_calls"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    call_id: Mapped[int] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_by: Mapped[str] = mapped_column(Unicode(80))
    linked_at: Mapped[datetime] = _created()


class AttachmentRow(Base):
    """A file attached to a ticket: metadata here, the bytes at ``path``."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(Unicode(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(UnicodeText)
    uploaded_by: Mapped[str] = mapped_column(Unicode(80))
    created_at: Mapped[datetime] = _created()


class TicketAuditRow(Base):
    """One change of one field (ticket, its complaint record ``C:``, its visit ``V:``)."""

    __tablename__ = "ticket_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(Unicode(80))
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str | None] = mapped_column(UnicodeText)
    new: Mapped[str | None] = mapped_column(UnicodeText)
    note: Mapped[str] = mapped_column(UnicodeText, default="", server_default="")


class EscalationRow(Base):
    """A ticket's SLA breach going up to the supervisor (主管) or manager (经理)."""

    __tablename__ = "ticket_escalations"
    __table_args__ = (CheckConstraint(in_list("level", ESCALATION_LEVELS[1:]), name="level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[str] = mapped_column(String(40))  # "response,resolution"
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    acknowledged_by: Mapped[str | None] = mapped_column(Unicode(80))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ComplaintRow(Base):
    """The complaint register (投诉处理登记表), one record per complaint ticket."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(in_list("status", COMPLAINT_STATUSES), name="status"),
        CheckConstraint(
            "acceptance IS NULL OR " + in_list("acceptance", ACCEPTANCES), name="acceptance"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), unique=True
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    complainant: Mapped[str] = mapped_column(Unicode(200))
    contact: Mapped[str] = mapped_column(Unicode(200))
    content: Mapped[str] = mapped_column(UnicodeText)
    demands: Mapped[str] = mapped_column(UnicodeText)
    classification: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20), index=True)
    responsible: Mapped[str | None] = mapped_column(Unicode(80))
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    substantiated: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[str | None] = mapped_column(UnicodeText)
    remedy: Mapped[str | None] = mapped_column(UnicodeText)
    feedback: Mapped[str | None] = mapped_column(UnicodeText)
    fed_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acceptance: Mapped[str | None] = mapped_column(String(16))
    acceptance_note: Mapped[str] = mapped_column(UnicodeText, default="", server_default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_note: Mapped[str] = mapped_column(UnicodeText, default="", server_default="")
    rounds: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")


class CallbackVisitRow(Base):
    """A 回访 of a ticket: when it is due, how it went, the customer's score (1-5)."""

    __tablename__ = "callback_visits"
    __table_args__ = (
        CheckConstraint("outcome IS NULL OR " + in_list("outcome", VISIT_OUTCOMES), name="outcome"),
        CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Who handled the ticket when the visit was scheduled: the appraisal credits the score.
    handled_by: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[str | None] = mapped_column(String(16))
    visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    visited_by: Mapped[str | None] = mapped_column(Unicode(80))
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger)
    problem_solved: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(UnicodeText, default="", server_default="")
    created_at: Mapped[datetime] = _created()


class DutyShiftRow(Base):
    """One agent's shift on the duty roster (值班表)."""

    __tablename__ = "duty_shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_duty_shifts_agent_starts_at", "agent", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Unicode(200), default="", server_default="")
    created_by: Mapped[str] = mapped_column(Unicode(80), default="", server_default="")
    created_at: Mapped[datetime] = _created()


__all__ = [
    "AttachmentRow",
    "CallbackVisitRow",
    "ComplaintRow",
    "CustomerNumberRow",
    "CustomerRow",
    "DutyShiftRow",
    "EscalationRow",
    "TicketAuditRow",
    "TicketCallRow",
    "TicketCounterRow",
    "TicketNoteRow",
    "TicketRow",
]
