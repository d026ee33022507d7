"""回访: due within 5 working days of the call, outcome, satisfaction rate against 90 %."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from callcenter.tickets.calendar_config import default_calendar
from callcenter.tickets.callback_visits import (
    CallbackPolicy,
    CallbackVisit,
    Period,
    VisitAnchor,
    VisitOutcome,
    overdue_visits,
    record_visit,
    satisfaction_rate,
    schedule_visit,
)
from callcenter.tickets.ticket import Ticket, open_ticket
from callcenter.tickets.ticket_fields import Channel, Priority
from callcenter.tickets.ticket_number import TicketNumber

SH = ZoneInfo("Asia/Shanghai")
CAL = default_calendar()
POLICY = CallbackPolicy()


def at(m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=SH)


def ticket(opened: datetime, seq: int = 1) -> Ticket:
    return open_ticket(
        TicketNumber(opened.date(), seq),
        opened_at=opened,
        opened_by="1001",
        channel=Channel.PHONE,
        category="repair",
        priority=Priority.NORMAL,
        customer_contact="13800138000",
        description="电脑蓝屏",
    ).ticket


def resolved(opened: datetime, resolved_at: datetime) -> Ticket:
    t = ticket(opened).assign("1002", by="s", at=opened).ticket.start(by="1002", at=opened).ticket
    return t.resolve("重装系统", by="1002", at=resolved_at).ticket


def test_callback_visit_is_due_exactly_five_working_days_after_the_call() -> None:
    visit = schedule_visit(ticket(at(3, 2, 10)), policy=POLICY, calendar=CAL)  # Monday
    assert visit.due_at == at(3, 9, 18)  # close of business the following Monday


def test_callback_window_across_national_day_counts_the_make_up_saturday() -> None:
    visit = schedule_visit(ticket(at(9, 28, 10)), policy=POLICY, calendar=CAL)
    assert visit.due_at == at(10, 10, 18)


def test_desk_may_count_the_window_from_resolution_instead() -> None:
    policy = CallbackPolicy(counted_from=VisitAnchor.RESOLVED)
    visit = schedule_visit(resolved(at(3, 2, 10), at(3, 4, 15)), policy=policy, calendar=CAL)
    assert visit.due_at == at(3, 11, 18)
    with pytest.raises(ValueError, match="not resolved"):
        schedule_visit(ticket(at(3, 2, 10)), policy=policy, calendar=CAL)


def test_visit_not_done_after_its_due_time_is_overdue() -> None:
    visit = CallbackVisit(TicketNumber(date(2026, 3, 2), 1), at(3, 9, 18))
    assert not visit.is_overdue(at(3, 9, 18))
    assert visit.is_overdue(at(3, 9, 18, 1))
    done = record_visit(
        visit,
        outcome=VisitOutcome.COMPLETED,
        by="1005",
        at=at(3, 10, 9),
        satisfaction=5,
        problem_solved=True,
    )
    assert not done.is_overdue(at(3, 20))
    assert done.done_late


def test_overdue_visits_are_listed_most_overdue_first() -> None:
    a = CallbackVisit(TicketNumber(date(2026, 3, 2), 1), at(3, 9, 18))
    b = CallbackVisit(TicketNumber(date(2026, 3, 2), 2), at(3, 6, 18))
    c = CallbackVisit(TicketNumber(date(2026, 3, 2), 3), at(3, 30, 18))
    assert overdue_visits([a, b, c], at(3, 10, 9)) == [b, a]


def test_customer_saying_it_is_not_fixed_means_reopen() -> None:
    visit = schedule_visit(ticket(at(3, 2, 10)), policy=POLICY, calendar=CAL)
    done = record_visit(
        visit,
        outcome=VisitOutcome.COMPLETED,
        by="1005",
        at=at(3, 5, 10),
        satisfaction=2,
        problem_solved=False,
        note="还是蓝屏",
    )
    assert done.needs_reopen
    assert not done.done_late


@pytest.mark.parametrize("score", [0, 6, True, -1])
def test_satisfaction_must_be_one_to_five(score: int) -> None:
    visit = schedule_visit(ticket(at(3, 2, 10)), policy=POLICY, calendar=CAL)
    with pytest.raises(ValueError, match=r"1\.\.5"):
        record_visit(
            visit, outcome=VisitOutcome.COMPLETED, by="1005", at=at(3, 5), satisfaction=score
        )


def test_no_score_when_the_customer_was_not_reached_and_no_second_recording() -> None:
    visit = schedule_visit(ticket(at(3, 2, 10)), policy=POLICY, calendar=CAL)
    with pytest.raises(ValueError, match="no score"):
        record_visit(
            visit, outcome=VisitOutcome.UNREACHABLE, by="1005", at=at(3, 5), satisfaction=3
        )
    done = record_visit(visit, outcome=VisitOutcome.UNREACHABLE, by="1005", at=at(3, 5))
    with pytest.raises(ValueError, match="already recorded"):
        record_visit(done, outcome=VisitOutcome.COMPLETED, by="1005", at=at(3, 6))


def _visits(scores: list[int], when: datetime) -> list[CallbackVisit]:
    result = []
    for i, score in enumerate(scores, start=1):
        visit = CallbackVisit(TicketNumber(date(2026, 3, 2), i), when + timedelta(days=1))
        result.append(
            record_visit(
                visit, outcome=VisitOutcome.COMPLETED, by="1005", at=when, satisfaction=score
            )
        )
    return result


def test_nine_satisfied_out_of_ten_meets_the_ninety_percent_target() -> None:
    report = satisfaction_rate(
        _visits([5] * 6 + [4] * 3 + [3], at(3, 10, 10)), Period.month(2026, 3), policy=POLICY, tz=SH
    )
    assert (report.rated, report.satisfied, report.rate) == (10, 9, Fraction(9, 10))
    assert report.meets_target is True
    assert report.percent == 90.0


def test_eight_out_of_ten_misses_the_target() -> None:
    report = satisfaction_rate(
        _visits([5] * 8 + [2, 1], at(3, 10, 10)), Period.quarter(2026, 1), policy=POLICY, tz=SH
    )
    assert report.meets_target is False


def test_no_scored_visits_gives_no_rate_and_unscored_visits_do_not_count() -> None:
    visit = CallbackVisit(TicketNumber(date(2026, 3, 2), 1), at(3, 9, 18))
    declined = record_visit(visit, outcome=VisitOutcome.DECLINED, by="1005", at=at(3, 5))
    report = satisfaction_rate([declined], Period.month(2026, 3), policy=POLICY, tz=SH)
    assert (report.rated, report.rate, report.meets_target) == (0, None, None)


def test_period_uses_the_desks_local_date() -> None:
    # 00:30 on April 1st in Shanghai is still March 31st in UTC: it counts for April.
    visits = _visits([5], at(4, 1, 0, 30))
    assert satisfaction_rate(visits, Period.month(2026, 3), policy=POLICY, tz=SH).rated == 0
    assert satisfaction_rate(visits, Period.quarter(2026, 2), policy=POLICY, tz=SH).rated == 1


def test_quarters_and_months_cover_the_right_dates() -> None:
    assert Period.quarter(2026, 4) == Period(date(2026, 10, 1), date(2027, 1, 1))
    assert Period.month(2026, 2) == Period(date(2026, 2, 1), date(2026, 3, 1))
    with pytest.raises(ValueError):
        Period.quarter(2026, 5)


def test_policy_refuses_a_target_given_as_a_percentage_number() -> None:
    with pytest.raises(ValueError, match=r"0\.9 = 90 %"):
        CallbackPolicy(satisfaction_target=Fraction(90))
