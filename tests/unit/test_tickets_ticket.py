"""Ticket numbers, fields and the status state machine with its audit trail."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.tickets.code_catalog import CodeCatalog, UnknownCodeError
from callcenter.tickets.ticket import (
    TRANSITIONS,
    Ticket,
    TicketChange,
    TransitionError,
    WaitingPeriod,
    handle_on_first_contact,
    open_ticket,
)
from callcenter.tickets.ticket_fields import DEFAULT_CATEGORIES, Channel, Priority, Status
from callcenter.tickets.ticket_number import (
    TicketNumber,
    format_ticket_number,
    next_ticket_number,
    parse_ticket_number,
)

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 24, 9, 30, tzinfo=SH)
NUMBER = TicketNumber(date(2026, 11, 24), 1)


def later(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_ticket(category: str = "repair") -> Ticket:
    return open_ticket(
        NUMBER,
        opened_at=T0,
        opened_by="1001",
        channel=Channel.PHONE,
        category=category,
        priority=Priority.NORMAL,
        customer_contact="13800138000",
        description="空调不制冷",
        customer_name="张三",
    ).ticket


def resolved_ticket(category: str = "repair") -> Ticket:
    t = new_ticket(category).assign("1002", by="1001", at=later(1)).ticket
    t = t.start(by="1002", at=later(5)).ticket
    return t.resolve("更换滤网", by="1002", at=later(60)).ticket


# -- numbers ---------------------------------------------------------------------------------


def test_ticket_number_formats_as_date_dash_four_digits() -> None:
    assert str(NUMBER) == "20261124-0001"
    assert format_ticket_number(date(2026, 1, 5), 42) == "20260105-0042"


def test_ticket_number_parses_back() -> None:
    assert parse_ticket_number("20261124-0001") == NUMBER


@pytest.mark.parametrize(
    "text", ["2026112-0001", "20261124-001", "20261124-0000", "20261324-0001", "x", "20260230-0001"]
)
def test_malformed_ticket_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ticket number"):
        parse_ticket_number(text)


def test_sequence_continues_within_a_day_and_restarts_next_day() -> None:
    day = date(2026, 11, 24)
    first = next_ticket_number(day, None)
    second = next_ticket_number(day, first)
    assert (str(first), str(second)) == ("20261124-0001", "20261124-0002")
    assert str(next_ticket_number(date(2026, 11, 25), second)) == "20261125-0001"


def test_ten_thousandth_ticket_of_a_day_is_refused() -> None:
    with pytest.raises(ValueError, match="more than 9999"):
        next_ticket_number(date(2026, 11, 24), TicketNumber(date(2026, 11, 24), 9999))


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2999, 12, 31)), seq=st.integers(1, 9999)
)
def test_ticket_number_round_trips(day: date, seq: int) -> None:
    number = TicketNumber(day, seq)
    assert TicketNumber.parse(str(number)) == number


# -- fields ----------------------------------------------------------------------------------


def test_fields_carry_chinese_and_english_labels() -> None:
    assert Status.CLOSED.zh == "已关闭"
    assert Status.IN_PROGRESS.label("en") == "in progress"
    assert Channel.WALK_IN.zh == "来访"
    assert Priority.URGENT.zh == "紧急"
    assert DEFAULT_CATEGORIES.label("complaint") == "投诉"
    assert DEFAULT_CATEGORIES.codes == (
        "inquiry",
        "repair",
        "complaint",
        "suggestion",
        "coordination",
    )


def test_unknown_category_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(UnknownCodeError, match="inquiry, repair"):
        new_ticket(category="gossip")


def test_desk_can_add_its_own_category() -> None:
    catalog = CodeCatalog.from_mapping(
        "category",
        {
            "inquiry": {"zh": "咨询", "en": "inquiry"},
            "lost_found": {"zh": "失物招领", "en": "lost"},
        },
        key="tickets.categories",
    )
    change = open_ticket(
        NUMBER,
        opened_at=T0,
        opened_by="1001",
        channel=Channel.WALK_IN,
        category="lost_found",
        priority=Priority.LOW,
        customer_contact="前台登记",
        description="丢失钱包",
        categories=catalog,
    )
    assert change.ticket.category == "lost_found"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"Bad-Code": {"zh": "x", "en": "x"}}, "tickets.categories.Bad-Code"),
        ({"repair": {"zh": "报修"}}, "tickets.categories.repair"),
        ({}, "tickets.categories"),
    ],
)
def test_bad_category_list_names_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CodeCatalog.from_mapping("category", data, key="tickets.categories")


# -- registration ----------------------------------------------------------------------------


def test_registering_records_new_status_in_the_audit() -> None:
    change = open_ticket(
        NUMBER,
        opened_at=T0,
        opened_by="1001",
        channel=Channel.PHONE,
        category="inquiry",
        priority=Priority.NORMAL,
        customer_contact="13800138000",
        description="营业时间?",
    )
    assert change.ticket.status is Status.NEW
    (entry,) = change.audit
    assert (entry.subject, entry.by, entry.field, entry.old, entry.new) == (
        "20261124-0001",
        "1001",
        "status",
        None,
        "new",
    )


def test_registering_without_contact_or_description_is_refused() -> None:
    with pytest.raises(TransitionError, match="customer_contact, description"):
        open_ticket(
            NUMBER,
            opened_at=T0,
            opened_by="1001",
            channel=Channel.PHONE,
            category="inquiry",
            priority=Priority.NORMAL,
            customer_contact=" ",
            description="",
        )


# -- the state machine -----------------------------------------------------------------------


def test_full_lifecycle_yields_one_audit_entry_per_changed_field() -> None:
    t = new_ticket()
    assigned = t.assign("1002", by="sup", at=later(1))
    assert [(e.field, e.old, e.new, e.by) for e in assigned.audit] == [
        ("status", "new", "assigned", "sup"),
        ("assignee", None, "1002", "sup"),
    ]
    started = assigned.ticket.start(by="1002", at=later(5))
    assert started.ticket.first_response_at == later(5)
    waiting = started.ticket.wait_for_customer(by="1002", at=later(10), note="等客户在家")
    assert waiting.audit[0].note == "等客户在家"
    resumed = waiting.ticket.start(by="1002", at=later(70))
    assert resumed.ticket.first_response_at == later(5)
    assert resumed.ticket.waiting_periods == (WaitingPeriod(later(10), later(70)),)
    resolved = resumed.ticket.resolve("更换滤网", by="1002", at=later(90))
    assert [(e.field, e.new) for e in resolved.audit] == [
        ("status", "resolved"),
        ("resolution", "更换滤网"),
    ]
    closed = resolved.ticket.close(by="sup", at=later(100))
    assert closed.ticket.status is Status.CLOSED
    assert closed.ticket.closed_at == later(100)
    assert all(e.at == later(100) for e in closed.audit)


def test_closed_ticket_cannot_go_back_to_in_progress() -> None:
    closed = resolved_ticket().close(by="sup", at=later(100)).ticket
    with pytest.raises(TransitionError) as info:
        closed.start(by="1002", at=later(110))
    message = str(info.value)
    assert message.startswith("工单 20261124-0001: 不能从 已关闭 直接到 处理中")
    assert "cannot go from closed to in_progress" in message
    with pytest.raises(TransitionError):
        closed.reopen("客户又来电", by="1002", at=later(110))


def test_resolved_ticket_reopens_to_in_progress_with_a_reason() -> None:
    t = resolved_ticket()
    change = t.reopen("客户回访称未解决", by="1005", at=later(200))
    assert change.ticket.status is Status.IN_PROGRESS
    assert change.ticket.reopen_count == 1
    assert change.ticket.resolution is None and change.ticket.resolved_at is None
    assert change.ticket.assignee == "1002"
    assert {e.field for e in change.audit} == {"status", "resolution"}
    assert all(e.note == "客户回访称未解决" for e in change.audit)
    with pytest.raises(TransitionError, match="reopening needs a reason"):
        t.reopen(" ", by="1005", at=later(200))


def test_start_on_a_resolved_ticket_points_to_reopen() -> None:
    with pytest.raises(TransitionError, match="use reopen"):
        resolved_ticket().start(by="1002", at=later(100))


def test_resolving_needs_work_started_and_a_resolution() -> None:
    t = new_ticket()
    with pytest.raises(TransitionError, match="cannot go from new to resolved"):
        t.resolve("done", by="1002", at=later(5))
    started = t.assign("1002", by="s", at=later(1)).ticket.start(by="1002", at=later(2)).ticket
    with pytest.raises(TransitionError, match="resolving needs a resolution"):
        started.resolve("  ", by="1002", at=later(5))


def test_cancel_needs_a_reason_and_is_refused_once_resolved() -> None:
    t = new_ticket()
    with pytest.raises(TransitionError, match="cancelling needs a reason"):
        t.cancel("", by="1001", at=later(1))
    cancelled = t.cancel("重复登记", by="1001", at=later(1)).ticket
    assert cancelled.status is Status.CANCELLED and cancelled.cancel_reason == "重复登记"
    with pytest.raises(TransitionError, match="cannot go from resolved to cancelled"):
        resolved_ticket().cancel("no", by="1001", at=later(100))


def test_reassigning_in_progress_returns_to_assigned_for_the_new_handler() -> None:
    t = new_ticket().assign("1002", by="s", at=later(1)).ticket.start(by="1002", at=later(2))
    change = t.ticket.assign("1003", by="s", at=later(3))
    assert change.ticket.status is Status.ASSIGNED
    assert ("assignee", "1002", "1003") in [(e.field, e.old, e.new) for e in change.audit]
    with pytest.raises(TransitionError, match="already assigned"):
        change.ticket.assign("1003", by="s", at=later(4))


def test_complaint_ticket_cannot_close_without_its_register() -> None:
    with pytest.raises(TransitionError, match="投诉工单须先完成投诉登记"):
        resolved_ticket("complaint").close(by="sup", at=later(100))


def test_priority_and_category_changes_are_audited_with_the_reason() -> None:
    change = new_ticket().change_priority(Priority.URGENT, by="sup", at=later(1), reason="漏水")
    (entry,) = change.audit
    assert (entry.field, entry.old, entry.new, entry.note) == (
        "priority",
        "normal",
        "urgent",
        "漏水",
    )
    recategorised = change.ticket.change_category("complaint", by="sup", at=later(2))
    assert recategorised.ticket.is_complaint
    with pytest.raises(TransitionError, match="cannot be edited"):
        resolved_ticket().close(by="s", at=later(99)).ticket.change_priority(
            Priority.LOW, by="s", at=later(100), reason="x"
        )


def test_inquiry_answered_on_the_call_is_assigned_started_and_resolved_at_once() -> None:
    change = handle_on_first_contact(
        new_ticket("inquiry"), agent="1001", resolution="已答复", at=later(3)
    )
    assert change.ticket.status is Status.RESOLVED
    assert change.ticket.first_response_at == later(3) == change.ticket.resolved_at
    assert [e.new for e in change.audit if e.field == "status"] == [
        "assigned",
        "in_progress",
        "resolved",
    ]


def test_times_before_opening_or_without_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="before it was opened"):
        new_ticket().assign("1002", by="s", at=later(-1))
    with pytest.raises(ValueError, match="no timezone"):
        new_ticket().assign("1002", by="s", at=datetime(2026, 11, 24, 10))


def test_final_states_have_no_way_out() -> None:
    assert TRANSITIONS[Status.CLOSED] == frozenset()
    assert TRANSITIONS[Status.CANCELLED] == frozenset()
    assert Status.IN_PROGRESS in TRANSITIONS[Status.RESOLVED]


OPERATIONS = ["assign", "start", "wait", "resolve", "reopen", "close", "cancel"]


def _apply(ticket: Ticket, op: str, at: datetime) -> TicketChange:
    if op == "assign":
        return ticket.assign("1003" if ticket.assignee == "1002" else "1002", by="s", at=at)
    if op == "start":
        return ticket.start(by="a", at=at)
    if op == "wait":
        return ticket.wait_for_customer(by="a", at=at)
    if op == "resolve":
        return ticket.resolve("ok", by="a", at=at)
    if op == "reopen":
        return ticket.reopen("not fixed", by="a", at=at)
    if op == "close":
        return ticket.close(by="s", at=at)
    return ticket.cancel("dup", by="s", at=at)


@settings(max_examples=300)
@given(ops=st.lists(st.sampled_from(OPERATIONS), max_size=25))
def test_any_sequence_of_operations_only_follows_allowed_transitions(ops: list[str]) -> None:
    ticket = new_ticket()
    for i, op in enumerate(ops):
        try:
            change = _apply(ticket, op, later(i + 1))
        except TransitionError:
            continue
        assert change.ticket.status in TRANSITIONS[ticket.status]
        status_entries = [e for e in change.audit if e.field == "status"]
        assert change.audit
        assert len(status_entries) == (change.ticket.status is not ticket.status)
        waiting_open = [p for p in change.ticket.waiting_periods if p.end is None]
        assert len(waiting_open) == (change.ticket.status is Status.WAITING_CUSTOMER)
        ticket = change.ticket
