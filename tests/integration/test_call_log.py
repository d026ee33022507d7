"""Real calls through the sandbox: the call log a supervisor reads must match what happened."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.conftest import ASTERISK, RunningController, through_ivr
from tests.phones import PhoneHost
from tests.phones.audio import make_tone_wav

pytestmark = ASTERISK


def epoch(iso: str | None) -> float:
    assert iso is not None
    return datetime.fromisoformat(iso).timestamp()


def agent_password(info: dict[str, Any], extension: str) -> str:
    return next(a["password"] for a in info["agents"] if a["extension"] == extension)


def register_agent(phones: PhoneHost, info: dict[str, Any], ext: str, **kw: Any) -> Any:
    phone = phones.agent(
        ext, agent_password(info, ext), f"{info['sip']['host']}:{info['sip']['port']}", **kw
    )
    phone.wait_registered(timeout=10)
    return phone


def pstn(phones: PhoneHost, info: dict[str, Any]) -> Any:
    server = f"{info['sip']['host']}:{info['sip']['port']}"
    return phones.caller(info["pstn"]["username"], info["pstn"]["password"], server)


def test_answered_call_is_logged_exactly(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any], tmp_path: Path
) -> None:
    agent = register_agent(phones, info, "1001", answer_delay=1.0)
    call = pstn(phones, info).dial(
        info["hotline"], from_number="13800138000", display_name="王小明"
    )
    assert through_ivr(controller, call, "1", "3") == ["language:1", "main:3"]
    leg = agent.wait_incoming(timeout=20)
    answered = leg.wait_confirmed(timeout=20)
    # The caller talks for as long as this tone lasts.
    call.play_wav(make_tone_wav(tmp_path / "talk.wav", seconds=3.0))
    call.wait_playback_done(timeout=15)
    call.hangup()
    seen = call.wait_disconnected(timeout=10)
    agent_saw = leg.wait_disconnected(timeout=10)

    (logged,) = controller.wait_calls(1)
    assert logged["caller_name"] == "王小明"
    assert logged["caller_number"] == "13800138000"
    assert logged["dialed"] == info["hotline"]
    assert logged["queue"] == "general"
    assert logged["agent"] == "1001"
    assert logged["disposition"] == "answered"
    assert logged["ivr_path"] == ["language:1", "main:3"]
    assert logged["language"] == "zh"
    talked = agent_saw.disconnected_at - answered.confirmed_at
    assert abs(logged["talk_seconds"] - talked) < 1.0
    assert abs(epoch(logged["answered_at"]) - answered.confirmed_at) < 1.0
    assert abs(epoch(logged["started_at"]) - seen.created_at) < 1.0
    kinds = [step["kind"] for step in logged["timeline"]]
    # It went through the controller (AsyncAGI), the menu, then the queue, in that order.
    assert kinds.index("controller") < kinds.index("ivr") < kinds.index("queue_join")
    assert kinds.index("queue_join") < kinds.index("answer")

    printed = json.loads(controller.calls_cli("--json", "--limit", "5"))
    assert printed[0]["caller_name"] == "王小明" and printed[0]["id"] == logged["id"]
    for key in (
        "id",
        "caller_number",
        "caller_name",
        "dialed",
        "started_at",
        "answered_at",
        "ended_at",
        "wait_seconds",
        "talk_seconds",
        "disposition",
        "queue",
        "agent",
        "ivr_path",
        "recording",
        "transcript",
        "ticket",
    ):
        assert key in printed[0], key


def test_caller_hanging_up_while_ringing_is_abandoned_with_the_right_wait(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    agent = register_agent(phones, info, "1002", auto_answer=False)
    call = pstn(phones, info).dial(info["hotline"], from_number="13900001111", display_name="李四")
    through_ivr(controller, call, "2", "3")
    ringing = agent.wait_incoming(timeout=15)
    # The caller gives up after hearing the agent's phone ring for a moment.
    time.sleep(2.0)
    call.hangup()
    seen = call.wait_disconnected(timeout=10)

    (logged,) = controller.wait_calls(1)
    assert logged["disposition"] == "abandoned"
    assert logged["answered_at"] is None and logged["agent"] is None
    assert logged["talk_seconds"] == 0
    assert logged["language"] == "en"
    # The wait counts from joining the queue, when the agent's phone starts to ring.
    waited = seen.disconnected_at - ringing.info.created_at
    assert abs(logged["wait_seconds"] - waited) < 1.0
    assert any(step["kind"] == "agent_ring" for step in logged["timeline"])


def test_two_callers_at_once_are_both_logged(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    agents = [register_agent(phones, info, ext, answer_delay=0.5) for ext in ("1003", "1004")]
    trunk = pstn(phones, info)
    first = trunk.dial(info["hotline"], from_number="13700000001", display_name='Ann "A" 😀')
    through_ivr(controller, first, "2", "0")
    second = trunk.dial(info["direct"]["general"], from_number="13700000002", display_name="张三")
    for agent in agents:  # both callers talk to an agent at the same time
        agent.wait_incoming(timeout=20).wait_confirmed(timeout=20)
    for call in (first, second):
        call.hangup()
        call.wait_disconnected(timeout=10)

    logged = controller.wait_calls(2)
    by_number = {c["caller_number"]: c for c in logged}
    assert by_number["13700000001"]["caller_name"] == 'Ann "A" 😀'
    assert by_number["13700000002"]["caller_name"] == "张三"
    assert by_number["13700000002"]["dialed"] == info["direct"]["general"]
    assert {c["disposition"] for c in logged} == {"answered"}
    assert {c["agent"] for c in logged} == {"1003", "1004"}


def test_asterisk_killed_mid_call_closes_the_call_as_failed_and_the_next_call_is_logged(
    sandbox: Sandbox, controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    agent = register_agent(phones, info, "1005")
    trunk = pstn(phones, info)
    call = trunk.dial(info["direct"]["general"], from_number="13600000000", display_name="王五")
    call.wait_confirmed(timeout=20)
    assert until(lambda: len(controller.calls()) == 1, timeout=10)

    pid = sandbox.status()["pid"]
    os.kill(pid, signal.SIGKILL)
    phones.hangup_all()
    sandbox.up()
    controller.wait_log("resynced with Asterisk", occurrences=2, timeout=60)

    (lost,) = controller.wait_calls(1)
    assert lost["disposition"] == "failed"
    assert lost["ended_at"] is not None

    agent.set_registration(True)
    agent.wait_registered(timeout=10)
    again = trunk.dial(info["direct"]["general"], from_number="13600000001", display_name="赵六")
    again.wait_confirmed(timeout=20)
    again.hangup()
    again.wait_disconnected(timeout=10)
    calls = controller.wait_calls(2)
    assert calls[0]["caller_number"] == "13600000001"
    assert calls[0]["disposition"] == "answered"


def test_caller_still_reaches_an_agent_when_the_controller_is_stopped(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    controller.stop()
    register_agent(phones, info, "1006")
    started = time.monotonic()
    call = pstn(phones, info).dial(info["hotline"], from_number="13500000000", display_name="钱七")
    call.wait_confirmed(timeout=20)
    assert time.monotonic() - started < 10, "the caller should not wait on a missing controller"
    call.hangup()
    call.wait_disconnected(timeout=10)
