"""The failed-login counter on its own."""

from __future__ import annotations

from tests.web.conftest import FakeClock
from web.login_throttle import LoginThrottle


def test_five_failures_block_the_pair_until_the_oldest_leaves_the_window() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(limit=5, window=300, clock=clock)
    for _ in range(5):
        assert throttle.check("alice", "10.0.0.1").allowed
        throttle.failed("alice", "10.0.0.1")
        clock.advance(10)
    verdict = throttle.check("alice", "10.0.0.1")
    assert not verdict.allowed
    assert verdict.retry_after == 250
    clock.advance(250)
    assert throttle.check("alice", "10.0.0.1").allowed


def test_other_address_and_other_username_are_not_blocked() -> None:
    throttle = LoginThrottle(limit=2, clock=FakeClock())
    for _ in range(2):
        throttle.failed("alice", "10.0.0.1")
    assert not throttle.check("ALICE ", "10.0.0.1").allowed
    assert throttle.check("alice", "10.0.0.2").allowed
    assert throttle.check("bob", "10.0.0.1").allowed


def test_success_clears_the_pair() -> None:
    throttle = LoginThrottle(limit=2, clock=FakeClock())
    throttle.failed("alice", "10.0.0.1")
    throttle.succeeded("alice", "10.0.0.1")
    throttle.failed("alice", "10.0.0.1")
    assert throttle.check("alice", "10.0.0.1").allowed


def test_one_address_spraying_usernames_is_blocked() -> None:
    throttle = LoginThrottle(limit=5, address_limit=3, clock=FakeClock())
    for name in ("a", "b", "c"):
        throttle.failed(name, "10.0.0.9")
    assert not throttle.check("d", "10.0.0.9").allowed
