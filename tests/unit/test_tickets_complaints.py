"""The complaint register: classification, responsible person, deadline, result, feedback,
the customer's acceptance, and closing only when all of that is there."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.tickets.calendar_config import default_calendar
from callcenter.tickets.code_catalog import UnknownCodeError
from callcenter.tickets.complaints import (
    Acceptance,
    ComplaintRecord,
    ComplaintStatus,
    close_complaint_ticket,
    default_complaint_deadline,
    register_complaint,
)
from callcenter.tickets.sla_policy import SlaPolicy
from callcenter.tickets.ticket import Ticket, TransitionError, open_ticket
from callcenter.tickets.ticket_fields import Channel, Priority, Status
from callcenter.tickets.ticket_number import TicketNumber

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, tzinfo=SH)  # Monday
DEADLINE = datetime(2026, 3, 5, 18, tzinfo=SH)


def later(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def complaint_ticket(category: str = "complaint") -> Ticket:
    return open_ticket(
        TicketNumber(T0.date(), 7),
        opened_at=T0,
        opened_by="1001",
        channel=Channel.PHONE,
        category=category,
        priority=Priority.NORMAL,
        customer_contact="13900139000",
        description="前台态度差",
        customer_name="李四",
    ).ticket


def registered() -> ComplaintRecord:
    return register_complaint(
        complaint_ticket(),
        by="1001",
        content="前台人员态度恶劣",
        demands="要求道歉",
        classification="attitude",
    ).record


def fed_back() -> ComplaintRecord:
    r = registered().assign_investigation("王主管", DEADLINE, by="sup", at=later(1)).record
    r = r.record_result(
        substantiated=True, result="属实,已批评教育", remedy="赠送礼品", by="王主管", at=later(20)
    ).record
    return r.record_feedback("已电话告知处理结果并致歉", by="1001", at=later(22)).record


def test_complaint_lifecycle_from_registration_to_closed_ticket() -> None:
    change = register_complaint(
        complaint_ticket(),
        by="1001",
        content="前台人员态度恶劣",
        demands="要求道歉",
        classification="attitude",
    )
    record = change.record
    assert (record.status, record.complainant, record.received_at) == (
        ComplaintStatus.REGISTERED,
        "李四",
        T0,
    )
    assert change.audit[0].subject == "C:20260302-0007"

    record = record.assign_investigation("王主管", DEADLINE, by="sup", at=later(1)).record
    assert record.status is ComplaintStatus.INVESTIGATING
    step = record.record_result(
        substantiated=True, result="属实,已批评教育", remedy="赠送礼品", by="王主管", at=later(20)
    )
    assert {e.field for e in step.audit} == {"status", "substantiated", "result", "remedy"}
    record = step.record.record_feedback("已电话告知", by="1001", at=later(22)).record
    assert record.fed_back_at == later(22)
    record = record.record_acceptance(Acceptance.ACCEPTED, by="1001", at=later(22)).record
    closed = record.close(by="sup", at=later(23))
    assert closed.record.status is ComplaintStatus.CLOSED

    ticket = complaint_ticket().assign("王主管", by="sup", at=later(1)).ticket
    ticket = ticket.start(by="王主管", at=later(2)).ticket
    ticket = ticket.resolve("已处理并反馈", by="王主管", at=later(22)).ticket
    done = close_complaint_ticket(ticket, closed.record, by="sup", at=later(23))
    assert done.ticket.status is Status.CLOSED


def test_cannot_close_without_result_and_feedback() -> None:
    record = registered().assign_investigation("王主管", DEADLINE, by="s", at=later(1)).record
    with pytest.raises(TransitionError) as info:
        record.close(by="sup", at=later(2))
    message = str(info.value)
    assert "调查处理结果" in message and "反馈客户" in message
    assert "investigation result" in message and "feedback to the customer" in message


def test_cannot_close_before_the_customer_has_answered() -> None:
    with pytest.raises(TransitionError, match="acceptance"):
        fed_back().close(by="sup", at=later(30))


def test_closing_over_the_customers_objection_needs_a_note() -> None:
    record = (
        fed_back()
        .record_acceptance(Acceptance.NOT_ACCEPTED, note="要求赔偿", by="1001", at=later(23))
        .record
    )
    with pytest.raises(TransitionError, match="objection"):
        record.close(by="经理", at=later(30))
    closed = record.close(by="经理", at=later(30), note="经理决定: 赔偿要求不合理,结案").record
    assert closed.closing_note.startswith("经理决定")


def test_customer_not_accepting_leads_to_a_second_investigation() -> None:
    record = fed_back().record_acceptance(Acceptance.NOT_ACCEPTED, by="1001", at=later(23)).record
    again = record.reinvestigate("客户不认可", later(72), by="sup", at=later(24))
    assert again.record.status is ComplaintStatus.INVESTIGATING
    assert again.record.rounds == 2
    assert again.record.result is None and again.record.feedback is None
    assert all(e.note == "客户不认可" for e in again.audit)


def test_groundless_complaint_is_explained_to_the_customer_before_closing() -> None:
    record = registered().assign_investigation("王主管", DEADLINE, by="s", at=later(1)).record
    record = record.record_result(
        substantiated=False, result="监控显示服务规范,投诉不成立", by="王主管", at=later(5)
    ).record
    with pytest.raises(TransitionError, match="feedback"):
        record.close(by="sup", at=later(6))
    record = record.record_feedback("已向客户解释原因", by="1001", at=later(6)).record
    record = record.record_acceptance(Acceptance.NO_ANSWER, by="1001", at=later(6)).record
    assert record.close(by="sup", at=later(7)).record.substantiated is False


def test_steps_out_of_order_are_refused() -> None:
    with pytest.raises(TransitionError, match="cannot record a result while registered"):
        registered().record_result(substantiated=True, result="x", by="s", at=later(1))
    with pytest.raises(TransitionError, match="responsible person"):
        registered().assign_investigation(" ", DEADLINE, by="s", at=later(1))
    with pytest.raises(TransitionError, match="deadline must be in the future"):
        registered().assign_investigation("王", later(0.5), by="s", at=later(1))
    with pytest.raises(TransitionError, match="result is required"):
        registered().assign_investigation("王", DEADLINE, by="s", at=later(1)).record.record_result(
            substantiated=True, result="", by="s", at=later(2)
        )


def test_overdue_until_the_result_is_fed_back() -> None:
    record = registered().assign_investigation("王主管", DEADLINE, by="s", at=later(1)).record
    assert not record.is_overdue(DEADLINE)
    assert record.is_overdue(DEADLINE + timedelta(minutes=1))
    assert not fed_back().is_overdue(DEADLINE + timedelta(days=5))


def test_register_needs_a_complaint_ticket_content_demands_and_known_class() -> None:
    with pytest.raises(TransitionError, match="not complaint"):
        register_complaint(
            complaint_ticket("repair"), by="1", content="x", demands="y", classification="attitude"
        )
    with pytest.raises(TransitionError, match="demands"):
        register_complaint(
            complaint_ticket(), by="1", content="x", demands="", classification="attitude"
        )
    with pytest.raises(UnknownCodeError, match="attitude, speed"):
        register_complaint(
            complaint_ticket(), by="1", content="x", demands="y", classification="rude"
        )


def test_complaint_ticket_closes_only_with_a_closed_register_of_its_own() -> None:
    ticket = complaint_ticket().assign("王", by="s", at=later(1)).ticket
    ticket = ticket.start(by="王", at=later(2)).ticket.resolve("ok", by="王", at=later(3)).ticket
    with pytest.raises(TransitionError, match="投诉登记未结案"):
        close_complaint_ticket(ticket, fed_back(), by="s", at=later(30))
    other = open_ticket(
        TicketNumber(T0.date(), 8),
        opened_at=T0,
        opened_by="1",
        channel=Channel.WEB,
        category="complaint",
        priority=Priority.LOW,
        customer_contact="x",
        description="y",
    ).ticket
    with pytest.raises(ValueError, match="does not belong"):
        close_complaint_ticket(other, fed_back(), by="s", at=later(30))


def test_default_deadline_comes_from_the_complaint_sla() -> None:
    deadline = default_complaint_deadline(
        T0, Priority.NORMAL, policy=SlaPolicy(), calendar=default_calendar()
    )
    assert deadline == datetime(2026, 3, 5, 18, tzinfo=SH)  # close of 3rd working day
