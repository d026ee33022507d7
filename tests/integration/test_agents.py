"""Agents log in and out, pause and wrap up: who gets rung, as a real phone sees it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from callcenter.config import load_settings
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.agent_helpers import agents, cli, in_order, state, timeline
from tests.integration.conftest import ASTERISK, RunningController
from tests.integration.test_call_log import pstn, register_agent
from tests.phones import PhoneHost

pytestmark = ASTERISK
NOT_RUNG_FOR = 4.0  # seconds a caller waits while we check that an agent's phone stays quiet


def test_a_logged_out_agent_is_not_rung_and_rung_again_after_login(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    agent = register_agent(phones, info, "1007")
    cli(controller, "agent", "logout", "1007")
    try:
        assert until(lambda: state(controller, "1007") == "logged_out", timeout=10)
        call = pstn(phones, info).dial(info["direct"]["general"], from_number="13800000071")
        call.wait_ringing(timeout=10)
        assert not until(lambda: bool(agent.incoming), timeout=NOT_RUNG_FOR)

        cli(controller, "agent", "login", "1007", "--queue", "general")
        call.wait_confirmed(timeout=15)
        shown = agents(controller)["1007"]
        assert shown["state"] == "on_call" and shown["queues"] == ["general"]
        call.hangup()
        call.wait_disconnected(timeout=10)
    finally:
        cli(controller, "agent", "login", "1007")
    assert until(lambda: state(controller, "1007") == "available", timeout=10)
    steps = ("logged_out", "available", "on_call", "available")
    assert until(lambda: in_order(timeline(controller, "1007"), *steps), timeout=10), timeline(
        controller, "1007"
    )


def test_a_paused_agent_is_not_rung_and_shows_the_reason(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    agent = register_agent(phones, info, "1008")
    cli(controller, "agent", "pause", "1008", "--reason", "午休")
    try:
        assert until(lambda: state(controller, "1008") == "paused", timeout=10)
        shown = agents(controller)["1008"]
        assert shown["pause_reason"] == "午休" and shown["since"] is not None
        call = pstn(phones, info).dial(info["direct"]["general"], from_number="13800000081")
        call.wait_ringing(timeout=10)
        assert not until(lambda: bool(agent.incoming), timeout=NOT_RUNG_FOR)
    finally:
        cli(controller, "agent", "unpause", "1008")
    call.wait_confirmed(timeout=15)
    call.hangup()
    call.wait_disconnected(timeout=10)
    steps = ("paused", "available", "on_call")
    # The timeline is written off the event loop: wait for it.
    assert until(lambda: in_order(timeline(controller, "1008"), *steps), timeout=10), timeline(
        controller, "1008"
    )


WRAP_UP = 5


@pytest.fixture
def repair_with_wrap_up(sandbox: Sandbox) -> Iterator[dict[str, str]]:
    """The `repair` queue with a wrap-up time, in Asterisk and in the controller."""
    setting = f'{{"repair": {{"wrapup_seconds": {WRAP_UP}}}}}'
    Sandbox(load_settings(queue_settings={"repair": {"wrapup_seconds": WRAP_UP}})).up()
    try:
        yield {"CALLCENTER_QUEUE_SETTINGS": setting}
    finally:
        sandbox.up()


def test_after_a_call_the_agent_wraps_up_and_is_not_rung_until_it_is_over(
    repair_with_wrap_up: dict[str, str],
    start_controller: Callable[..., RunningController],
    phones: PhoneHost,
    info: dict[str, Any],
) -> None:
    controller = start_controller(**repair_with_wrap_up)
    agent = register_agent(phones, info, "1009")
    trunk = pstn(phones, info)
    first = trunk.dial(info["direct"]["repair"], from_number="13800000091")
    first.wait_confirmed(timeout=15)
    agent_leg = agent.wait_incoming(timeout=5)
    agent_leg.hangup()  # the agent ends the call; the caller hears the survey
    ended = agent_leg.wait_disconnected(timeout=10).disconnected_at
    assert ended is not None
    assert until(lambda: state(controller, "1009") == "wrap_up", timeout=5)
    first.hangup()

    second = trunk.dial(info["direct"]["repair"], from_number="13800000092")
    agent_second = agent.wait_incoming(timeout=WRAP_UP + 10)
    rung_after = agent_second.info.created_at - ended
    assert rung_after >= WRAP_UP - 1.0, f"rung {rung_after:.1f} s after the call ended"
    second.wait_confirmed(timeout=10)
    agent_second.wait_confirmed(timeout=10)
    second.hangup()
    second.wait_disconnected(timeout=10)
    # The timeline is written by the controller's store thread: poll, do not read once.
    wanted = ("on_call", "wrap_up", "available", "ringing", "on_call")
    assert until(lambda: in_order(timeline(controller, "1009"), *wanted), timeout=5), timeline(
        controller, "1009"
    )


def test_feature_codes_from_the_phone_log_out_log_in_and_pause(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    phone = register_agent(phones, info, "1010")

    def dial(code: str, expected: str) -> dict[str, Any]:
        call = phone.dial(code)
        call.wait_disconnected(timeout=15)  # the desk confirms with a prompt and hangs up
        assert until(lambda: state(controller, "1010") == expected, timeout=10), code
        return agents(controller)["1010"]

    try:
        assert dial("*12", "logged_out")["queues"] == []
        assert dial("*11", "available")["queues"] == ["general", "repair", "complaints"]
        assert dial("*13", "paused")["pause_reason"] == "phone"
        dial("*13", "available")
    finally:
        cli(controller, "agent", "login", "1010")
        cli(controller, "agent", "unpause", "1010")
