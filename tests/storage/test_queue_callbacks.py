"""Callback requests in the database: one open callback per number, results, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.callbacks.store import CallbackRepository, Request, callback_to_dict
from callcenter.callbacks.turns import CallbackStatus, after_result
from callcenter.db.engine import open_database, session_scope

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def request(number: str, joined: float, linkedid: str) -> Request:
    return Request(
        number=number,
        caller_name="王",
        queue="general",
        language="zh",
        joined_at=T0 + timedelta(seconds=joined),
        linkedid=linkedid,
        at=T0 + timedelta(seconds=joined + 30),
    )


def test_a_second_request_from_a_number_is_merged_and_keeps_the_earlier_place(db_url: str) -> None:
    sessions = open_database(db_url)
    with session_scope(sessions) as session:
        repo = CallbackRepository(session)
        first, merged = repo.request(request("13800000001", 60, "1.1"))
        assert not merged
        again, merged = repo.request(request("13800000001", 10, "2.1"))
        assert merged and again.id == first.id
        other, merged = repo.request(request("13800000002", 20, "3.1"))
        assert not merged and other.id != first.id
    with session_scope(sessions) as session:
        rows = CallbackRepository(session).open()
        assert [r.number for r in rows] == ["13800000001", "13800000002"]  # by place
        shown = callback_to_dict(rows[0])
        assert shown["requests"] == 2 and shown["linkedid"] == "1.1"
        assert shown["joined_at"] == (T0 + timedelta(seconds=10)).isoformat()
    sessions.kw["bind"].dispose()


def test_an_unreached_callback_is_closed_and_a_new_request_opens_another(db_url: str) -> None:
    sessions = open_database(db_url)
    with session_scope(sessions) as session:
        repo = CallbackRepository(session)
        row, _ = repo.request(request("13800000003", 0, "4.1"))
        repo.set_status(row.id, CallbackStatus.CALLING, T0)
        outcome = after_result("BUSY", attempts=2, max_attempts=3, retry_seconds=60)
        repo.finish(row.id, outcome, "BUSY", T0)
        assert row.status == "unreached" and row.attempts == 3 and row.last_result == "BUSY"
        assert repo.open() == []
        fresh, merged = repo.request(request("13800000003", 100, "5.1"))
        assert not merged and fresh.id != row.id
    sessions.kw["bind"].dispose()
