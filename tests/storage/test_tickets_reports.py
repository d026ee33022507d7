"""Reports from a known set of calls and tickets, attendance from a stored timeline, and
the controller feature creating customers (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callcenter.config import Settings
from callcenter.db.agent_models import AgentStateChangeRow
from callcenter.db.call_repository import CallRepository
from callcenter.db.engine import session_scope
from callcenter.db.models import CallRow
from callcenter.db.ticket_models import CustomerNumberRow
from callcenter.domain.call import Call, Disposition, TimelineEntry
from callcenter.ticketing.attendance import Roster, attendance
from callcenter.ticketing.feature import TicketsFeature
from callcenter.ticketing.registers import Registers
from callcenter.ticketing.reports import monthly_appraisal, period_report, report_series
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.rules import DeskRules
from callcenter.ticketing.service import TicketService
from callcenter.tickets.report_figures import (
    CallFacts,
    PeriodKind,
    ReportPeriod,
    call_figures,
)
from tests.storage.tickets_helpers import Clock, local, save_call

RULES = DeskRules()


def known_calls(session: Session) -> None:
    save_call(session, started_at=local(3, 2, 9, 10), wait=5, talk=100)
    save_call(session, started_at=local(3, 2, 9, 20), wait=15, talk=200)  # exactly 15 s: in
    save_call(session, started_at=local(3, 2, 10), wait=40, talk=300)
    save_call(session, started_at=local(3, 2, 11), wait=20, answered=False)
    save_call(
        session,
        started_at=local(3, 2, 20),
        answered=False,
        queue=None,
        queue_joined_at=None,
        disposition=Disposition.VOICEMAIL,
    )
    save_call(session, started_at=local(3, 3, 9), wait=2, talk=60)  # Tuesday
    save_call(session, started_at=local(3, 1, 23, 59), wait=1, talk=10)  # Sunday: other week


def test_report_figures_from_a_known_set_of_calls(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        known_calls(s)
    with sessions() as s:
        day = period_report(s, RULES, ReportPeriod.containing(PeriodKind.DAY, date(2026, 3, 2)))
        week = period_report(s, RULES, ReportPeriod.containing(PeriodKind.WEEK, date(2026, 3, 4)))
        facts = [
            CallFacts(c.queue is not None, c.disposition, c.wait_seconds, c.talk_seconds)
            for c in s.scalars(select(CallRow)).all()
            if local(3, 2) <= c.started_at < local(3, 3)
        ]
    d = day.as_dict()
    assert (d["calls"], d["offered"], d["answered"], d["abandoned"]) == (5, 4, 3, 1)
    assert d["answered_within"] == 2 and d["answered_within_seconds"] == 15
    assert d["asa_seconds"] == 20.0 and d["handle_seconds"] == 200.0
    assert d["service_level"] == 0.5 and d["abandon_rate"] == 0.25
    assert day.calls == call_figures(facts, 15)  # SQL and the pure definition agree
    w = week.as_dict()
    assert (w["period"], w["calls"], w["offered"], w["answered"]) == ("2026-W10", 6, 5, 4)
    assert w["answered_within"] == 3


def test_ticket_figures_and_the_monthly_appraisal(sessions: sessionmaker[Session]) -> None:
    clock = Clock(local(3, 2, 10))
    with session_scope(sessions) as s:
        known_calls(s)
        svc = TicketService(s, rules=RULES, clock=clock)
        fast = svc.create(
            by="1001",
            channel="phone",
            category="repair",
            description="断网",
            contact="13800138000",
            assignee="1002",
        )
        slow = svc.create(
            by="1001",
            channel="phone",
            category="inquiry",
            description="咨询",
            contact="13900000000",
            assignee="1003",
        )
        svc.start(fast, by="1002")
        clock.advance(hours=2)
        svc.resolve(fast, "重启路由器", by="1002")
        clock.set(local(3, 10, 10))  # three working days are long gone
        svc.start(slow, by="1003")
        svc.resolve(slow, "已答复", by="1003")
        clock.set(local(3, 4, 10))
        Registers(svc).record_visit(fast.number, "completed", by="1005", satisfaction=5)
    with sessions() as s:
        (month,) = report_series(s, RULES, PeriodKind.MONTH, date(2026, 3, 15), date(2026, 3, 15))
        m = month.as_dict()
        assert (m["tickets_opened"], m["tickets_resolved"], m["resolved_within_sla"]) == (2, 2, 1)
        assert (m["visits_due"], m["visits_on_time"]) == (2, 1)
        assert (m["rated"], m["satisfied"], m["satisfaction_rate"]) == (1, 1, 1.0)
        assert m["meets_satisfaction_target"] is True
        appraisal = {a.agent: a for a in monthly_appraisal(s, RULES, 2026, 3)}
    assert appraisal["1001"].calls_answered == 5 and appraisal["1001"].answered_within == 4
    assert appraisal["1002"].tickets_resolved == 1 and appraisal["1002"].resolved_within_sla == 1
    assert appraisal["1002"].satisfaction_rate == 1.0
    assert appraisal["1003"].sla_rate == 0.0


def _state(extension: str, at: Any, state: str, previous: str) -> AgentStateChangeRow:
    return AgentStateChangeRow(
        extension=extension, at=at, state=state, previous=previous, cause="test", reason=""
    )


def test_attendance_from_the_agent_timeline(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        roster = Roster(s)
        roster.add("1001", local(3, 2, 9), local(3, 2, 18), by="supervisor")
        roster.add("1002", local(3, 2, 9), local(3, 2, 18), by="supervisor")
        s.add_all(
            [
                _state("1001", local(3, 2, 9, 12), "available", "logged_out"),
                _state("1001", local(3, 2, 12), "paused", "available"),
                _state("1001", local(3, 2, 13), "available", "paused"),
                _state("1001", local(3, 2, 17, 30), "logged_out", "available"),
            ]
        )
    with sessions() as s:
        first, second = attendance(s, RULES, local(3, 2), local(3, 3))
    assert first.shift.agent == "1001" and not first.absent
    assert first.is_late and first.late_minutes == 12
    assert first.is_early_leave and first.early_leave_minutes == 30
    assert first.paused.total_seconds() == 3600
    assert second.shift.agent == "1002" and second.absent


def test_the_controller_feature_creates_the_callers_customer(
    sessions: sessionmaker[Session], tmp_path: Any
) -> None:
    settings = Settings(state_dir=tmp_path)
    feature = TicketsFeature(settings=settings, sessions=sessions)
    call = Call("l.1", "+86 139 1111 2222", "张三", "8000", local(3, 2, 10))
    internal = Call("l.2", "1001", "agent", "8000", local(3, 2, 10))

    async def feed() -> None:
        await feature.on_event(object(), [call, internal], ami=None)  # type: ignore[arg-type]
        await feature.on_event(object(), [call], ami=None)  # type: ignore[arg-type]
        await feature.stop()

    asyncio.run(feed())
    with sessions() as s:
        numbers = s.scalars(select(CustomerNumberRow.number)).all()
    assert numbers == ["13911112222"]


def test_a_voicemail_left_in_the_ivr_becomes_a_ticket(
    sessions: sessionmaker[Session], tmp_path: Any
) -> None:
    start = local(3, 2, 20)  # after hours
    call = Call(
        "vm.1",
        "13700001111",
        "赵六",
        "8000",
        start,
        ended_at=start + timedelta(seconds=40),
        disposition=Disposition.VOICEMAIL,
        timeline=(TimelineEntry(start + timedelta(seconds=20), "voicemail", "/vm/vm.1.wav"),),
    )
    with session_scope(sessions) as s:
        call_id = CallRepository(s).save(call)
    feature = TicketsFeature(settings=Settings(state_dir=tmp_path), sessions=sessions)

    async def feed() -> None:
        await feature.on_event(object(), [call], ami=None)  # type: ignore[arg-type]
        await feature.on_event(object(), [call], ami=None)  # type: ignore[arg-type]
        await feature.stop()

    asyncio.run(feed())
    with sessions() as s:
        (ticket,) = TicketRepository(s).for_call(call_id)
        assert (ticket.channel, ticket.opened_by, ticket.contact) == (
            "voicemail",
            "system",
            "13700001111",
        )
        assert "/vm/vm.1.wav" in ticket.description
