"""What one ticket's page shows: the ticket, its customer, notes, linked calls with their
recordings (played through the call log's recording route, with its access rule), files,
complaint record, 回访, escalations and the audit log, and the steps the reader may take."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for

from callcenter.db.ticket_models import TicketRow
from callcenter.ticketing.attachments import MAX_BYTES
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.repository import TicketRepository
from callcenter.tickets.callback_visits import VisitOutcome
from callcenter.tickets.complaints import Acceptance, ComplaintStatus
from callcenter.tickets.ticket_fields import COMPLAINT, Priority, Status
from web.api.tickets import rules
from web.database import db_session
from web.recording_files import may_hear, recording_file
from web.ticket_access import is_supervisor
from web.users import ConsoleUser

# The complaint register's next steps per state (the domain checks again).
COMPLAINT_STEPS: dict[ComplaintStatus, tuple[str, ...]] = {
    ComplaintStatus.REGISTERED: ("investigate",),
    ComplaintStatus.INVESTIGATING: ("result", "investigate"),
    ComplaintStatus.RESULT_RECORDED: ("feedback",),
    ComplaintStatus.FED_BACK: ("accept", "close"),
    ComplaintStatus.CLOSED: (),
}


def _calls(row: TicketRow, who: ConsoleUser) -> list[dict[str, Any]]:
    session = db_session()
    out = []
    for call in TicketRepository(session).calls(row.id):
        audible = may_hear(who, call) and recording_file(session, call) is not None
        out.append(
            {
                "row": call,
                "url": url_for("calls.detail", call_id=call.id),
                "recording": url_for("calls.recording", call_id=call.id) if audible else None,
            }
        )
    return out


def detail_context(row: TicketRow, who: ConsoleUser) -> dict[str, Any]:
    from web.tickets import allowed_actions

    session = db_session()
    repo = TicketRepository(session)
    customer = None if row.customer_id is None else CustomerRepository(session).get(row.customer_id)
    complaint = repo.complaint(row.id)
    steps: tuple[str, ...] = ()
    if complaint is not None and is_supervisor(who):
        steps = COMPLAINT_STEPS[ComplaintStatus(complaint.status)]
    visits = repo.visits(row.id)
    now = datetime.now(UTC)
    return {
        "ticket": row,
        "status": Status(row.status),
        "priority": Priority(row.priority),
        "customer": customer,
        "overdue": Status(row.status).is_open and row.resolution_due < now,
        "notes": repo.notes(row.id),
        "calls": _calls(row, who),
        "attachments": repo.attachments(row.id),
        "max_attachment_mb": MAX_BYTES // (1024 * 1024),
        "audit": repo.audit(row.id),
        "escalations": repo.escalations(row.id),
        "complaint": complaint,
        "complaint_status": None if complaint is None else ComplaintStatus(complaint.status),
        "complaint_steps": steps,
        "may_register_complaint": row.category == COMPLAINT
        and complaint is None
        and is_supervisor(who),
        "visits": visits,
        "pending_visit": next((v for v in visits if v.outcome is None), None),
        "now": now,
        "actions": allowed_actions(row, who),
        "is_supervisor": is_supervisor(who),
        "priorities": list(Priority),
        "categories": list(rules().categories),
        "complaint_classes": list(rules().complaint_classes),
        "outcomes": list(VisitOutcome),
        "acceptances": list(Acceptance),
    }
