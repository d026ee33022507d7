"""Whose callback is due: the virtual place in line, staffing, retries, results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.callbacks.turns import (
    CallbackStatus,
    Waiting,
    after_result,
    callbacks_due,
)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PENDING = CallbackStatus.PENDING


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_callback_waits_for_a_caller_who_joined_earlier() -> None:
    callback = Waiting(1, "general", at(10), PENDING)
    assert callbacks_due([callback], {"general": [at(5)]}, {"general": 1}, at(60)) == []
    assert callbacks_due([callback], {"general": [at(20)]}, {"general": 1}, at(60)) == [1]


def test_a_queue_nobody_is_logged_in_to_gets_no_callback() -> None:
    callback = Waiting(1, "general", at(10), PENDING)
    assert callbacks_due([callback], {}, {"general": 0}, at(60)) == []


def test_callbacks_of_one_queue_go_in_the_order_of_their_places_one_at_a_time() -> None:
    later = Waiting(2, "general", at(20), PENDING)
    earlier = Waiting(1, "general", at(10), PENDING)
    assert callbacks_due([later, earlier], {}, {"general": 3}, at(60)) == [1]
    ringing = Waiting(1, "general", at(10), CallbackStatus.CALLING)
    assert callbacks_due([later, ringing], {}, {"general": 3}, at(60)) == []
    assert callbacks_due([later, ringing], {}, {"repair": 1}, at(60)) == []


def test_a_callback_waiting_to_retry_lets_the_next_place_go() -> None:
    retrying = Waiting(1, "general", at(10), PENDING, next_try_at=at(100))
    nxt = Waiting(2, "general", at(20), PENDING)
    assert callbacks_due([retrying, nxt], {}, {"general": 1}, at(60)) == [2]
    assert callbacks_due([retrying], {}, {"general": 1}, at(101)) == [1]


def test_queues_are_independent() -> None:
    general = Waiting(1, "general", at(10), PENDING)
    repair = Waiting(2, "repair", at(30), PENDING)
    due = callbacks_due(
        [general, repair], {"general": [at(1)]}, {"general": 1, "repair": 1}, at(60)
    )
    assert due == [2]


def test_results_answered_retry_and_given_up() -> None:
    done = after_result("ANSWER", attempts=0, max_attempts=3, retry_seconds=60)
    assert done.status is CallbackStatus.DONE
    again = after_result("NOANSWER", attempts=0, max_attempts=3, retry_seconds=60)
    assert (again.status, again.attempts, again.retry_in_seconds) == (PENDING, 1, 60)
    given_up = after_result("BUSY", attempts=2, max_attempts=3, retry_seconds=60)
    assert (given_up.status, given_up.attempts) == (CallbackStatus.UNREACHED, 3)
    no_agent = after_result("NOAGENT", attempts=2, max_attempts=3, retry_seconds=60)
    assert (no_agent.status, no_agent.attempts) == (PENDING, 2)
