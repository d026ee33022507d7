"""The registers in the console: the complaint register (投诉登记, supervisors) with its
periodic summary, and the callback visits (回访) with the overdue ones highlighted.
Routes on the ``tickets`` blueprint; the steps themselves are ``callcenter.ticketing
.registers``, which checks the desk's rules and writes the audit rows."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from callcenter.db.ticket_models import CallbackVisitRow, TicketRow
from callcenter.ticketing.registers import Registers
from callcenter.tickets.callback_visits import VisitOutcome
from callcenter.tickets.complaints import ComplaintStatus
from web.api.tickets import rules
from web.auth import role_required
from web.database import db_session
from web.ticket_access import SUPERVISORS, actor_of, visible_condition
from web.tickets import bp, form_text, service, ticket_action, user

SUMMARY_ROWS = 5000


def _month(value: str) -> date:
    try:
        return date.fromisoformat(value + "-01")
    except ValueError:
        return datetime.now(rules().tz).date().replace(day=1)


def complaint_summary(first: date) -> dict[str, Any]:
    """The month's complaints: received, per class and state, overdue, closed, accepted."""
    tz = rules().tz
    following = (first + timedelta(days=32)).replace(day=1)
    rows = Registers(service()).complaints(
        received_from=datetime.combine(first, time(0), tz),
        received_before=datetime.combine(following, time(0), tz),
        limit=SUMMARY_ROWS,
    )
    now = datetime.now(UTC)
    waiting = ("registered", "investigating", "result_recorded")
    fed_back = [c for c, _t in rows if c.acceptance is not None]
    return {
        "month": f"{first:%Y-%m}",
        "received": len(rows),
        "by_class": Counter(c.classification for c, _t in rows).most_common(),
        "by_status": Counter(c.status for c, _t in rows).most_common(),
        "substantiated": sum(1 for c, _t in rows if c.substantiated),
        "overdue": sum(
            1 for c, _t in rows if c.status in waiting and c.deadline and c.deadline < now
        ),
        "closed": sum(1 for c, _t in rows if c.status == "closed"),
        "accepted": sum(1 for c in fed_back if c.acceptance == "accepted"),
        "answered": len(fed_back),
    }


@bp.get("/complaints")
@role_required(*SUPERVISORS)
def complaints() -> ResponseReturnValue:
    status = request.args.get("status", "")
    status = status if status in {s.value for s in ComplaintStatus} else ""
    overdue = request.args.get("overdue") in ("1", "on")
    month = _month(request.args.get("month", ""))
    rows = Registers(service()).complaints(
        status=status or None, overdue_at=datetime.now(UTC) if overdue else None, limit=200
    )
    return render_template(
        "tickets/complaints.html",
        rows=rows,
        status=status,
        overdue=overdue,
        statuses=list(ComplaintStatus),
        summary=complaint_summary(month),
        now=datetime.now(UTC),
    )


def _bool(name: str) -> bool | None:
    value = request.form.get(name, "")
    return {"yes": True, "no": False}.get(value)


@bp.post("/<number>/complaint")
@role_required(*SUPERVISORS)
@ticket_action
def complaint_step(number: str) -> ResponseReturnValue:
    registers, by, step = Registers(service()), actor_of(user()), request.form.get("step", "")
    if step == "register":
        registers.register_complaint(
            number,
            content=form_text("content"),
            demands=form_text("demands"),
            classification=form_text("classification", limit=40),
            by=by,
        )
    elif step == "investigate":
        deadline = form_text("deadline", limit=20)
        when = (
            datetime.combine(date.fromisoformat(deadline), time(18), rules().tz)
            if deadline
            else None
        )
        registers.assign_investigation(
            number, form_text("responsible", limit=80), by=by, deadline=when
        )
    elif step == "result":
        substantiated = _bool("substantiated")
        if substantiated is None:
            raise ValueError(_("Say whether the complaint was substantiated."))
        registers.record_result(
            number,
            substantiated=substantiated,
            result=form_text("result"),
            remedy=form_text("remedy") or None,
            by=by,
        )
    elif step == "feedback":
        registers.record_feedback(number, form_text("feedback"), by=by)
    elif step == "accept":
        registers.record_acceptance(
            number, form_text("acceptance", limit=20), by=by, note=form_text("note")
        )
    elif step == "close":
        registers.close_complaint(number, by=by, note=form_text("note"))
    else:
        raise ValueError(_("Unknown step of the complaint register."))
    flash(_("Complaint register of %(number)s updated.", number=number), "info")
    return redirect(url_for("tickets.detail", number=number) + "#complaint")


@bp.get("/visits")
@login_required
def visits() -> ResponseReturnValue:
    show = request.args.get("show", "pending")
    show = show if show in ("pending", "overdue", "all") else "pending"
    now = datetime.now(UTC)
    session = db_session()
    query = select(CallbackVisitRow, TicketRow).join(
        TicketRow, TicketRow.id == CallbackVisitRow.ticket_id
    )
    if show != "all":
        query = query.where(CallbackVisitRow.outcome.is_(None))
    if show == "overdue":
        query = query.where(CallbackVisitRow.due_at < now)
    condition = visible_condition(session, user())  # agents: the visits of their tickets
    if condition is not None:
        query = query.where(condition)
    order = CallbackVisitRow.due_at.desc() if show == "all" else CallbackVisitRow.due_at
    rows = [(v, t) for v, t in session.execute(query.order_by(order).limit(200)).all()]
    return render_template(
        "tickets/visits.html",
        rows=rows,
        show=show,
        now=now,
        outcomes=list(VisitOutcome),
    )


@bp.post("/<number>/visit")
@login_required
@ticket_action
def record_visit(number: str) -> ResponseReturnValue:
    outcome = form_text("outcome", limit=20)
    score = form_text("satisfaction", limit=2)
    completed = outcome == VisitOutcome.COMPLETED.value
    Registers(service()).record_visit(
        number,
        outcome,
        by=actor_of(user()),
        satisfaction=int(score) if completed and score.isdigit() else None,
        problem_solved=_bool("solved") if completed else None,
        note=form_text("note"),
    )
    flash(_("Callback visit of %(number)s recorded.", number=number), "info")
    target = request.form.get("back") == "visits"
    return redirect(
        url_for("tickets.visits") if target else url_for("tickets.detail", number=number)
    )
