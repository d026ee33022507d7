"""Ticket pages of the console (blueprint ``tickets``): the list with filters and full-text
search, registering a ticket, one ticket's page, and its status transitions, notes and
edits. Attachments, the registers, customers and the supervisors' alerts add their routes
to this blueprint from ``web.ticket_files``, ``web.ticket_registers_pages``,
``web.customer_pages`` and ``web.alerts``.

Views stay thin: they parse the form, call ``callcenter.ticketing`` and commit; a rule the
desk's domain refuses comes back as a message on the page (``flash``), nothing half-done
is stored (the session is rolled back). Who sees what: ``web.ticket_access``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from callcenter.db.ticket_models import TicketRow
from callcenter.ticketing.call_transcripts import search_unticketed_calls
from callcenter.ticketing.repository import (
    OPEN_STATUSES,
    TicketFilter,
    TicketNotFoundError,
    TicketRepository,
    apply_filter,
)
from callcenter.ticketing.search import search_tickets
from callcenter.ticketing.service import TicketService
from callcenter.tickets.code_catalog import UnknownCodeError
from callcenter.tickets.ticket import TransitionError
from callcenter.tickets.ticket_fields import Channel, Priority, Status
from web.api.tickets import rules
from web.database import db_session
from web.ticket_access import (
    actor_of,
    category_label,
    code_label,
    complaint_class_label,
    desk_label,
    field_label,
    is_supervisor,
    may_see,
    visible_condition,
)
from web.users import ConsoleUser

bp = Blueprint("tickets", __name__, url_prefix="/tickets")
PER_PAGE = 50
MAX_TEXT = 4000
F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
DOMAIN_ERRORS = (TransitionError, UnknownCodeError, ValueError, LookupError)


def user() -> ConsoleUser:
    return cast(ConsoleUser, current_user._get_current_object())


def service() -> TicketService:
    return TicketService(db_session(), rules=rules())


def visible_ticket(number: str) -> TicketRow:
    """The ticket if it exists and the user may see it (404 either way: no hint)."""
    row = TicketRepository(db_session()).get(number)
    if row is None or not may_see(db_session(), user(), row):
        abort(404)
    return row


def form_text(name: str, *, limit: int = MAX_TEXT) -> str:
    return request.form.get(name, "").strip()[:limit]


def ticket_action(view: F) -> F:
    """A POST on a ticket: the domain's refusal is a message on the ticket's page."""

    @wraps(view)
    def wrapper(number: str, *args: Any, **kwargs: Any) -> ResponseReturnValue:
        visible_ticket(number)
        try:
            answer = view(number, *args, **kwargs)
        except DOMAIN_ERRORS as exc:
            db_session().rollback()
            flash(str(exc), "error")
            return redirect(url_for("tickets.detail", number=number))
        db_session().commit()
        return answer

    return cast(F, wrapper)


# -- the list -----------------------------------------------------------------------------


def _filters() -> tuple[dict[str, str], TicketFilter]:
    args = {
        name: request.args.get(name, "").strip()[:100]
        for name in ("status", "category", "priority", "assignee", "q")
    }
    args["overdue"] = "1" if request.args.get("overdue") in ("1", "on", "true") else ""
    status = args["status"]
    flt = TicketFilter(
        statuses=[status] if status in {s.value for s in Status} else [],
        open_only=status == "open",
        category=args["category"] or None,
        priority=args["priority"] or None,
        assignee=args["assignee"] or None,
        overdue_at=datetime.now(UTC) if args["overdue"] else None,
    )
    return args, flt


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    session = db_session()
    args, flt = _filters()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query = apply_filter(select(TicketRow), flt)
    condition = visible_condition(session, user())
    if condition is not None:
        query = query.where(condition)
    calls: list[Any] = []
    if args["q"]:
        numbers = [h.number for h in search_tickets(session, args["q"], limit=200)]
        query = query.where(TicketRow.number.in_(numbers))
        calls = search_unticketed_calls(session, args["q"], limit=20)
    query = query.order_by(TicketRow.opened_at.desc(), TicketRow.id.desc())
    rows = list(session.scalars(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)))
    return render_template(
        "tickets/list.html",
        tickets=rows[:PER_PAGE],
        more=len(rows) > PER_PAGE,
        page=page,
        args=args,
        query={k: v for k, v in args.items() if v},
        active=any(args.values()),
        calls=calls,
        now=datetime.now(UTC),
        statuses=list(Status),
        priorities=list(Priority),
        categories=list(rules().categories),
    )


# -- registering --------------------------------------------------------------------------


@bp.get("/new")
@login_required
def new() -> ResponseReturnValue:
    values = {"channel": "phone", "priority": "normal", "category": "inquiry"}
    values.update({k: v[:200] for k, v in request.args.items() if k in ("contact", "name")})
    call_id = request.args.get("call", "")
    if call_id.isdigit():
        values["call"] = call_id
    return _new_form(values, errors={})


def _new_form(values: dict[str, str], errors: dict[str, str], status: int = 200) -> Any:
    page = render_template(
        "tickets/new.html",
        values=values,
        errors=errors,
        channels=list(Channel),
        priorities=list(Priority),
        categories=list(rules().categories),
    )
    return page, status


@bp.post("/new")
@login_required
def create() -> ResponseReturnValue:
    values = {
        name: form_text(name)
        for name in ("description", "contact", "name", "channel", "category", "priority")
    }
    values["assignee"] = form_text("assignee", limit=80)
    values["call"] = form_text("call", limit=18)
    errors: dict[str, str] = {}
    if not values["contact"]:
        errors["contact"] = _("Enter how to reach the customer (a phone number).")
    if not values["description"]:
        errors["description"] = _("Describe the customer's request.")
    if errors:
        return _new_form(values, errors, 400)
    try:
        row = service().create(
            by=actor_of(user()),
            channel=values["channel"] or "phone",
            category=values["category"] or "inquiry",
            priority=values["priority"] or "normal",
            description=values["description"],
            contact=values["contact"],
            customer_name=values["name"],
            assignee=values["assignee"] or None,
            call_id=int(values["call"]) if values["call"].isdigit() else None,
        )
    except DOMAIN_ERRORS as exc:
        db_session().rollback()
        return _new_form(values, {"form": str(exc)}, 400)
    db_session().commit()
    flash(_("Ticket %(number)s registered.", number=row.number), "info")
    return redirect(url_for("tickets.detail", number=row.number))


# -- one ticket ---------------------------------------------------------------------------


@bp.get("/<number>")
@login_required
def detail(number: str) -> ResponseReturnValue:
    from web.ticket_detail import detail_context

    row = visible_ticket(number)
    return render_template("tickets/detail.html", **detail_context(row, user()))


# The console's buttons per status (the domain checks again: ``TRANSITIONS``).
ACTIONS: dict[Status, tuple[str, ...]] = {
    Status.NEW: ("assign", "cancel"),
    Status.ASSIGNED: ("start", "assign", "cancel"),
    Status.IN_PROGRESS: ("wait", "resolve", "assign", "cancel"),
    Status.WAITING_CUSTOMER: ("start", "resolve", "assign", "cancel"),
    Status.RESOLVED: ("close", "reopen"),
    Status.CLOSED: (),
    Status.CANCELLED: (),
}


def allowed_actions(row: TicketRow, who: ConsoleUser) -> list[str]:
    """The steps the ticket's state allows and the user's role may take."""
    actions = ACTIONS[Status(row.status)]
    return [a for a in actions if a != "cancel" or is_supervisor(who)]


@bp.post("/<number>/status")
@login_required
@ticket_action
def transition(number: str) -> ResponseReturnValue:
    action, svc, by = request.form.get("action", ""), service(), actor_of(user())
    row = svc.tickets.require(number)
    if action not in allowed_actions(row, user()):
        raise ValueError(_("This step is not possible for this ticket now."))
    text = form_text("text")
    if action == "assign":
        assignee = form_text("assignee", limit=80) or by
        svc.assign(row, assignee, by=by, team=bool(request.form.get("team")), note=text)
    elif action == "start":
        svc.start(row, by=by, note=text)
    elif action == "wait":
        svc.wait(row, by=by, note=text)
    elif action == "resolve":
        svc.resolve(row, text, by=by)
    elif action == "close":
        svc.close(row, by=by)
    elif action == "reopen":
        svc.reopen(row, text, by=by)
    else:
        svc.cancel(row, text, by=by)
    flash(
        _(
            "Ticket %(number)s is now: %(status)s",
            number=number,
            status=code_label(Status(row.status)),
        ),
        "info",
    )
    return redirect(url_for("tickets.detail", number=number))


@bp.post("/<number>/notes")
@login_required
@ticket_action
def add_note(number: str) -> ResponseReturnValue:
    service().add_note(number, form_text("body"), by=actor_of(user()))
    flash(_("Note added."), "info")
    return redirect(url_for("tickets.detail", number=number) + "#notes")


@bp.post("/<number>/edit")
@login_required
@ticket_action
def edit(number: str) -> ResponseReturnValue:
    svc, by = service(), actor_of(user())
    row = svc.tickets.require(number)
    priority, category = form_text("priority", limit=20), form_text("category", limit=40)
    if priority and priority != row.priority:
        reason = form_text("reason") or _("changed in the console")
        svc.change_priority(row, priority, by=by, reason=reason)
    if category and category != row.category:
        svc.change_category(row, category, by=by)
    flash(_("Ticket %(number)s updated.", number=number), "info")
    return redirect(url_for("tickets.detail", number=number))


def init_app(app: Flask) -> None:
    from web import alerts, customer_pages, ticket_files, ticket_registers_pages  # noqa: F401

    app.jinja_env.globals.update(
        code_label=code_label,
        desk_label=desk_label,
        field_label=field_label,
        category_label=lambda code: category_label(rules(), code),
        complaint_class_label=lambda code: complaint_class_label(rules(), code),
        open_statuses=OPEN_STATUSES,
    )
    alerts.init_alerts(app)
    app.register_blueprint(bp)


__all__ = ["TicketNotFoundError", "bp", "init_app"]
