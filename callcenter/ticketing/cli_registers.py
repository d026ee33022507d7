"""``callcenter tickets complaints | visits | escalate | escalations | report | appraisal |
roster | attendance``: the registers, the SLA check and the statistics."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import Any

import click

from callcenter.db.base import utcnow
from callcenter.ticketing.attendance import Roster, attendance, attendance_to_dict
from callcenter.ticketing.cli import tickets
from callcenter.ticketing.cli_common import (
    by_option,
    desk,
    emit,
    friendly_errors,
    json_option,
    parse_day,
    parse_when,
)
from callcenter.ticketing.escalation import acknowledge, check_escalations, open_escalations
from callcenter.ticketing.notifications import notify_supervisors
from callcenter.ticketing.registers import Registers
from callcenter.ticketing.reports import (
    appraisal_to_dict,
    monthly_appraisal,
    report_series,
    to_csv,
)
from callcenter.ticketing.serialize import complaint_to_dict, escalation_to_dict, visit_to_dict
from callcenter.ticketing.service import TicketService
from callcenter.tickets.report_figures import PeriodKind


def _registers(session: Any) -> Registers:
    return Registers(TicketService(session, rules=desk().rules))


def _table(rows: list[dict[str, Any]], keys: list[str]) -> str:
    if not rows:
        return "(none)"
    return "\n".join(
        "  ".join(str(r.get(k) if r.get(k) is not None else "-") for k in keys) for r in rows
    )


# -- complaints ---------------------------------------------------------------------------


@tickets.group("complaints")
def complaints() -> None:
    """The complaint register (投诉登记): classification, investigation, feedback."""


@complaints.command("list")
@click.option("--status", default=None)
@click.option("--overdue", is_flag=True, help="Past the deadline and not yet fed back.")
@click.option("--limit", type=click.IntRange(1, 1000), default=200)
@json_option
@friendly_errors
def complaints_list(status: str | None, overdue: bool, limit: int, as_json: bool) -> None:
    with desk().scope() as session:
        rows = _registers(session).complaints(
            status=status, overdue_at=utcnow() if overdue else None, limit=limit
        )
        data = [complaint_to_dict(c, t.number) for c, t in rows]
    keys = ["ticket", "status", "classification", "responsible", "deadline", "content"]
    emit(data, as_json, lambda d: _table(d, keys))


@complaints.command("register")
@click.argument("number")
@click.option("--content", required=True, help="What the customer complains about.")
@click.option("--demands", required=True, help="What the customer asks for.")
@click.option("--class", "classification", required=True, help="attitude, speed, quality, ...")
@by_option
@json_option
@friendly_errors
def complaints_register(
    number: str, content: str, demands: str, classification: str, by: str, as_json: bool
) -> None:
    """Open the register record of complaint ticket NUMBER."""
    _complaint_step(
        number,
        as_json,
        "register_complaint",
        content=content,
        demands=demands,
        classification=classification,
        by=by,
    )


@complaints.command("investigate")
@click.argument("number")
@click.argument("responsible")
@click.option("--deadline", default=None, help="Default: the complaint SLA's resolution.")
@by_option
@json_option
@friendly_errors
def complaints_investigate(
    number: str, responsible: str, deadline: str | None, by: str, as_json: bool
) -> None:
    """Name who investigates and by when (指定责任人, 限期处理)."""
    _complaint_step(
        number,
        as_json,
        "assign_investigation",
        responsible,
        by=by,
        deadline=parse_when(deadline, desk().rules),
    )


@complaints.command("result")
@click.argument("number")
@click.option("--substantiated/--unfounded", required=True, help="Was the complaint founded?")
@click.option("--result", required=True)
@click.option("--remedy", default=None)
@by_option
@json_option
@friendly_errors
def complaints_result(
    number: str, substantiated: bool, result: str, remedy: str | None, by: str, as_json: bool
) -> None:
    """Record the investigation's finding (for an unfounded complaint: the explanation)."""
    _complaint_step(
        number,
        as_json,
        "record_result",
        substantiated=substantiated,
        result=result,
        remedy=remedy,
        by=by,
    )


@complaints.command("feedback")
@click.argument("number")
@click.argument("text")
@by_option
@json_option
@friendly_errors
def complaints_feedback(number: str, text: str, by: str, as_json: bool) -> None:
    """What the customer was told (结果反馈)."""
    _complaint_step(number, as_json, "record_feedback", text, by=by)


@complaints.command("accept")
@click.argument("number")
@click.argument("answer", type=click.Choice(["accepted", "not_accepted", "no_answer"]))
@click.option("--note", default="")
@by_option
@json_option
@friendly_errors
def complaints_accept(number: str, answer: str, note: str, by: str, as_json: bool) -> None:
    """The customer's answer to the feedback."""
    _complaint_step(number, as_json, "record_acceptance", answer, by=by, note=note)


@complaints.command("close")
@click.argument("number")
@click.option("--note", default="", help="Needed to close over the customer's objection.")
@by_option
@json_option
@friendly_errors
def complaints_close(number: str, note: str, by: str, as_json: bool) -> None:
    """Close the register record (then the ticket can close)."""
    _complaint_step(number, as_json, "close_complaint", by=by, note=note)


def _complaint_step(number: str, as_json: bool, method: str, *args: Any, **kwargs: Any) -> None:
    with desk().scope() as session:
        row = getattr(_registers(session), method)(number, *args, **kwargs)
        data = complaint_to_dict(row, number)
    emit(data, as_json, lambda d: f"{d['ticket']} complaint: {d['status']}")


# -- 回访 ---------------------------------------------------------------------------------


@tickets.group("visits")
def visits() -> None:
    """Callback visits (回访): due within N working days; outcome and satisfaction."""


@visits.command("list")
@click.option("--overdue", is_flag=True, help="Not done and past due (for supervisors).")
@click.option("--pending", is_flag=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=200)
@json_option
@friendly_errors
def visits_list(overdue: bool, pending: bool, limit: int, as_json: bool) -> None:
    with desk().scope() as session:
        rows = _registers(session).visits(
            overdue_at=utcnow() if overdue else None, pending=pending, limit=limit
        )
        data = [visit_to_dict(v, t.number) for v, t in rows]
    emit(data, as_json, lambda d: _table(d, ["ticket", "due_at", "outcome", "satisfaction"]))


@visits.command("record")
@click.argument("number")
@click.argument("outcome", type=click.Choice(["completed", "unreachable", "declined"]))
@click.option("--score", type=click.IntRange(1, 5), default=None, help="Satisfaction 1-5.")
@click.option("--solved/--not-solved", default=None, help="Not solved reopens the ticket.")
@click.option("--note", default="")
@by_option
@json_option
@friendly_errors
def visits_record(
    number: str,
    outcome: str,
    score: int | None,
    solved: bool | None,
    note: str,
    by: str,
    as_json: bool,
) -> None:
    """Record the 回访 of ticket NUMBER."""
    with desk().scope() as session:
        row = _registers(session).record_visit(
            number, outcome, by=by, satisfaction=score, problem_solved=solved, note=note
        )
        data = visit_to_dict(row, number)
    emit(data, as_json, lambda d: f"{d['ticket']} 回访: {d['outcome']} {d['satisfaction'] or ''}")


# -- escalation ---------------------------------------------------------------------------


@tickets.command("escalate")
@json_option
@friendly_errors
def escalate_command(as_json: bool) -> None:
    """Check every open ticket's deadlines now; breaches go to the supervisor / manager."""
    d = desk()
    with d.scope() as session:
        done = check_escalations(session, d.rules, utcnow())
        notify_supervisors(session, utcnow())  # shown on the console at its next refresh
    if d.settings.tickets.alert_webhook_url:
        from callcenter.ticketing.alert_webhook import deliver_alerts

        deliver_alerts(d.sessions, d.settings.tickets.alert_webhook_url)
    data = [
        {
            "ticket": e.number,
            "level": e.level,
            "reasons": list(e.reasons),
            "since": e.since.isoformat(),
        }
        for e in done
    ]
    emit(data, as_json, lambda rows: _table(rows, ["ticket", "level", "reasons", "since"]))


@tickets.command("escalations")
@click.option("--all", "include_acknowledged", is_flag=True, help="Acknowledged ones too.")
@click.option("--ack", "ack_id", type=int, default=None, help="Acknowledge escalation ID.")
@by_option
@json_option
@friendly_errors
def escalations_command(
    include_acknowledged: bool, ack_id: int | None, by: str, as_json: bool
) -> None:
    """The supervisors' list of escalated tickets (open ones)."""
    with desk().scope() as session:
        if ack_id is not None:
            acknowledge(session, ack_id, by=by)
        rows = open_escalations(session, include_acknowledged=include_acknowledged)
        data = [escalation_to_dict(e, t.number) for e, t in rows]
    emit(data, as_json, lambda d: _table(d, ["id", "ticket", "level", "reasons", "since"]))


# -- reports ------------------------------------------------------------------------------


@tickets.command("report")
@click.option(
    "--period", type=click.Choice([k.value for k in PeriodKind]), default="month", show_default=True
)
@click.option("--from", "first", default=None, help="A date in the first period (default today).")
@click.option("--to", "last", default=None, help="A date in the last period (default --from).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV (UTF-8 with BOM for spreadsheets).")
@json_option
@friendly_errors
def report_command(
    period: str, first: str | None, last: str | None, as_csv: bool, as_json: bool
) -> None:
    """Calls offered/answered/abandoned, answered within N s, ASA, handle time, tickets
    within SLA, complaints, 回访 on time, satisfaction -- per day, week or month."""
    d = desk()
    start = parse_day(first, d.rules)
    end = parse_day(last, d.rules) if last else start
    with d.scope() as session:
        rows = [
            r.as_dict() for r in report_series(session, d.rules, PeriodKind(period), start, end)
        ]
    if as_csv:
        sys.stdout.write("\ufeff" + to_csv(rows))
        return
    keys = [
        "period",
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "asa_seconds",
        "tickets_opened",
        "resolution_sla_rate",
        "complaints",
        "satisfaction_rate",
    ]
    emit(rows, as_json, lambda rs: "  ".join(keys) + "\n" + _table(rs, keys))


@tickets.command("appraisal")
@click.option("--month", default=None, help="YYYY-MM (default: this month).")
@click.option("--csv", "as_csv", is_flag=True)
@json_option
@friendly_errors
def appraisal_command(month: str | None, as_csv: bool, as_json: bool) -> None:
    """The monthly appraisal per agent (月度考核)."""
    d = desk()
    day = parse_day(f"{month}-01" if month else None, d.rules)
    with d.scope() as session:
        rows = [
            appraisal_to_dict(a) for a in monthly_appraisal(session, d.rules, day.year, day.month)
        ]
    if as_csv:
        sys.stdout.write("\ufeff" + to_csv(rows))
        return
    keys = [
        "agent",
        "calls_answered",
        "handle_seconds",
        "tickets_resolved",
        "sla_rate",
        "escalated",
        "satisfaction_rate",
    ]
    emit(rows, as_json, lambda rs: _table(rs, keys))


# -- roster and attendance ----------------------------------------------------------------


@tickets.group("roster")
def roster() -> None:
    """The duty roster (值班表)."""


@roster.command("add")
@click.argument("agent")
@click.argument("start")
@click.argument("end")
@click.option("--note", default="")
@by_option
@json_option
@friendly_errors
def roster_add(agent: str, start: str, end: str, note: str, by: str, as_json: bool) -> None:
    """A shift: AGENT from START to END (desk time, e.g. 2026-03-02T09:00)."""
    d = desk()
    begin, finish = parse_when(start, d.rules), parse_when(end, d.rules)
    assert begin is not None and finish is not None
    with d.scope() as session:
        row = Roster(session).add(agent, begin, finish, by=by, note=note)
        data = {
            "id": row.id,
            "agent": row.agent,
            "starts_at": begin.isoformat(),
            "ends_at": finish.isoformat(),
        }
    emit(
        data, as_json, lambda r: f"shift {r['id']}: {r['agent']} {r['starts_at']} - {r['ends_at']}"
    )


@tickets.command("attendance")
@click.option("--from", "first", default=None, help="First day (default: 7 days ago).")
@click.option("--to", "last", default=None, help="Last day (default: today).")
@json_option
@friendly_errors
def attendance_command(first: str | None, last: str | None, as_json: bool) -> None:
    """Attendance per shift: late, early leave, absent, overtime (from the agent timeline)."""
    d = desk()
    today = parse_day(None, d.rules)
    start_day = parse_day(first, d.rules) if first else today - timedelta(days=7)
    end_day = parse_day(last, d.rules) if last else today
    start = datetime.combine(start_day, datetime.min.time(), tzinfo=d.rules.tz)
    end = datetime.combine(end_day + timedelta(days=1), datetime.min.time(), tzinfo=d.rules.tz)
    with d.scope() as session:
        rows = [
            attendance_to_dict(a, d.rules.tz)
            for a in attendance(session, d.rules, start, end, as_of=utcnow())
        ]
    keys = [
        "agent",
        "shift_start",
        "absent",
        "late_minutes",
        "early_leave_minutes",
        "overtime_minutes",
    ]
    emit(rows, as_json, lambda rs: _table(rs, keys))
