"""Tickets and their registers as JSON-ready dicts: the one shape of the CLI's ``--json``
and of the API (``web/api/openapi_tickets.py`` describes the same keys)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callcenter.db.ticket_models import (
    CallbackVisitRow,
    ComplaintRow,
    CustomerRow,
    EscalationRow,
    TicketRow,
)
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.search import SearchHit


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def ticket_to_dict(row: TicketRow) -> dict[str, Any]:
    return {
        "number": row.number,
        "status": row.status,
        "channel": row.channel,
        "category": row.category,
        "priority": row.priority,
        "assignee": row.assignee,
        "assignee_kind": row.assignee_kind,
        "customer_id": row.customer_id,
        "customer_name": row.customer_name,
        "contact": row.contact,
        "description": row.description,
        "call_id": row.call_id,
        "opened_by": row.opened_by,
        "opened_at": iso(row.opened_at),
        "updated_at": iso(row.updated_at),
        "response_due": iso(row.response_due),
        "resolution_due": iso(row.resolution_due),
        "first_response_at": iso(row.first_response_at),
        "resolved_at": iso(row.resolved_at),
        "resolution": row.resolution,
        "closed_at": iso(row.closed_at),
        "cancelled_at": iso(row.cancelled_at),
        "cancel_reason": row.cancel_reason,
        "reopen_count": row.reopen_count,
        "escalation_level": row.escalation_level,
        "escalated_at": iso(row.escalated_at),
    }


def complaint_to_dict(row: ComplaintRow, number: str) -> dict[str, Any]:
    return {
        "ticket": number,
        "received_at": iso(row.received_at),
        "complainant": row.complainant,
        "contact": row.contact,
        "content": row.content,
        "demands": row.demands,
        "classification": row.classification,
        "status": row.status,
        "responsible": row.responsible,
        "deadline": iso(row.deadline),
        "substantiated": row.substantiated,
        "result": row.result,
        "remedy": row.remedy,
        "feedback": row.feedback,
        "fed_back_at": iso(row.fed_back_at),
        "acceptance": row.acceptance,
        "acceptance_note": row.acceptance_note,
        "closed_at": iso(row.closed_at),
        "closing_note": row.closing_note,
        "rounds": row.rounds,
    }


def visit_to_dict(row: CallbackVisitRow, number: str) -> dict[str, Any]:
    return {
        "ticket": number,
        "due_at": iso(row.due_at),
        "outcome": row.outcome,
        "visited_at": iso(row.visited_at),
        "visited_by": row.visited_by,
        "satisfaction": row.satisfaction,
        "problem_solved": row.problem_solved,
        "note": row.note,
    }


def escalation_to_dict(row: EscalationRow, number: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "ticket": number,
        "level": row.level,
        "reasons": [r for r in row.reasons.split(",") if r],
        "since": iso(row.since),
        "created_at": iso(row.created_at),
        "acknowledged_by": row.acknowledged_by,
        "acknowledged_at": iso(row.acknowledged_at),
    }


def customer_to_dict(row: CustomerRow, numbers: list[str]) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "vip": row.vip, "notes": row.notes, "numbers": numbers}


def hit_to_dict(hit: SearchHit) -> dict[str, Any]:
    return {
        "number": hit.number,
        "status": hit.status,
        "customer_name": hit.customer_name,
        "opened_at": iso(hit.opened_at),
        "matched": hit.matched,
        "snippet": hit.snippet,
    }


def ticket_detail(session: Session, row: TicketRow) -> dict[str, Any]:
    """The ticket with its notes, calls, attachments, audit trail and registers."""
    repo = TicketRepository(session)
    complaint = repo.complaint(row.id)
    return {
        **ticket_to_dict(row),
        "notes": [
            {
                "id": n.id,
                "author": n.author,
                "kind": n.kind,
                "body": n.body,
                "call_id": n.call_id,
                "created_at": iso(n.created_at),
            }
            for n in repo.notes(row.id)
        ],
        "calls": [
            {
                "id": c.id,
                "started_at": iso(c.started_at),
                "caller_number": c.caller_number,
                "disposition": c.disposition,
                "agent": c.agent,
                "recording": c.recording,
            }
            for c in repo.calls(row.id)
        ],
        "attachments": [
            {
                "id": a.id,
                "filename": a.filename,
                "content_type": a.content_type,
                "size_bytes": a.size_bytes,
                "sha256": a.sha256,
                "uploaded_by": a.uploaded_by,
                "created_at": iso(a.created_at),
            }
            for a in repo.attachments(row.id)
        ],
        "audit": [
            {
                "subject": a.subject,
                "at": iso(a.at),
                "by": a.actor,
                "field": a.field,
                "old": a.old,
                "new": a.new,
                "note": a.note,
            }
            for a in repo.audit(row.id)
        ],
        "complaint": None if complaint is None else complaint_to_dict(complaint, row.number),
        "visits": [visit_to_dict(v, row.number) for v in repo.visits(row.id)],
        "escalations": [escalation_to_dict(e, row.number) for e in repo.escalations(row.id)],
    }


def customer_detail(session: Session, row: CustomerRow, *, history: bool = True) -> dict[str, Any]:
    """A customer with their numbers, recent tickets and (``history``) the change log."""
    from callcenter.ticketing.customers import CustomerRepository
    from callcenter.ticketing.repository import TicketFilter

    customers = CustomerRepository(session)
    tickets = TicketRepository(session).filtered(TicketFilter(customer_id=row.id), limit=20)
    data = {
        **customer_to_dict(row, customers.numbers(row.id)),
        "created_at": iso(row.created_at),
        "tickets": [ticket_to_dict(t) for t in tickets],
    }
    if history:
        data["history"] = [
            {"at": iso(a.at), "by": a.actor, "field": a.field, "old": a.old, "new": a.new}
            for a in customers.history(row.id)
        ]
    return data
