"""``callcenter tickets ...``: register, assign, work, resolve and close tickets; notes,
calls and search. Registers (complaints, 回访), escalations, reports and the roster are in
``cli_registers``. Every command takes ``--json``."""

from __future__ import annotations

from typing import Any

import click

from callcenter.ticketing.call_intake import append_call_to_ticket, ticket_from_call
from callcenter.ticketing.cli_common import (
    by_option,
    desk,
    emit,
    friendly_errors,
    json_option,
    ticket_line,
)
from callcenter.ticketing.repository import TicketFilter, TicketRepository
from callcenter.ticketing.search import search_tickets
from callcenter.ticketing.serialize import hit_to_dict, ticket_detail, ticket_to_dict
from callcenter.ticketing.service import TicketService
from callcenter.tickets.ticket_fields import Channel, Priority, Status

CHANNELS = click.Choice([c.value for c in Channel])
PRIORITIES = click.Choice([p.value for p in Priority])
STATUSES = click.Choice([s.value for s in Status])


@click.group("tickets")
def tickets() -> None:
    """Tickets (工单): registration, assignment, deadlines, complaints, 回访, reports."""


def _show(data: dict[str, Any]) -> str:
    lines = [
        ticket_line(data),
        f"  opened {data['opened_at']} by {data['opened_by']} via {data['channel']}",
        f"  response due {data['response_due']}  resolution due {data['resolution_due']}",
    ]
    if data.get("resolution"):
        lines.append(f"  resolution: {data['resolution']}")
    for note in data.get("notes", []):
        lines.append(
            f"  [{note['kind']}] {note['created_at'][:16]} {note['author']}: {note['body']}"
        )
    for call in data.get("calls", []):
        lines.append(f"  call {call['id']} {call['started_at'][:16]} {call['disposition']}")
    return "\n".join(lines)


def _after(number: str, as_json: bool) -> None:
    with desk().scope() as session:
        row = TicketRepository(session).require(number)
        emit(ticket_to_dict(row), as_json, ticket_line)


@tickets.command("create")
@click.option("--description", "-d", required=True, help="The problem, in the caller's words.")
@click.option("--contact", required=True, help="Phone number or other contact.")
@click.option("--name", "customer_name", default="", help="The customer's name.")
@click.option("--category", default="inquiry", show_default=True)
@click.option("--priority", type=PRIORITIES, default="normal", show_default=True)
@click.option("--channel", type=CHANNELS, default="phone", show_default=True)
@click.option("--assignee", default=None, help="Assign at once (agent extension or team).")
@click.option("--team", is_flag=True, help="The assignee is a team.")
@click.option("--call", "call_id", type=int, default=None, help="The call it comes from.")
@by_option
@json_option
@friendly_errors
def create_command(
    description: str,
    contact: str,
    customer_name: str,
    category: str,
    priority: str,
    channel: str,
    assignee: str | None,
    team: bool,
    call_id: int | None,
    by: str,
    as_json: bool,
) -> None:
    """Register a ticket (问题登记)."""
    d = desk()
    with d.scope() as session:
        row = TicketService(session, rules=d.rules).create(
            by=by,
            channel=channel,
            category=category,
            priority=priority,
            description=description,
            contact=contact,
            customer_name=customer_name,
            call_id=call_id,
            assignee=assignee,
            team=team,
        )
        emit(ticket_to_dict(row), as_json, ticket_line)


@tickets.command("from-call")
@click.argument("call_id", type=int)
@click.option("--description", "-d", required=True)
@click.option("--category", default="inquiry", show_default=True)
@click.option("--priority", type=PRIORITIES, default="normal", show_default=True)
@click.option("--assignee", default=None)
@by_option
@json_option
@friendly_errors
def from_call_command(
    call_id: int,
    description: str,
    category: str,
    priority: str,
    assignee: str | None,
    by: str,
    as_json: bool,
) -> None:
    """A new ticket for the caller of CALL_ID (the customer is found or created)."""
    d = desk()
    with d.scope() as session:
        row = ticket_from_call(
            session,
            d.rules,
            call_id,
            by=by,
            description=description,
            category=category,
            priority=priority,
            assignee=assignee,
        )
        emit(ticket_to_dict(row), as_json, ticket_line)


@tickets.command("append")
@click.argument("call_id", type=int)
@click.option("--ticket", "number", default=None, help="Default: the caller's open ticket.")
@click.option("--note", default=None)
@by_option
@json_option
@friendly_errors
def append_command(
    call_id: int, number: str | None, note: str | None, by: str, as_json: bool
) -> None:
    """Add CALL_ID to a ticket: the one given, or the caller's latest open ticket."""
    d = desk()
    with d.scope() as session:
        row = append_call_to_ticket(session, d.rules, call_id, by=by, number=number, note=note)
        emit(ticket_to_dict(row), as_json, ticket_line)


@tickets.command("show")
@click.argument("number")
@json_option
@friendly_errors
def show_command(number: str, as_json: bool) -> None:
    """A ticket with its notes, calls, attachments, audit trail, complaint and 回访."""
    with desk().scope() as session:
        data = ticket_detail(session, TicketRepository(session).require(number))
    emit(data, as_json, _show)


@tickets.command("list")
@click.option("--status", "statuses", type=STATUSES, multiple=True)
@click.option("--open", "open_only", is_flag=True, help="Only tickets still being worked on.")
@click.option("--assignee", default=None)
@click.option("--category", default=None)
@click.option("--priority", type=PRIORITIES, default=None)
@click.option("--channel", type=CHANNELS, default=None)
@click.option("--escalated", is_flag=True)
@click.option("--overdue", is_flag=True, help="Open and past the resolution deadline.")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@json_option
@friendly_errors
def list_command(
    statuses: tuple[str, ...],
    open_only: bool,
    assignee: str | None,
    category: str | None,
    priority: str | None,
    channel: str | None,
    escalated: bool,
    overdue: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Tickets, newest first."""
    from callcenter.db.base import utcnow

    f = TicketFilter(
        statuses=statuses,
        open_only=open_only,
        assignee=assignee,
        category=category,
        priority=priority,
        channel=channel,
        escalated=escalated,
        overdue_at=utcnow() if overdue else None,
    )
    with desk().scope() as session:
        rows = [ticket_to_dict(r) for r in TicketRepository(session).filtered(f, limit=limit)]
    emit(rows, as_json, lambda rs: "\n".join(ticket_line(r) for r in rs) or "(no tickets)")


def _transition(name: str, help_text: str, *, text_arg: str | None = None) -> None:
    """Define ``callcenter tickets <name> NUMBER [TEXT]`` calling ``TicketService.<name>``."""

    @friendly_errors
    def command(number: str, by: str, as_json: bool, **kwargs: Any) -> None:
        d = desk()
        with d.scope() as session:
            method = getattr(TicketService(session, rules=d.rules), name)
            args = [kwargs.pop(text_arg)] if text_arg else []
            method(number, *args, by=by, **kwargs)
        _after(number, as_json)

    command.__doc__ = help_text
    command = json_option(by_option(command))
    if name in ("start", "wait"):
        command = click.option("--note", default="")(command)
    if text_arg:
        command = click.argument(text_arg)(command)
    command = click.argument("number")(command)
    tickets.command(name)(command)


_transition("start", "The handler takes the ticket up (or resumes it).")
_transition("wait", "Waiting for the customer (the resolution clock pauses).")
_transition(
    "resolve", "Record what was done (RESOLUTION); schedules the 回访.", text_arg="resolution"
)
_transition("close", "Close a resolved ticket (a complaint needs its register closed).")
_transition("reopen", "A resolved ticket back to work, with the REASON.", text_arg="reason")
_transition("cancel", "Withdraw a ticket never resolved, with the REASON.", text_arg="reason")


@tickets.command("assign")
@click.argument("number")
@click.argument("assignee")
@click.option("--team", is_flag=True, help="ASSIGNEE is a team, not an agent.")
@click.option("--note", default="")
@by_option
@json_option
@friendly_errors
def assign_command(
    number: str, assignee: str, team: bool, note: str, by: str, as_json: bool
) -> None:
    """Give the ticket to a handler (派单), or reassign it."""
    d = desk()
    with d.scope() as session:
        TicketService(session, rules=d.rules).assign(number, assignee, by=by, team=team, note=note)
    _after(number, as_json)


@tickets.command("note")
@click.argument("number")
@click.argument("text")
@click.option("--kind", type=click.Choice(["agent", "system", "transcript"]), default="agent")
@by_option
@json_option
@friendly_errors
def note_command(number: str, text: str, kind: str, by: str, as_json: bool) -> None:
    """Add a note to a ticket."""
    d = desk()
    with d.scope() as session:
        note = TicketService(session, rules=d.rules).add_note(number, text, by=by, kind=kind)
        data = {
            "ticket": number,
            "id": note.id,
            "kind": note.kind,
            "author": note.author,
            "body": note.body,
        }
    emit(data, as_json, lambda n: f"note {n['id']} added to {n['ticket']}")


@tickets.command("search")
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@json_option
@friendly_errors
def search_command(query: str, limit: int, as_json: bool) -> None:
    """Tickets whose text or notes (transcripts included) contain QUERY; Chinese works."""
    with desk().scope() as session:
        hits = [hit_to_dict(h) for h in search_tickets(session, query, limit=limit)]
    emit(
        hits,
        as_json,
        lambda hs: (
            "\n".join(
                f"{h['number']}  {h['status']:<16} [{h['matched']}] {h['snippet']}" for h in hs
            )
            or "(nothing found)"
        ),
    )
