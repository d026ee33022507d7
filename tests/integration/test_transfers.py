"""Transfers and the survey with real phones: one call in the log, both legs, the caller's score."""

from __future__ import annotations

from typing import Any

from callcenter.sandbox.process import until
from tests.integration.agent_helpers import cli
from tests.integration.conftest import ASTERISK, RunningController
from tests.integration.test_call_log import pstn, register_agent
from tests.phones import PhoneHost

pytestmark = ASTERISK


def connected_to_first_agent(phones: PhoneHost, info: dict[str, Any], number: str) -> tuple:
    """A caller talking to agent 1001 through the queue, and agent 1002 registered (idle)."""
    first = register_agent(phones, info, "1001")
    call = pstn(phones, info).dial(info["direct"]["general"], from_number=number)
    call.wait_confirmed(timeout=15)
    first_leg = first.wait_incoming(timeout=5)
    second = register_agent(phones, info, "1002")
    return call, first_leg, second


def assert_caller_talks_to(call: Any, leg: Any, digit: str) -> None:
    """What the second agent keys reaches the caller: they share one bridge. A digit keyed
    while Asterisk still hands the call over (its beep) is lost, so key it again."""
    leg.wait_media(timeout=10)

    def heard() -> bool:
        if digit in call.info.dtmf_received:
            return True
        leg.send_dtmf(digit)
        return False

    assert until(heard, timeout=10, interval=1.0), call.info


def logged_transfer(controller: RunningController) -> dict[str, Any]:
    (logged,) = controller.wait_calls(1)
    assert logged["agent"] == "1001" and logged["disposition"] == "answered"
    (transfer,) = logged["transfers"]
    return dict(transfer)


def test_blind_transfer_from_the_controller_hands_the_caller_to_the_second_agent(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    call, first_leg, second = connected_to_first_agent(phones, info, "13800000101")
    cli(controller, "transfer", "--agent", "1001", "--to", "1002")
    second_leg = second.wait_incoming(timeout=10)
    second_leg.wait_confirmed(timeout=10)
    first_leg.wait_disconnected(timeout=10)
    assert_caller_talks_to(call, second_leg, "5")
    call.hangup()
    call.wait_disconnected(timeout=10)
    transfer = logged_transfer(controller)
    assert (transfer["from"], transfer["to"], transfer["kind"]) == ("1001", "1002", "blind")
    assert transfer["at"] is not None


def test_blind_transfer_from_the_phone_with_refer(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    call, first_leg, second = connected_to_first_agent(phones, info, "13800000102")
    first_leg.transfer("1002")
    second_leg = second.wait_incoming(timeout=10)
    second_leg.wait_confirmed(timeout=10)
    assert_caller_talks_to(call, second_leg, "6")
    call.hangup()
    call.wait_disconnected(timeout=10)
    transfer = logged_transfer(controller)
    assert (transfer["to"], transfer["kind"]) == ("1002", "blind")


def test_attended_transfer_completes_when_the_first_agent_hangs_up(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    call, first_leg, second = connected_to_first_agent(phones, info, "13800000103")
    cli(controller, "transfer", "--agent", "1001", "--to", "1002", "--attended")
    second_leg = second.wait_incoming(timeout=10)
    second_leg.wait_confirmed(timeout=10)  # the agents talk; the caller waits
    first_leg.hangup()
    first_leg.wait_disconnected(timeout=10)
    assert_caller_talks_to(call, second_leg, "7")
    call.hangup()
    call.wait_disconnected(timeout=10)
    transfer = logged_transfer(controller)
    assert (transfer["from"], transfer["to"], transfer["kind"]) == ("1001", "1002", "attended")


def test_the_callers_survey_score_is_stored_as_csat(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    agent = register_agent(phones, info, "1003")
    call = pstn(phones, info).dial(info["direct"]["general"], from_number="13800000104")
    call.wait_confirmed(timeout=15)
    leg = agent.wait_incoming(timeout=5)
    leg.hangup()  # the agent ends the call: the caller is asked to rate it
    leg.wait_disconnected(timeout=10)

    def scored() -> bool:
        # Like a person who keys again when the prompt has not reacted.
        if not call.info.ended:
            call.send_dtmf("4")
        calls = controller.calls()
        return bool(calls) and calls[0]["csat"] == 4

    assert until(scored, timeout=15, interval=1.0), controller.calls()
    call.wait_disconnected(timeout=15)  # thanked, then hung up by the desk
    (logged,) = controller.wait_calls(1)
    assert logged["csat"] == 4 and logged["agent"] == "1003"
