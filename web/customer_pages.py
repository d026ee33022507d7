"""Customers in the console: find by name or number, view with their tickets and change
log, edit name / VIP flag / notes and their numbers. Every role may (agents fix a caller's
details while on the call); every change is logged with who made it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from callcenter.db.ticket_models import TicketRow
from callcenter.ticketing.customers import MAX_NAME, CustomerRepository
from web.database import db_session
from web.ticket_access import actor_of, visible_condition
from web.tickets import DOMAIN_ERRORS, bp, form_text, user


@bp.get("/customers")
@login_required
def customers() -> ResponseReturnValue:
    text = request.args.get("q", "").strip()[:100]
    repo = CustomerRepository(db_session())
    rows = repo.search(text, limit=100)
    return render_template(
        "tickets/customers.html",
        q=text,
        rows=[(c, repo.numbers(c.id)) for c in rows],
    )


@bp.get("/customers/<int:customer_id>")
@login_required
def customer(customer_id: int) -> ResponseReturnValue:
    session = db_session()
    repo = CustomerRepository(session)
    row = repo.get(customer_id)
    if row is None:
        abort(404)
    query = select(TicketRow).where(TicketRow.customer_id == customer_id)
    condition = visible_condition(session, user())
    if condition is not None:
        query = query.where(condition)
    tickets = session.scalars(query.order_by(TicketRow.opened_at.desc()).limit(50)).all()
    return render_template(
        "tickets/customer.html",
        customer=row,
        numbers=repo.numbers(customer_id),
        tickets=tickets,
        history=repo.history(customer_id),
        max_name=MAX_NAME,
    )


@bp.post("/customers/<int:customer_id>")
@login_required
def edit_customer(customer_id: int) -> ResponseReturnValue:
    session = db_session()
    repo = CustomerRepository(session)
    if repo.get(customer_id) is None:
        abort(404)
    by = actor_of(user())
    try:
        action = request.form.get("action", "edit")
        if action == "add_number":
            repo.add_number_audited(
                customer_id,
                form_text("number", limit=64),
                label=form_text("label", limit=40),
                by=by,
            )
        elif action == "remove_number":
            repo.remove_number(customer_id, form_text("number", limit=64), by=by)
        else:
            repo.update(
                customer_id,
                name=form_text("name", limit=MAX_NAME + 1),
                vip=bool(request.form.get("vip")),
                notes=form_text("notes"),
                by=by,
            )
    except DOMAIN_ERRORS as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("tickets.customer", customer_id=customer_id))
    session.commit()
    flash(_("Customer details saved."), "info")
    return redirect(url_for("tickets.customer", customer_id=customer_id))
