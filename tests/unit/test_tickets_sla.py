"""SLA deadlines on the business calendar, breaches and escalation (supervisor, manager)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.tickets.calendar_config import default_calendar
from callcenter.tickets.sla import (
    BreachKind,
    EscalationLevel,
    breaches,
    deadlines,
    escalation,
    evaluate,
)
from callcenter.tickets.sla_policy import (
    SlaConfigError,
    SlaPolicy,
    WorkingSpan,
    sla_policy_from_mapping,
)
from callcenter.tickets.ticket import Ticket, open_ticket
from callcenter.tickets.ticket_fields import Channel, Priority
from callcenter.tickets.ticket_number import TicketNumber

SH = ZoneInfo("Asia/Shanghai")
CAL = default_calendar()
POLICY = SlaPolicy()
H = timedelta(hours=1)


def at(m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=SH)


def ticket(
    opened: datetime, category: str = "repair", priority: Priority = Priority.NORMAL
) -> Ticket:
    return open_ticket(
        TicketNumber(opened.date(), 1),
        opened_at=opened,
        opened_by="1001",
        channel=Channel.PHONE,
        category=category,
        priority=priority,
        customer_contact="13800138000",
        description="门禁坏了",
    ).ticket


FRIDAY_4PM = at(3, 6, 16)


def test_normal_ticket_deadlines_skip_the_weekend() -> None:
    due = deadlines(ticket(FRIDAY_4PM), FRIDAY_4PM, policy=POLICY, calendar=CAL)
    assert due.response_due == at(3, 9, 11)  # 4 working hours
    assert due.resolution_due == at(3, 11, 18)  # close of the 3rd working day


def test_complaint_must_be_responded_to_within_one_working_hour() -> None:
    due = deadlines(ticket(FRIDAY_4PM, "complaint"), FRIDAY_4PM, policy=POLICY, calendar=CAL)
    assert due.response_due == at(3, 6, 17)


def test_urgent_deadline_across_national_day() -> None:
    t = ticket(at(9, 30, 16), priority=Priority.URGENT)
    due = deadlines(t, at(9, 30, 16), policy=POLICY, calendar=CAL)
    assert due.resolution_due == at(10, 8, 11)


def test_no_breach_before_the_deadline() -> None:
    t = ticket(FRIDAY_4PM)
    assert breaches(t, at(3, 9, 11), policy=POLICY, calendar=CAL) == []
    decision = escalation(t, at(3, 9, 10), policy=POLICY, calendar=CAL)
    assert decision.level is EscalationLevel.NONE
    assert decision.next_check_at == at(3, 9, 11)


def test_missed_response_escalates_to_supervisor_then_manager() -> None:
    t = ticket(FRIDAY_4PM)
    report = evaluate(t, at(3, 9, 12), policy=POLICY, calendar=CAL)
    (breach,) = report.breaches
    assert (breach.kind, breach.due, breach.late_by, breach.ongoing) == (
        BreachKind.RESPONSE,
        at(3, 9, 11),
        H,
        True,
    )
    assert report.escalation.level is EscalationLevel.SUPERVISOR
    assert report.escalation.since == at(3, 9, 11)
    assert report.escalation.next_check_at == at(3, 9, 15)  # 4 more working hours
    later = escalation(t, at(3, 9, 15), policy=POLICY, calendar=CAL)
    assert later.level is EscalationLevel.MANAGER
    assert later.level.zh == "经理"
    assert later.reasons == (BreachKind.RESPONSE,)


def test_escalation_to_manager_counts_working_time_only() -> None:
    # Response due Fri 17:00 for a complaint opened Fri 16:00; manager 4 working hours later.
    t = ticket(FRIDAY_4PM, "complaint")
    assert (
        escalation(t, at(3, 7, 12), policy=POLICY, calendar=CAL).level is EscalationLevel.SUPERVISOR
    )
    assert escalation(t, at(3, 9, 12), policy=POLICY, calendar=CAL).level is EscalationLevel.MANAGER


def test_late_response_is_a_breach_but_no_longer_escalates() -> None:
    t = ticket(FRIDAY_4PM).assign("1002", by="s", at=at(3, 9, 9)).ticket
    t = t.start(by="1002", at=at(3, 9, 13)).ticket
    report = evaluate(t, at(3, 9, 14), policy=POLICY, calendar=CAL)
    (breach,) = report.breaches
    assert breach.late_by == 2 * H and not breach.ongoing
    assert report.escalation.level is EscalationLevel.NONE
    assert report.escalation.next_check_at == at(3, 11, 18)


def test_unresolved_past_the_resolution_deadline_breaches() -> None:
    t = ticket(FRIDAY_4PM).assign("1002", by="s", at=at(3, 9, 9)).ticket
    t = t.start(by="1002", at=at(3, 9, 10)).ticket
    found = breaches(t, at(3, 12, 10), policy=POLICY, calendar=CAL)
    assert [(b.kind, b.late_by) for b in found] == [(BreachKind.RESOLUTION, H)]


def test_resolved_late_ticket_keeps_its_breach_without_escalation() -> None:
    t = ticket(FRIDAY_4PM).assign("1002", by="s", at=at(3, 9, 9)).ticket
    t = t.start(by="1002", at=at(3, 9, 10)).ticket.resolve("ok", by="1002", at=at(3, 12, 11)).ticket
    report = evaluate(t, at(3, 20, 9), policy=POLICY, calendar=CAL)
    assert [(b.kind, b.late_by, b.ongoing) for b in report.breaches] == [
        (BreachKind.RESOLUTION, 2 * H, False)
    ]
    assert report.escalation.level is EscalationLevel.NONE


def test_time_waiting_for_the_customer_moves_the_resolution_deadline() -> None:
    t = ticket(FRIDAY_4PM).assign("1002", by="s", at=at(3, 9, 9)).ticket
    t = t.start(by="1002", at=at(3, 9, 10)).ticket
    t = t.wait_for_customer(by="1002", at=at(3, 9, 11)).ticket
    t = t.start(by="1002", at=at(3, 10, 11)).ticket  # waited 9 working hours
    due = deadlines(t, at(3, 10, 12), policy=POLICY, calendar=CAL)
    assert due.resolution_due == at(3, 12, 18)
    no_pause = SlaPolicy(pause_while_waiting_customer=False)
    assert deadlines(t, at(3, 10, 12), policy=no_pause, calendar=CAL).resolution_due == at(
        3, 11, 18
    )


def test_while_waiting_the_resolution_clock_does_not_run_out() -> None:
    t = ticket(FRIDAY_4PM).assign("1002", by="s", at=at(3, 9, 9)).ticket
    t = t.start(by="1002", at=at(3, 9, 10)).ticket
    t = t.wait_for_customer(by="1002", at=at(3, 9, 11)).ticket
    report = evaluate(t, at(3, 20, 10), policy=POLICY, calendar=CAL)
    assert report.breaches == ()
    assert report.escalation.next_check_at is None


def test_cancelled_ticket_has_no_breaches() -> None:
    t = ticket(FRIDAY_4PM).cancel("重复", by="s", at=at(3, 6, 17)).ticket
    assert breaches(t, at(4, 1, 10), policy=POLICY, calendar=CAL) == []


# -- policy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("30m", WorkingSpan(timedelta(minutes=30))),
        ("4h", WorkingSpan(4 * H)),
        ("1h30m", WorkingSpan(timedelta(minutes=90))),
        ("3d", WorkingSpan(days=3)),
    ],
)
def test_spans_parse_and_print_back(text: str, span: WorkingSpan) -> None:
    assert WorkingSpan.parse(text) == span
    assert str(span) == text


@pytest.mark.parametrize("text", ["", "4", "1d4h", "-1h", "four hours"])
def test_bad_spans_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        WorkingSpan.parse(text)


def test_policy_from_mapping_overrides_defaults() -> None:
    policy = sla_policy_from_mapping(
        {
            "manager_after": "1d",
            "priority": {"normal": {"response": "2h"}},
            "category": {"repair": {"urgent": {"resolution": "2h"}}},
        }
    )
    assert policy.target_for("inquiry", Priority.NORMAL).response == WorkingSpan(2 * H)
    assert policy.target_for("inquiry", Priority.NORMAL).resolution == WorkingSpan(days=3)
    assert policy.target_for("repair", Priority.URGENT).resolution == WorkingSpan(2 * H)
    assert policy.target_for("complaint", Priority.NORMAL).response == WorkingSpan(H)
    assert policy.manager_after == WorkingSpan(days=1)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"priority": {"normal": {"response": "soon"}}}, "tickets.sla.priority.normal.response"),
        ({"priority": {"critical": {"response": "1h"}}}, "tickets.sla.priority.critical"),
        ({"category": {"gossip": {"low": {}}}}, "tickets.sla.category.gossip"),
        (
            {"category": {"repair": {"low": {"respond": "1h"}}}},
            "tickets.sla.category.repair.low.respond",
        ),
        ({"pause_while_waiting_customer": "yes"}, "tickets.sla.pause_while_waiting_customer"),
        ({"escalate": "1h"}, "tickets.sla.escalate"),
    ],
)
def test_bad_sla_setting_names_its_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(SlaConfigError) as info:
        sla_policy_from_mapping(data)
    assert str(info.value).startswith(key)


def test_default_resolution_never_exceeds_the_five_day_callback_window_for_complaints() -> None:
    for priority in Priority:
        t = ticket(at(3, 2, 10), "complaint", priority)
        due = deadlines(t, t.opened_at, policy=POLICY, calendar=CAL).resolution_due
        assert due <= CAL.add_working_days(t.opened_at, 5)
    assert date(2026, 3, 2).weekday() == 0
