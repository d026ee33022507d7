"""Press * to keep your place, with real phones: the caller hangs up, the request survives a
restart of the controller, a free agent is rung first and the customer is called back
through the pstn trunk; one callback per number; unanswered callbacks end as unreached."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from callcenter.config import load_settings
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.agent_helpers import cli
from tests.integration.conftest import ASTERISK, RunningController, through_ivr
from tests.integration.test_call_log import pstn, register_agent
from tests.integration.test_queue_waiting import AsteriskLog
from tests.phones import PhoneHost

pytestmark = ASTERISK

QUEUE_SETTINGS = {"general": {"keep_place_announce_seconds": 5, "ring_seconds": 3}}
CALLBACKS = {
    "attempts": 2,
    "retry_seconds": 1,
    "agent_wait_seconds": 15,
    "customer_ring_seconds": 5,
}


@pytest.fixture(scope="module")
def keep_place_env() -> Iterator[dict[str, str]]:
    """The general queue offers * every 5 s and rings an agent 3 s before the next; callbacks
    with short waits (the Asterisk side too)."""
    Sandbox(load_settings(queue_settings=QUEUE_SETTINGS, callbacks=CALLBACKS)).up()
    try:
        yield {
            "CALLCENTER_QUEUE_SETTINGS": json.dumps(QUEUE_SETTINGS),
            "CALLCENTER_CALLBACKS": json.dumps(CALLBACKS),
        }
    finally:
        Sandbox(load_settings()).up()


def customer_phone(phones: PhoneHost, info: dict[str, Any], **kw: Any) -> Any:
    """The pstn trunk, registered: it dials in, and the desk's callbacks ring it."""
    server = f"{info['sip']['host']}:{info['sip']['port']}"
    phone = phones.caller(
        info["pstn"]["username"], info["pstn"]["password"], server, register=True, **kw
    )
    phone.wait_registered(timeout=10)
    return phone


def callbacks(controller: RunningController, *flags: str) -> list[dict[str, Any]]:
    return list(json.loads(cli(controller, "callbacks", "--json", *flags)))


def logged_call(controller: RunningController, linkedid: str) -> dict[str, Any]:
    """The call ``linkedid`` once it has ended and is stored."""

    def ended() -> dict[str, Any] | None:
        return next(
            (c for c in controller.calls() if c["linkedid"] == linkedid and c["ended_at"]), None
        )

    assert until(lambda: ended() is not None, timeout=20), controller.calls()
    found = ended()
    assert found is not None
    return found


def keep_place(
    controller: RunningController,
    log: AsteriskLog,
    phone: Any,
    hotline: str,
    number: str,
    *keys: str,
) -> Any:
    """Call the hotline, choose ``keys``, wait for the offer, press * and be hung up."""

    def offers() -> int:  # to callers (a callback waiting in the queue hears them too)
        return sum(log.played("keep-place", lang, channel="PJSIP/pstn") for lang in ("zh", "en"))

    before = offers()
    call = phone.dial(hotline, from_number=number, display_name="留位")
    through_ivr(controller, call, *keys)
    assert until(lambda: offers() > before, timeout=20), log.text()[-2000:]
    call.send_dtmf("*")
    assert call.wait_disconnected(timeout=20).hangup_by == "remote"
    return call


def test_star_keeps_the_place_and_a_free_agent_is_rung_before_the_customer_is_called_back(
    keep_place_env: dict[str, str],
    start_controller: Callable[..., RunningController],
    phones: PhoneHost,
    info: dict[str, Any],
    sandbox: Sandbox,
) -> None:
    controller = start_controller(**keep_place_env)
    log = AsteriskLog(sandbox)
    customer = customer_phone(phones, info, auto_answer=True)
    keep_place(controller, log, customer, info["hotline"], "13866660001", "1", "3")  # 中文, general
    # The offer (callcenter-queue/<language>/keep-place) and the confirmation, in Chinese.
    assert log.played("callcenter-queue/keep-place", "zh")
    assert log.played("callcenter-queue/zh/keep-place-ok", "zh")
    (pending,) = callbacks(controller)
    # The default agents are logged in (their phones are not registered): the callback is
    # already in the queue, first in line, waiting for an agent.
    assert (pending["number"], pending["queue"]) == ("13866660001", "general")
    assert pending["status"] in ("pending", "calling")
    asked = logged_call(controller, pending["linkedid"])
    assert asked["disposition"] == "callback" and asked["queue"] == "general"

    controller.stop()  # the request is in the database, not only in memory
    controller.start()
    agent = register_agent(phones, info, "1006", answer_delay=1.0)
    leg = agent.wait_incoming(timeout=20)
    rung = leg.info.created_at
    leg.wait_confirmed(timeout=10)
    back = customer.wait_incoming(timeout=20)
    assert back.info.request_user == "13866660001"  # the number in the request URI
    # The agent rang first; the customer only once the agent had answered (1 s later).
    assert rung is not None and back.info.created_at is not None
    assert back.info.created_at >= rung + 0.9
    back.wait_confirmed(timeout=10)
    leg.wait_media(timeout=10)
    back.hangup()
    assert until(lambda: callbacks(controller, "--all")[0]["status"] == "done", timeout=15)
    assert callbacks(controller) == []
    done = callbacks(controller, "--all")[0]
    assert done["agent"] == "1006" and done["attempts"] == 1
    callback_call = logged_call(controller, done["callback_linkedid"])
    assert callback_call["agent"] == "1006" and callback_call["caller_number"] == "13866660001"
    links = [s["detail"] for s in callback_call["timeline"] if s["kind"] == "callback_for"]
    assert links == [asked["linkedid"]]


def test_one_callback_per_number_and_an_unanswered_one_is_left_open(
    keep_place_env: dict[str, str],
    start_controller: Callable[..., RunningController],
    phones: PhoneHost,
    info: dict[str, Any],
    sandbox: Sandbox,
) -> None:
    controller = start_controller(**keep_place_env)
    log = AsteriskLog(sandbox)
    customer = customer_phone(phones, info)  # it will not answer
    keep_place(
        controller, log, customer, info["hotline"], "13866660002", "2", "3"
    )  # English, general
    keep_place(controller, log, customer, info["hotline"], "13866660002", "2", "3")  # asks again
    (merged,) = callbacks(controller)
    assert merged["requests"] == 2 and merged["status"] in ("pending", "calling")

    def tickets() -> list[Any]:
        return [c["ticket"] for c in controller.calls() if c["disposition"] == "callback"]

    # Both calls are on the one callback ticket.
    assert until(lambda: len(tickets()) == 2 and len(set(tickets()) - {None}) == 1, timeout=20)
    assert None not in tickets()

    agent = register_agent(phones, info, "1007")
    for _ in range(CALLBACKS["attempts"]):
        agent.wait_incoming(timeout=20).wait_confirmed(timeout=10)
        customer.wait_incoming(timeout=20).reject(486)  # busy
    assert until(lambda: callbacks(controller) == [], timeout=20)
    (unreached,) = callbacks(controller, "--all")
    assert unreached["status"] == "unreached" and unreached["attempts"] == 2
    assert unreached["last_result"] == "BUSY"


def test_an_agent_who_does_not_answer_the_callback_is_passed_over_for_another(
    keep_place_env: dict[str, str],
    start_controller: Callable[..., RunningController],
    phones: PhoneHost,
    info: dict[str, Any],
    sandbox: Sandbox,
) -> None:
    controller = start_controller(**keep_place_env)
    log = AsteriskLog(sandbox)
    customer = customer_phone(phones, info, auto_answer=True)
    keep_place(controller, log, customer, info["hotline"], "13866660003", "2", "3")
    away = register_agent(phones, info, "1008", auto_answer=False)  # rings, nobody answers
    away_leg = away.wait_incoming(timeout=20)
    present = register_agent(phones, info, "1009")
    leg = present.wait_incoming(timeout=20)
    leg.wait_confirmed(timeout=10)
    assert away_leg.wait_disconnected(timeout=10).confirmed_at is None
    back = customer.wait_incoming(timeout=20)
    assert back.info.request_user == "13866660003"
    back.wait_confirmed(timeout=10)
    back.hangup()
    assert until(lambda: callbacks(controller, "--all")[0]["status"] == "done", timeout=15)
    assert callbacks(controller, "--all")[0]["agent"] == "1009"


def test_a_callback_keeps_its_place_ahead_of_a_caller_who_came_later(
    keep_place_env: dict[str, str],
    start_controller: Callable[..., RunningController],
    phones: PhoneHost,
    info: dict[str, Any],
    sandbox: Sandbox,
) -> None:
    controller = start_controller(**keep_place_env)
    log = AsteriskLog(sandbox)
    customer = customer_phone(phones, info, auto_answer=True)
    keep_place(controller, log, customer, info["hotline"], "13866660006", "2", "3")
    later = pstn(phones, info).dial(info["direct"]["general"], from_number="13866660007")
    later.wait_ringing(timeout=10)
    assert until(
        lambda: any(
            c["caller_number"] == "13866660007" and c["queue"] == "general"
            for c in controller.calls()
        ),
        timeout=10,
    )
    agent = register_agent(phones, info, "1010")
    first = agent.wait_incoming(timeout=20)
    assert first.info.remote_number == "13866660006"  # the callback, not the later caller
    first.wait_confirmed(timeout=10)
    back = customer.wait_incoming(timeout=20)
    back.wait_confirmed(timeout=10)
    assert not later.info.confirmed_at  # still waiting its turn
    back.hangup()
    later.hangup()
