"""Complaints, 回访, escalations, reports and attendance under ``/api/v1`` (on the tickets
blueprint of ``web.api.tickets``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from callcenter.db.base import utcnow
from callcenter.ticketing.attendance import attendance, attendance_to_dict
from callcenter.ticketing.escalation import acknowledge, check_escalations, open_escalations
from callcenter.ticketing.notifications import LIVE_KIND, notify_supervisors
from callcenter.ticketing.registers import Registers
from callcenter.ticketing.reports import (
    appraisal_to_dict,
    monthly_appraisal,
    report_series,
    to_csv,
)
from callcenter.ticketing.serialize import complaint_to_dict, escalation_to_dict, visit_to_dict
from web.api import api_error
from web.api.tickets import actor, body, bp, desk_errors, require_role, rules, service
from web.database import db_session
from web.live import live_link

SUPERVISORS = ("supervisor", "admin")
COMPLAINT_ACTIONS = {
    "register": "register_complaint",
    "investigate": "assign_investigation",
    "result": "record_result",
    "feedback": "record_feedback",
    "accept": "record_acceptance",
    "close": "close_complaint",
}


def _day(name: str, default: date) -> date:
    raw = request.args.get(name)
    return date.fromisoformat(raw) if raw else default


def _when(value: object) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=rules().tz)


@bp.get("/complaints")
@desk_errors
def list_complaints() -> ResponseReturnValue:
    overdue = request.args.get("overdue") in ("1", "true")
    rows = Registers(service()).complaints(
        status=request.args.get("status"), overdue_at=utcnow() if overdue else None
    )
    return jsonify(complaints=[complaint_to_dict(c, t.number) for c, t in rows])


@bp.post("/tickets/<number>/complaint/<action>")
@desk_errors
def complaint_step(number: str, action: str) -> ResponseReturnValue:
    if action not in COMPLAINT_ACTIONS:
        return api_error(404, "not_found", f"no complaint action {action!r}")
    data, by = body(), actor()
    registers = Registers(service())
    match action:
        case "register":
            row = registers.register_complaint(
                number,
                content=str(data["content"]),
                demands=str(data["demands"]),
                classification=str(data["classification"]),
                by=by,
            )
        case "investigate":
            row = registers.assign_investigation(
                number, str(data["responsible"]), by=by, deadline=_when(data.get("deadline"))
            )
        case "result":
            row = registers.record_result(
                number,
                substantiated=bool(data["substantiated"]),
                result=str(data["result"]),
                remedy=data.get("remedy"),
                by=by,
            )
        case "feedback":
            row = registers.record_feedback(number, str(data["feedback"]), by=by)
        case "accept":
            row = registers.record_acceptance(
                number, str(data["acceptance"]), by=by, note=str(data.get("note", ""))
            )
        case _:
            row = registers.close_complaint(number, by=by, note=str(data.get("note", "")))
    db_session().commit()
    return jsonify(complaint_to_dict(row, number))


@bp.get("/visits")
@desk_errors
def list_visits() -> ResponseReturnValue:
    overdue = request.args.get("overdue") in ("1", "true")
    pending = request.args.get("pending") in ("1", "true")
    rows = Registers(service()).visits(overdue_at=utcnow() if overdue else None, pending=pending)
    return jsonify(visits=[visit_to_dict(v, t.number) for v, t in rows])


@bp.post("/tickets/<number>/visit")
@desk_errors
def record_visit(number: str) -> ResponseReturnValue:
    data = body()
    row = Registers(service()).record_visit(
        number,
        str(data["outcome"]),
        by=actor(),
        satisfaction=data.get("satisfaction"),
        problem_solved=data.get("problem_solved"),
        note=str(data.get("note", "")),
    )
    db_session().commit()
    return jsonify(visit_to_dict(row, number))


@bp.get("/escalations")
@desk_errors
def list_escalations() -> ResponseReturnValue:
    every = request.args.get("all") in ("1", "true")
    rows = open_escalations(db_session(), include_acknowledged=every)
    return jsonify(escalations=[escalation_to_dict(e, t.number) for e, t in rows])


@bp.post("/escalations/check")
@desk_errors
def run_escalation_check() -> ResponseReturnValue:
    denied = require_role(*SUPERVISORS)
    if denied is not None:
        return denied
    done = check_escalations(db_session(), rules(), utcnow())
    alerts = notify_supervisors(db_session(), utcnow())
    db_session().commit()
    publish = live_link().notifier.publish
    for alert in alerts:
        publish(LIVE_KIND, alert.payload())
    return jsonify(
        escalated=[
            {
                "ticket": e.number,
                "level": e.level,
                "reasons": list(e.reasons),
                "since": e.since.isoformat(),
            }
            for e in done
        ]
    )


@bp.post("/escalations/<int:escalation_id>/ack")
@desk_errors
def ack_escalation(escalation_id: int) -> ResponseReturnValue:
    denied = require_role(*SUPERVISORS)
    if denied is not None:
        return denied
    row = acknowledge(db_session(), escalation_id, by=actor())
    db_session().commit()
    ticket = service().tickets.by_id(row.ticket_id)
    return jsonify(escalation_to_dict(row, ticket.number if ticket else "?"))


@bp.get("/reports")
@desk_errors
def reports() -> ResponseReturnValue:
    denied = require_role(*SUPERVISORS)
    if denied is not None:
        return denied
    from callcenter.tickets.report_figures import PeriodKind

    today = datetime.now(rules().tz).date()
    first = _day("from", today)
    last = _day("to", first)
    kind = PeriodKind(request.args.get("period", "month"))
    rows = [r.as_dict() for r in report_series(db_session(), rules(), kind, first, last)]
    if request.args.get("format") == "csv":
        return Response("\ufeff" + to_csv(rows), mimetype="text/csv; charset=utf-8")
    return jsonify(reports=rows)


@bp.get("/reports/appraisal")
@desk_errors
def appraisal() -> ResponseReturnValue:
    denied = require_role(*SUPERVISORS)
    if denied is not None:
        return denied
    month = request.args.get("month") or datetime.now(rules().tz).strftime("%Y-%m")
    year, mon = (int(x) for x in month.split("-"))
    rows = [appraisal_to_dict(a) for a in monthly_appraisal(db_session(), rules(), year, mon)]
    return jsonify(month=month, agents=rows)


@bp.get("/attendance")
@desk_errors
def attendance_view() -> ResponseReturnValue:
    denied = require_role(*SUPERVISORS)
    if denied is not None:
        return denied
    tz = rules().tz
    today = datetime.now(tz).date()
    first, last = _day("from", today - timedelta(days=7)), _day("to", today)
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    rows = attendance(db_session(), rules(), start, end, as_of=utcnow())
    return jsonify(attendance=[attendance_to_dict(a, tz) for a in rows])
