"""The desk's ticket rules on the real storage (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.engine import session_scope
from callcenter.db.models import CallRow
from callcenter.db.ticket_models import CustomerRow, TicketRow
from callcenter.ticketing.call_intake import (
    add_transcript_note,
    append_call_to_ticket,
    ticket_from_call,
    ticket_from_callback_request,
    ticket_from_voicemail,
    ticket_status,
)
from callcenter.ticketing.escalation import check_escalations, open_escalations
from callcenter.ticketing.registers import Registers
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.rules import DeskRules
from callcenter.ticketing.search import search_tickets
from callcenter.ticketing.service import TicketService
from callcenter.tickets.ticket import TransitionError
from tests.storage.tickets_helpers import Clock, local, save_call

RULES = DeskRules()


@pytest.fixture
def clock() -> Clock:
    return Clock(local(3, 2, 10))  # Monday 2 March 2026, 10:00 in Shanghai


def service(session: Session, clock: Clock) -> TicketService:
    return TicketService(session, rules=RULES, clock=clock)


def new_ticket(session: Session, clock: Clock, **overrides: object) -> TicketRow:
    values: dict[str, object] = {
        "by": "1001",
        "channel": "phone",
        "category": "repair",
        "description": "打印机卡纸,无法打印",
        "contact": "13800138000",
        "customer_name": "王小明",
    }
    values.update(overrides)
    return service(session, clock).create(**values)  # type: ignore[arg-type]


def test_deadlines_skip_the_weekend_and_the_qingming_holiday(
    sessions: sessionmaker[Session], clock: Clock
) -> None:
    clock.set(local(4, 3, 16))  # Friday 16:00; Sat 4 - Mon 6 April are Qingming days off
    with session_scope(sessions) as s:
        row = new_ticket(s, clock)
        number = row.number
    with sessions() as s:
        stored = TicketRepository(s).require(number)
        assert number == "20260403-0001"
        # 4 working hours: 2 on Friday, 2 on Tuesday 7 April (the holiday Monday skipped)
        assert stored.response_due == local(4, 7, 11)
        # 3 working days: close of business on Thursday 9 April
        assert stored.resolution_due == local(4, 9, 18)


def test_every_change_leaves_audit_rows(sessions: sessionmaker[Session], clock: Clock) -> None:
    with session_scope(sessions) as s:
        svc = service(s, clock)
        row = new_ticket(s, clock)
        clock.advance(minutes=5)
        svc.assign(row, "1002", by="supervisor")
        clock.advance(minutes=5)
        svc.start(row, by="1002")
        svc.wait(row, by="1002", note="等客户提供型号")
        clock.advance(hours=1)
        svc.start(row, by="1002")
        svc.add_note(row, "已更换硒鼓", by="1002")
        svc.change_priority(row, "high", by="supervisor", reason="客户是VIP")
        svc.resolve(row, "更换硒鼓后正常", by="1002")
        svc.close(row, by="1002")
        number, ticket_id = row.number, row.id
    with sessions() as s:
        trail = [(a.actor, a.field, a.old, a.new) for a in TicketRepository(s).audit(ticket_id)]
    assert trail[0] == ("1001", "status", None, "new")
    assert ("supervisor", "assignee", None, "1002") in trail
    assert ("supervisor", "status", "new", "assigned") in trail
    assert ("1002", "status", "assigned", "in_progress") in trail
    assert ("1002", "status", "in_progress", "waiting_customer") in trail
    assert ("1002", "status", "waiting_customer", "in_progress") in trail
    assert ("1002", "note", None, "agent") in trail
    assert ("supervisor", "priority", "normal", "high") in trail
    assert ("1002", "resolution", None, "更换硒鼓后正常") in trail
    assert ("1002", "status", "resolved", "closed") in trail
    assert any(field == "due_at" for _, field, _, _ in trail)  # the 回访 was scheduled
    assert number.endswith("-0001")


def test_a_closed_ticket_cannot_be_reopened(sessions: sessionmaker[Session], clock: Clock) -> None:
    with session_scope(sessions) as s:
        svc = service(s, clock)
        row = new_ticket(s, clock, assignee="1002")
        svc.start(row, by="1002")
        svc.resolve(row, "ok", by="1002")
        svc.close(row, by="1002")
        with pytest.raises(TransitionError, match="closed"):
            svc.reopen(row, "还是坏的", by="1002")


def test_breach_escalates_to_supervisor_then_manager(
    sessions: sessionmaker[Session], clock: Clock
) -> None:
    clock.set(local(3, 2, 9))
    with session_scope(sessions) as s:
        number = new_ticket(s, clock, priority="urgent").number  # respond within 30 min
    with session_scope(sessions) as s:
        assert check_escalations(s, RULES, local(3, 2, 9, 29)) == []
    with session_scope(sessions) as s:
        (first,) = check_escalations(s, RULES, local(3, 2, 9, 31))
        assert (first.number, first.level, first.reasons) == (number, "supervisor", ("response",))
    with session_scope(sessions) as s:
        assert check_escalations(s, RULES, local(3, 2, 10)) == []  # already with the supervisor
        (listed,) = open_escalations(s)
        assert listed[1].number == number and listed[0].level == "supervisor"
    with session_scope(sessions) as s:  # 4 working hours after the 09:30 deadline
        (second,) = check_escalations(s, RULES, local(3, 2, 13, 31))
        assert second.level == "manager"
    with sessions() as s:
        row = TicketRepository(s).require(number)
        assert row.escalation_level == "manager"
        notes = [n.body for n in TicketRepository(s).notes(row.id) if n.kind == "system"]
        assert any("主管" in n for n in notes) and any("经理" in n for n in notes)
        fields = [(a.field, a.old, a.new) for a in TicketRepository(s).audit(row.id)]
        assert ("escalation_level", "none", "supervisor") in fields
        assert ("escalation_level", "supervisor", "manager") in fields


def test_a_complaint_goes_through_its_register_before_the_ticket_closes(
    sessions: sessionmaker[Session], clock: Clock
) -> None:
    with session_scope(sessions) as s:
        svc = service(s, clock)
        reg = Registers(svc)
        row = new_ticket(s, clock, category="complaint", description="客服态度差", assignee="1003")
        number = row.number
        reg.register_complaint(
            number, content="接线员态度恶劣", demands="道歉", classification="attitude", by="1001"
        )
        clock.advance(minutes=10)
        record = reg.assign_investigation(number, "李主管", by="supervisor")
        assert record.status == "investigating" and record.deadline is not None
        svc.start(row, by="1003")
        clock.advance(hours=2)
        reg.record_result(
            number, substantiated=True, result="属实,已批评教育", remedy="赠送话费", by="李主管"
        )
        reg.record_feedback(number, "已致电客户致歉并说明处理结果", by="李主管")
        svc.resolve(row, "投诉已处理", by="1003")
        with pytest.raises(TransitionError, match="投诉"):
            svc.close(row, by="1003")  # the register is not closed yet
        reg.record_acceptance(number, "accepted", by="李主管")
        reg.close_complaint(number, by="李主管")
        svc.close(row, by="1003")
        ticket_id = row.id
    with sessions() as s:
        repo = TicketRepository(s)
        complaint = repo.complaint(ticket_id)
        assert complaint is not None and complaint.status == "closed"
        assert complaint.substantiated is True and complaint.acceptance == "accepted"
        subjects = {a.subject for a in repo.audit(ticket_id)}
        assert subjects == {number, f"C:{number}", f"V:{number}"}


def test_callback_visit_is_due_exactly_five_working_days_after_the_call(
    sessions: sessionmaker[Session], clock: Clock
) -> None:
    with session_scope(sessions) as s:
        svc = service(s, clock)
        row = new_ticket(s, clock, assignee="1002")  # Monday 2 March 10:00
        svc.start(row, by="1002")
        clock.advance(hours=3)
        svc.resolve(row, "已修复", by="1002")
        (visit,) = TicketRepository(s).visits(row.id)
        assert visit.due_at == local(3, 9, 18)  # close of business, Monday 9 March
        reg = Registers(svc)
        assert reg.visits(overdue_at=local(3, 9, 18)) == []
        assert [t.number for _, t in reg.visits(overdue_at=local(3, 10, 9))] == [row.number]
        clock.set(local(3, 5, 15))
        reg.record_visit(row.number, "completed", by="1005", satisfaction=2, problem_solved=False)
        assert row.status == "in_progress"  # "not solved" reopened the ticket
        assert row.reopen_count == 1


def test_numbers_are_unique_under_concurrency(sessions: sessionmaker[Session]) -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        clock = Clock(local(5, 11, 10))
        try:
            for _ in range(8):
                with session_scope(sessions) as s:
                    number = new_ticket(s, clock).number
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"20260511-{i:04d}" for i in range(1, 49)]


def test_a_call_creates_its_customer_and_the_agent_appends_to_the_open_ticket(
    sessions: sessionmaker[Session], clock: Clock
) -> None:
    with session_scope(sessions) as s:
        first_call = save_call(s, caller_number="+86 138-0013-8000")
        row = ticket_from_call(
            s, RULES, first_call, by="1001", description="网络断线", category="repair"
        )
        assert row.customer_id is not None and row.call_id == first_call
        second_call = save_call(s, started_at=local(3, 3, 11), caller_number="13800138000")
        same = append_call_to_ticket(s, RULES, second_call, by="1001", note="客户催办")
        assert same.id == row.id
        calls = [c.id for c in TicketRepository(s).calls(row.id)]
        assert calls == [first_call, second_call]
        assert s.get(CallRow, first_call).ticket_id == row.id  # type: ignore[union-attr]
        customers = s.scalars(select(CustomerRow)).all()
        assert [c.name for c in customers] == ["王小明"]
        assert ticket_status(s, row.number.replace("-", "")) == "new"
        assert ticket_status(s, "202603029999") is None


def test_voicemail_and_callback_requests_become_tickets(
    sessions: sessionmaker[Session], clock: Clock
) -> None:
    with session_scope(sessions) as s:
        call = save_call(s, answered=False, caller_number="13911112222")
        vm = ticket_from_voicemail(
            s,
            RULES,
            caller_number="13911112222",
            call_id=call,
            recording="/vm/1.wav",
            at=local(3, 2, 21),
        )
        cb = ticket_from_callback_request(
            s,
            RULES,
            caller_number="13911112222",
            callback_number="02188886666",
            at=local(3, 2, 21, 5),
        )
        assert (vm.channel, vm.opened_by, vm.call_id) == ("voicemail", "system", call)
        assert (cb.channel, cb.contact) == ("callback", "02188886666")
        # after hours: the response clock starts at 09:00 the next working morning
        assert vm.response_due == local(3, 3, 13)


def test_search_finds_a_chinese_phrase_inside_a_transcript(
    sessions: sessionmaker[Session], clock: Clock
) -> None:
    with session_scope(sessions) as s:
        call = save_call(s)
        row = ticket_from_call(
            s, RULES, call, by="1001", description="来电咨询", category="inquiry"
        )
        other = new_ticket(s, clock, description="空调漏水")
        (note,) = add_transcript_note(s, call, "您好 我家的空调不制冷了 麻烦派人上门看看")
        assert note.kind == "transcript"
        assert add_transcript_note(s, call, "您好 我家的空调不制冷了 麻烦派人上门看看") == []
        number, other_number = row.number, other.number
    with sessions() as s:
        hits = search_tickets(s, "空调不制冷")
        assert [h.number for h in hits] == [number]
        assert hits[0].matched == "transcript" and "空调不制冷" in hits[0].snippet
        assert {h.number for h in search_tickets(s, "空调")} == {number, other_number}  # 2 chars
        assert [h.number for h in search_tickets(s, "王小明")] == [other_number, number]
        assert search_tickets(s, "冰箱") == []
