"""How a callback ended, as a note on the ticket(s) of the call that asked for it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from callcenter.db.call_repository import CallRepository
from callcenter.ticketing.call_intake import SYSTEM
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.rules import DeskRules
from callcenter.ticketing.service import TicketService


def note_on_tickets(session: Session, linkedid: str, text: str, at: datetime) -> int:
    """Add ``text`` to every ticket of the call ``linkedid``; how many got it."""
    call = CallRepository(session).by_linkedid(linkedid)
    if call is None:
        return 0
    service = TicketService(session, rules=DeskRules())
    tickets = TicketRepository(session).for_call(call.id)
    for ticket in tickets:
        service.add_note(ticket, text, by=SYSTEM, kind="system", at=at)
    return len(tickets)
