"""The tickets API under ``/api/v1``: tickets, their transitions, notes, calls, attachments
and search; the registers, escalations and reports are in ``web.api.ticket_registers``.

Same authentication as the calls API (``web.api.authenticate``: bearer token or console
session). Views stay thin: they parse, call ``callcenter.ticketing``, commit, answer with
the dicts of ``callcenter.ticketing.serialize`` (described in ``web.api.openapi_tickets``).
Rule violations answer 409, unknown tickets 404, bad input 400.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue

from callcenter.config import Settings
from callcenter.db.base import utcnow
from callcenter.ticketing.attachments import add_attachment, attachments_folder
from callcenter.ticketing.call_intake import append_call_to_ticket, ticket_from_call
from callcenter.ticketing.call_transcripts import call_hit_to_dict, search_unticketed_calls
from callcenter.ticketing.repository import TicketFilter, TicketNotFoundError, TicketRepository
from callcenter.ticketing.rules import DeskRules, rules_from_settings
from callcenter.ticketing.search import search_tickets
from callcenter.ticketing.serialize import hit_to_dict, ticket_detail, ticket_to_dict
from callcenter.ticketing.service import TicketService
from callcenter.tickets.code_catalog import UnknownCodeError
from callcenter.tickets.ticket import TransitionError
from web.api import api_error, authenticate
from web.database import db_session
from web.extensions import csrf

RULES_KEY = "callcenter.desk_rules"
F = TypeVar("F", bound=Callable[..., ResponseReturnValue])

bp = Blueprint("tickets_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)


def init_app(app: Flask, settings: Settings) -> None:
    """Register the tickets API with the desk's rules (called by ``create_app``)."""
    app.extensions[RULES_KEY] = rules_from_settings(settings)
    app.config.setdefault("ATTACHMENTS_DIR", attachments_folder(settings))
    app.register_blueprint(bp)
    csrf.exempt(bp)  # as the calls API: bearer tokens, or the session with its CSRF check


def rules() -> DeskRules:
    return current_app.extensions.get(RULES_KEY) or DeskRules()


def actor() -> str:
    user = g.api_user
    return str(getattr(user, "extension", None) or user.username)


def require_role(*roles: str) -> ResponseReturnValue | None:
    if not g.api_user.has_role(*roles):
        return api_error(403, "forbidden", f"needs the role {' or '.join(roles)}")
    return None


def body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def desk_errors(view: F) -> F:
    """Domain errors as JSON answers; whatever the view did is rolled back."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        try:
            return view(*args, **kwargs)
        except TicketNotFoundError as exc:
            db_session().rollback()
            return api_error(404, "not_found", str(exc))
        except TransitionError as exc:
            db_session().rollback()
            return api_error(409, "conflict", str(exc))
        except (UnknownCodeError, ValueError, LookupError, KeyError, TypeError) as exc:
            db_session().rollback()
            return api_error(400, "bad_request", str(exc))

    return wrapper  # type: ignore[return-value]


def _int_arg(name: str, default: int | None, *, low: int = 0, high: int = 2**63 - 1) -> int | None:
    """A whole-number query argument within what the database holds, or ValueError (400)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    value = int(raw)
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    return value


def service() -> TicketService:
    return TicketService(db_session(), rules=rules())


def _ticket_answer(number: str, status: int = 200) -> ResponseReturnValue:
    session = db_session()
    session.commit()
    row = TicketRepository(session).require(number)
    response = jsonify(ticket_to_dict(row))
    response.status_code = status
    return response


def _flag(name: str) -> bool:
    return request.args.get(name, "").lower() in ("1", "true", "yes")


@bp.get("/tickets")
@desk_errors
def list_tickets() -> ResponseReturnValue:
    args = request.args
    f = TicketFilter(
        statuses=args.getlist("status"),
        open_only=_flag("open"),
        assignee=args.get("assignee"),
        category=args.get("category"),
        priority=args.get("priority"),
        channel=args.get("channel"),
        customer_id=_int_arg("customer_id", None),
        escalated=_flag("escalated"),
        overdue_at=utcnow() if _flag("overdue") else None,
    )
    limit = _int_arg("limit", 50, high=1000) or 0
    offset = _int_arg("offset", 0) or 0
    rows = TicketRepository(db_session()).filtered(f, limit=limit, offset=offset)
    return jsonify(tickets=[ticket_to_dict(r) for r in rows])


@bp.post("/tickets")
@desk_errors
def create_ticket() -> ResponseReturnValue:
    data = body()
    row = service().create(
        by=actor(),
        channel=data.get("channel", "phone"),
        category=data.get("category", "inquiry"),
        priority=data.get("priority", "normal"),
        description=str(data["description"]),
        contact=str(data["contact"]),
        customer_name=str(data.get("customer_name", "")),
        call_id=data.get("call_id"),
        assignee=data.get("assignee"),
        team=bool(data.get("team", False)),
    )
    return _ticket_answer(row.number, 201)


@bp.get("/tickets/search")
@desk_errors
def search() -> ResponseReturnValue:
    query = request.args.get("q", "")
    if not query.strip():
        return api_error(400, "bad_request", "give the text to look for as ?q=")
    limit = _int_arg("limit", 20, high=1000) or 0
    hits = search_tickets(db_session(), query, limit=limit)
    calls = search_unticketed_calls(db_session(), query, limit=limit)
    return jsonify(
        results=[hit_to_dict(h) for h in hits], calls=[call_hit_to_dict(c) for c in calls]
    )


@bp.get("/tickets/<number>")
@desk_errors
def get_ticket(number: str) -> ResponseReturnValue:
    session = db_session()
    return jsonify(ticket_detail(session, TicketRepository(session).require(number)))


@bp.post("/tickets/<number>/<any(start, wait, resolve, close, reopen, cancel, assign):action>")
@desk_errors
def transition(number: str, action: str) -> ResponseReturnValue:
    data, svc, by = body(), service(), actor()
    match action:
        case "assign":
            svc.assign(
                number,
                str(data["assignee"]),
                by=by,
                team=bool(data.get("team")),
                note=str(data.get("note", "")),
            )
        case "start" | "wait":
            getattr(svc, action)(number, by=by, note=str(data.get("note", "")))
        case "resolve":
            svc.resolve(number, str(data.get("resolution", "")), by=by)
        case "close":
            svc.close(number, by=by)
        case _:  # reopen, cancel
            getattr(svc, action)(number, str(data.get("reason", "")), by=by)
    return _ticket_answer(number)


@bp.post("/tickets/<number>/notes")
@desk_errors
def add_note(number: str) -> ResponseReturnValue:
    data = body()
    note = service().add_note(
        number, str(data.get("body", "")), by=actor(), kind=str(data.get("kind", "agent"))
    )
    db_session().commit()
    return jsonify(id=note.id, ticket=number, kind=note.kind, body=note.body), 201


@bp.post("/tickets/<number>/calls")
@desk_errors
def link_call(number: str) -> ResponseReturnValue:
    service().link_call(number, int(body()["call_id"]), by=actor())
    return _ticket_answer(number)


@bp.post("/tickets/<number>/attachments")
@desk_errors
def upload(number: str) -> ResponseReturnValue:
    upload = request.files.get("file")
    if upload is None:
        return api_error(400, "bad_request", "send the file as multipart field 'file'")
    folder = Path(current_app.config["ATTACHMENTS_DIR"])
    row = add_attachment(
        service(),
        number,
        filename=upload.filename or "file",
        data=upload.read(),
        content_type=upload.mimetype or "application/octet-stream",
        by=actor(),
        folder=folder,
    )
    db_session().commit()
    return jsonify(
        id=row.id, filename=row.filename, size_bytes=row.size_bytes, sha256=row.sha256
    ), 201


@bp.post("/calls/<int:call_id>/ticket")
@desk_errors
def from_call(call_id: int) -> ResponseReturnValue:
    data = body()
    row = ticket_from_call(
        db_session(),
        rules(),
        call_id,
        by=actor(),
        description=str(data["description"]),
        category=str(data.get("category", "inquiry")),
        priority=str(data.get("priority", "normal")),
        assignee=data.get("assignee"),
    )
    return _ticket_answer(row.number, 201)


@bp.post("/calls/<int:call_id>/append")
@desk_errors
def append(call_id: int) -> ResponseReturnValue:
    data = body()
    row = append_call_to_ticket(
        db_session(),
        rules(),
        call_id,
        by=actor(),
        number=data.get("ticket"),
        note=data.get("note"),
    )
    return _ticket_answer(row.number)


from web.api import customers, ticket_registers  # noqa: E402, F401  (add their routes to ``bp``)
