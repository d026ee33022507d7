"""Customers in the API: ``GET /api/v1/customers`` (``?q=`` part of a name or a number),
``GET``/``PATCH /api/v1/customers/<id>``, ``POST /api/v1/customers/<id>/numbers`` and
``DELETE /api/v1/customers/<id>/numbers/<number>``. Every change is logged
(``customer_audit``) with who made it; every logged-in role may edit (agents register
callers' details while on the call)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from callcenter.db.ticket_models import CustomerRow
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.serialize import customer_detail, customer_to_dict
from web.api import api_error
from web.api.tickets import _int_arg, actor, body, bp, desk_errors
from web.database import db_session

EDITABLE = {"name": str, "vip": bool, "notes": str}


def _customer(customer_id: int) -> tuple[CustomerRepository, CustomerRow | None]:
    repo = CustomerRepository(db_session())
    return repo, repo.get(customer_id)


def _missing(customer_id: int) -> ResponseReturnValue:
    return api_error(404, "not_found", f"no customer {customer_id} (客户不存在)")


def _detail(customer_id: int, status: int = 200) -> ResponseReturnValue:
    session = db_session()
    session.commit()
    _repo, row = _customer(customer_id)
    if row is None:
        return _missing(customer_id)
    response = jsonify(customer_detail(session, row))
    response.status_code = status
    return response


@bp.get("/customers")
@desk_errors
def list_customers() -> ResponseReturnValue:
    repo = CustomerRepository(db_session())
    text = request.args.get("q", "")[:100]
    rows = repo.search(text, limit=_int_arg("limit", 50, low=1, high=200) or 50)
    return jsonify(customers=[customer_to_dict(c, repo.numbers(c.id)) for c in rows])


@bp.get("/customers/<int:customer_id>")
@desk_errors
def get_customer(customer_id: int) -> ResponseReturnValue:
    return _detail(customer_id)


def _changes(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise ValueError(f"cannot change {', '.join(unknown)}; only {', '.join(EDITABLE)}")
    for key, value in data.items():
        if not isinstance(value, EDITABLE[key]):
            raise ValueError(f"{key} must be a {EDITABLE[key].__name__}")
    if not data:
        raise ValueError("send at least one of name, vip, notes")
    return data


@bp.patch("/customers/<int:customer_id>")
@desk_errors
def edit_customer(customer_id: int) -> ResponseReturnValue:
    repo, row = _customer(customer_id)
    if row is None:
        return _missing(customer_id)
    repo.update(customer_id, by=actor(), **_changes(body()))
    return _detail(customer_id)


@bp.post("/customers/<int:customer_id>/numbers")
@desk_errors
def add_number(customer_id: int) -> ResponseReturnValue:
    repo, row = _customer(customer_id)
    if row is None:
        return _missing(customer_id)
    data = body()
    number, label = data.get("number"), data.get("label", "")
    if not isinstance(number, str) or not isinstance(label, str):
        raise ValueError('send {"number": "..."} (and optionally a text "label")')
    repo.add_number_audited(customer_id, number, label=label[:40], by=actor())
    return _detail(customer_id, 201)


@bp.delete("/customers/<int:customer_id>/numbers/<number>")
@desk_errors
def remove_number(customer_id: int, number: str) -> ResponseReturnValue:
    repo, row = _customer(customer_id)
    if row is None:
        return _missing(customer_id)
    repo.remove_number(customer_id, number, by=actor())
    return _detail(customer_id)
