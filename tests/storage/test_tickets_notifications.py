"""Supervisors' alerts (escalations, overdue 回访) and customers' edits, on SQLite and
PostgreSQL: stored once per recipient however often the check runs, published once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.engine import session_scope
from callcenter.db.user_repository import UserRepository
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.escalation import escalation_pass, open_escalations
from callcenter.ticketing.notifications import (
    acknowledge,
    count_unacknowledged,
    notify_supervisors,
    unacknowledged,
)
from callcenter.ticketing.rules import DeskRules
from callcenter.ticketing.service import TicketService
from tests.storage.tickets_helpers import Clock, local

RULES = DeskRules()


def _people(session: Session) -> None:
    users = UserRepository(session)
    users.add("lina", "secret-pass-1", "supervisor")
    users.add("root", "secret-pass-1", "admin")
    users.add("bob", "secret-pass-1", "agent", extension="1001")


def _urgent_ticket(session: Session, clock: Clock) -> str:
    service = TicketService(session, rules=RULES, clock=clock)
    row = service.create(
        by="1001",
        channel="phone",
        category="repair",
        priority="urgent",
        description="电梯困人",
        contact="13800138000",
    )
    return row.number


def test_a_breach_reaches_every_supervisor_once_and_goes_live(
    sessions: sessionmaker[Session],
) -> None:
    clock = Clock(local(3, 2, 9))
    with session_scope(sessions) as s:
        _people(s)
        number = _urgent_ticket(s, clock)
    published: list[tuple[str, Any]] = []

    def publish(kind: str, payload: Any) -> None:
        published.append((kind, payload))

    assert escalation_pass(sessions, RULES, local(3, 2, 9, 29), publish=publish) == []
    assert published == []
    (done,) = escalation_pass(sessions, RULES, local(3, 2, 9, 31), publish=publish)
    assert done.number == number
    assert sorted(p["recipient"] for _, p in published) == ["lina", "root"]
    assert {(k, p["ticket"], p["level"]) for k, p in published} == {
        ("notification", number, "supervisor")
    }
    # Running again (or from a second process) adds nothing.
    assert escalation_pass(sessions, RULES, local(3, 2, 9, 40), publish=publish) == []
    assert len(published) == 2
    with session_scope(sessions) as s:
        assert count_unacknowledged(s, "lina") == 1
        assert count_unacknowledged(s, "bob") == 0  # agents are not alerted


def test_acknowledging_the_alert_acknowledges_the_escalation(
    sessions: sessionmaker[Session],
) -> None:
    clock = Clock(local(3, 2, 9))
    with session_scope(sessions) as s:
        _people(s)
        _urgent_ticket(s, clock)
    escalation_pass(sessions, RULES, local(3, 2, 9, 31))
    with session_scope(sessions) as s:
        (mine,) = unacknowledged(s, "lina")
        with pytest.raises(LookupError):
            acknowledge(s, mine.id, recipient="root", by="root")  # not root's notification
        acknowledge(s, mine.id, recipient="lina", by="lina")
    with session_scope(sessions) as s:
        assert count_unacknowledged(s, "lina") == 0
        assert open_escalations(s) == []  # off the supervisors' list too
        (theirs,) = unacknowledged(s, "root")  # another supervisor's copy stays
        assert theirs.kind == "escalation"


def test_an_overdue_callback_visit_is_alerted_once(sessions: sessionmaker[Session]) -> None:
    clock = Clock(local(3, 2, 10))
    with session_scope(sessions) as s:
        _people(s)
        service = TicketService(session=s, rules=RULES, clock=clock)
        row = service.create(
            by="1001", channel="phone", category="inquiry", description="咨询", contact="139"
        )
        service.assign(row, "1001", by="1001")
        service.start(row, by="1001")
        service.resolve(row, "已答复", by="1001")
        number = row.number
    with session_scope(sessions) as s:  # due by close of business five working days later
        assert notify_supervisors(s, local(3, 9, 17)) == []
    with session_scope(sessions) as s:
        alerts = notify_supervisors(s, local(3, 10, 9))
        assert {(a.kind, a.ticket) for a in alerts} == {("visit_overdue", number)}
        assert len(alerts) == 2
    with session_scope(sessions) as s:
        assert notify_supervisors(s, local(3, 11, 9)) == []


def test_customer_edits_are_logged_and_found_by_name_or_number(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as s:
        repo = CustomerRepository(s)
        customer_id = repo.create("王小明", ["138-0013-8000"])
        repo.update(customer_id, name="王晓明", vip=True, by="lina")
        repo.update(customer_id, name="王晓明", by="lina")  # no change, no log line
        repo.add_number_audited(customer_id, "010 6512 3456", by="lina")
        other = repo.create("李四", ["13900000000"])
        with pytest.raises(ValueError, match="belongs to customer"):
            repo.add_number_audited(other, "13800138000", by="lina")
    with session_scope(sessions) as s:
        repo = CustomerRepository(s)
        changes = [(h.field, h.old, h.new, h.actor) for h in repo.history(customer_id)]
        assert changes == [
            ("name", "王小明", "王晓明", "lina"),
            ("vip", "False", "True", "lina"),
            ("number", None, "01065123456", "lina"),
        ]
        assert [c.id for c in repo.search("晓明")] == [customer_id]
        assert [c.id for c in repo.search("6512")] == [customer_id]
        assert [c.id for c in repo.search("139 0000")] == [other]
        repo.remove_number(customer_id, "01065123456", by="lina")
        assert repo.numbers(customer_id) == ["13800138000"]


def test_quarterly_satisfaction_is_measured_against_the_90_percent_target(
    sessions: sessionmaker[Session],
) -> None:
    from datetime import date

    from callcenter.ticketing.registers import Registers
    from callcenter.ticketing.reports import report_series
    from callcenter.tickets.report_figures import PeriodKind

    clock = Clock(local(1, 5, 10))
    scores = {1: [5, 5, 4, 3], 2: [5, 4, 5, 5]}  # Q1 75 % satisfied, Q2 100 %
    with session_scope(sessions) as s:
        service = TicketService(s, rules=RULES, clock=clock)
        for quarter, marks in scores.items():
            for score in marks:
                clock.set(local(3 * quarter - 1, 3, 10))
                row = service.create(
                    by="1001", channel="phone", category="inquiry", description="咨询",
                    contact="13800138000", assignee="1001",
                )  # fmt: skip
                service.start(row, by="1001")
                service.resolve(row, "已答复", by="1001")
                clock.advance(days=1)
                Registers(service).record_visit(
                    row.number, "completed", by="1005", satisfaction=score
                )
    with sessions() as s:
        q1, q2 = report_series(s, RULES, PeriodKind.QUARTER, date(2026, 2, 1), date(2026, 5, 1))
    one, two = q1.as_dict(), q2.as_dict()
    assert (one["period"], one["rated"], one["satisfied"]) == ("2026-Q1", 4, 3)
    assert one["satisfaction_rate"] == 0.75 and one["meets_satisfaction_target"] is False
    assert one["satisfaction_target"] == 0.9
    assert (two["period"], two["satisfaction_rate"], two["meets_satisfaction_target"]) == (
        "2026-Q2",
        1.0,
        True,
    )


def test_the_running_controller_feature_escalates_and_alerts_live(
    sessions: sessionmaker[Session], tmp_path: Any
) -> None:
    """``callcenter run`` wiring: the tickets feature's loop (started at the AMI login)
    escalates a late ticket and publishes the alert on the console's notifier."""
    import asyncio
    import time
    from datetime import UTC, datetime, timedelta

    from callcenter.config import Settings
    from callcenter.live.notifier import LiveNotifier
    from callcenter.ticketing.feature import TicketsFeature

    with session_scope(sessions) as s:
        _people(s)
        _urgent_ticket(s, Clock(datetime.now(UTC) - timedelta(days=10)))
    notifier = LiveNotifier()
    subscription = notifier.subscribe()
    feature = TicketsFeature(settings=Settings(state_dir=tmp_path), sessions=sessions)
    feature.use_notifier(notifier.publish)

    async def run() -> list[Any]:
        await feature.on_connect(ami=None)  # type: ignore[arg-type]
        deadline = time.monotonic() + 10
        events: list[Any] = []
        while len(events) < 2 and time.monotonic() < deadline:
            events += await asyncio.to_thread(subscription.get, 0.2)
        await feature.stop()
        return events

    events = asyncio.run(run())
    assert sorted(e.payload["recipient"] for e in events) == ["lina", "root"]
    assert {e.kind for e in events} == {"notification"}


def test_alerts_go_to_the_webhook_once_each_and_a_failure_is_retried(
    sessions: sessionmaker[Session],
) -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict[str, Any]] = []
    answers = [500, 200]  # the first attempt fails

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = answers.pop(0) if answers else 200
            if status == 200:
                received.append(json.loads(body))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/alerts"
    try:
        with session_scope(sessions) as s:
            _people(s)
            number = _urgent_ticket(s, Clock(local(3, 2, 9)))
        escalation_pass(sessions, RULES, local(3, 2, 9, 31), webhook_url=url)
        assert received == []  # 500: kept for the next pass
        escalation_pass(sessions, RULES, local(3, 2, 9, 32), webhook_url=url)
        escalation_pass(sessions, RULES, local(3, 2, 9, 33), webhook_url=url)
    finally:
        server.shutdown()
    (sent,) = received  # one POST for the alert, not one per supervisor, not repeated
    assert sent["ticket"] == number and sent["kind"] == "escalation"
    assert sent["reasons"] == ["response"] and "超时升级" in sent["text"]


def test_a_webhook_url_that_is_not_http_is_refused_by_name() -> None:
    from pydantic import ValidationError

    from callcenter.config import TicketSettings

    with pytest.raises(ValidationError, match=r"tickets\.alert_webhook_url"):
        TicketSettings(alert_webhook_url="ftp://example.org")
