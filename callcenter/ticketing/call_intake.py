"""Tickets from calls: the agent's "new ticket" / "add to open ticket", voicemails and
callback requests left in the IVR, transcripts as notes, and the IVR's status lookup.

All functions work in the caller's session (the caller commits); the controller and the
IVR runner call them from a worker thread (``asyncio.to_thread``), never on the event loop.

    with session_scope(sessions) as s:
        ticket_from_voicemail(s, rules, call_id=42, caller_number="13800138000",
                              recording="/var/spool/vm/42.wav")
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.db.models import CallRow
from callcenter.db.ticket_models import TicketNoteRow, TicketRow
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.repository import TicketFilter, TicketRepository, apply_filter
from callcenter.ticketing.rules import DeskRules
from callcenter.ticketing.service import TicketService
from callcenter.tickets.ticket_fields import Channel, Priority

SYSTEM = "system"


def _call(session: Session, call_id: int) -> CallRow:
    call = session.get(CallRow, call_id)
    if call is None:
        raise LookupError(f"no call with id {call_id}")
    return call


def ticket_from_call(
    session: Session,
    rules: DeskRules,
    call_id: int,
    *,
    by: str,
    description: str,
    category: str = "inquiry",
    priority: Priority | str = Priority.NORMAL,
    assignee: str | None = None,
    customer_name: str | None = None,
) -> TicketRow:
    """The agent registers a new ticket for the caller of ``call_id`` (the call linked)."""
    call = _call(session, call_id)
    customer = CustomerRepository(session).ensure_for_number(call.caller_number, call.caller_name)
    name = customer_name if customer_name is not None else (customer.name if customer else "")
    return TicketService(session, rules=rules).create(
        by=by,
        channel=Channel.PHONE,
        category=category,
        priority=priority,
        description=description,
        contact=call.caller_number,
        customer_name=name or call.caller_name,
        customer_id=None if customer is None else customer.id,
        call_id=call_id,
        assignee=assignee,
    )


def append_call_to_ticket(
    session: Session,
    rules: DeskRules,
    call_id: int,
    *,
    by: str,
    number: str | None = None,
    note: str | None = None,
) -> TicketRow:
    """Link the call to ticket ``number``, or to the caller's latest open ticket."""
    call = _call(session, call_id)
    service = TicketService(session, rules=rules)
    if number is not None:
        ticket = service.tickets.require(number)
    else:
        customer = CustomerRepository(session).by_number(call.caller_number)
        found = None if customer is None else service.tickets.latest_open_for_customer(customer.id)
        if found is None:
            raise LookupError(
                f"caller {call.caller_number or '(anonymous)'} has no open ticket (无未结工单)"
            )
        ticket = found
    service.link_call(ticket, call_id, by=by)
    if note:
        service.add_note(ticket, note, by=by, call_id=call_id)
    return ticket


def ticket_from_voicemail(
    session: Session,
    rules: DeskRules,
    *,
    caller_number: str,
    caller_name: str = "",
    call_id: int | None = None,
    recording: str | None = None,
    transcript: str | None = None,
    at: datetime | None = None,
) -> TicketRow:
    """A voicemail left (after hours) becomes a ticket, channel ``voicemail``."""
    where = f"录音 {recording}" if recording else "无录音"
    description = f"语音留言 / voicemail from {caller_number or '匿名'} ({where})"
    service = TicketService(session, rules=rules)
    ticket = service.create(
        by=SYSTEM,
        channel=Channel.VOICEMAIL,
        category="inquiry",
        description=description,
        contact=caller_number or "匿名 / anonymous",
        customer_name=caller_name,
        call_id=call_id,
        at=at,
    )
    if transcript and not service.tickets.notes(ticket.id):
        service.add_note(ticket, transcript, by=SYSTEM, kind="transcript", call_id=call_id)
    return ticket


def ticket_from_callback_request(
    session: Session,
    rules: DeskRules,
    *,
    caller_number: str,
    callback_number: str | None = None,
    caller_name: str = "",
    call_id: int | None = None,
    at: datetime | None = None,
) -> TicketRow:
    """A caller asked to be called back (queue too long, after hours, * in the queue): a
    ticket, channel ``callback``, whose contact is the number to call back. A number that
    already has an open callback ticket gets no second one: the call is linked to it."""
    number = callback_number or caller_number
    query = apply_filter(select(TicketRow), TicketFilter(open_only=True, channel="callback"))
    query = query.where(TicketRow.contact == number).order_by(TicketRow.id).limit(1)
    existing = session.scalars(query).first()
    if existing is not None and call_id is not None:
        service = TicketService(session, rules=rules)
        service.link_call(existing, call_id, by=SYSTEM, at=at)
        service.add_note(
            existing,
            f"再次请求回拨 / callback asked again: {number}",
            by=SYSTEM,
            kind="system",
            call_id=call_id,
            at=at,
        )
        return existing
    description = f"客户请求回拨 / callback requested: {number}"
    return TicketService(session, rules=rules).create(
        by=SYSTEM,
        channel=Channel.CALLBACK,
        category="inquiry",
        description=description,
        contact=number,
        customer_name=caller_name,
        call_id=call_id,
        at=at,
    )


def add_transcript_note(
    session: Session, call_id: int, text: str, *, at: datetime | None = None
) -> list[TicketNoteRow]:
    """The transcript of call ``call_id`` as a note on each ticket the call is linked to
    (none yet: nothing is written; linking the call later copies ``calls.transcript``)."""
    if not text.strip():
        return []
    service = TicketService(session, rules=DeskRules())
    notes = []
    for ticket in TicketRepository(session).for_call(call_id):
        already = any(
            n.kind == "transcript" and n.call_id == call_id
            for n in service.tickets.notes(ticket.id)
        )
        if not already:
            notes.append(
                service.add_note(ticket, text, by=SYSTEM, kind="transcript", call_id=call_id, at=at)
            )
    return notes


def ticket_status(session: Session, number: str) -> str | None:
    """For the IVR's "ticket status" menu: the status of ``20261124-0001`` (or its 12
    digits), or None when there is no such ticket."""
    digits = number.replace("-", "").strip()
    if len(digits) != 12 or not digits.isdigit():
        return None
    row = TicketRepository(session).get(f"{digits[:8]}-{digits[8:]}")
    return None if row is None else row.status
