"""The hotline menu with real phones: languages, routing, wrong and missing keys, lists, hours."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.conftest import ASTERISK, CALLCENTER, RunningController, through_ivr
from tests.integration.test_call_log import pstn, register_agent
from tests.phones import PhoneHost
from tests.phones.audio import make_tone_wav

pytestmark = ASTERISK


def test_english_caller_reaches_the_repair_queue(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    agent = register_agent(phones, info, "1001")
    call = pstn(phones, info).dial(info["hotline"], from_number="13811112222", display_name="Bob")
    assert through_ivr(controller, call, "2", "1") == ["language:2", "main:1"]
    agent.wait_incoming(timeout=20).wait_confirmed(timeout=20)
    call.hangup()
    (logged,) = controller.wait_calls(1)
    assert logged["queue"] == "repair" and logged["language"] == "en"
    assert logged["disposition"] == "answered"


def test_three_wrong_keys_go_to_an_operator_never_a_hang_up(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    agent = register_agent(phones, info, "1002")
    call = pstn(phones, info).dial(info["hotline"], from_number="13811113333", display_name="王")
    path = through_ivr(controller, call, "1", "7", "8", "5")
    assert path[:4] == ["language:1", "main:7", "main:8", "main:5"]
    agent.wait_incoming(timeout=30).wait_confirmed(timeout=20)
    call.hangup()
    (logged,) = controller.wait_calls(1)
    assert logged["queue"] == "general" and logged["disposition"] == "answered"
    assert "main:fallback" in logged["ivr_path"]


def test_a_silent_caller_is_served_in_chinese_then_reaches_an_operator(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    agent = register_agent(phones, info, "1003")
    call = pstn(phones, info).dial(info["hotline"], from_number="13811114444", display_name="静")
    call.wait_confirmed(timeout=20)
    # Nobody presses anything: the language menu times out, then the main menu three times.
    agent.wait_incoming(timeout=120).wait_confirmed(timeout=20)
    call.hangup()
    (logged,) = controller.wait_calls(1)
    assert logged["language"] == "zh" and logged["queue"] == "general"
    assert logged["ivr_path"][0] == "language:timeout"
    assert logged["ivr_path"].count("main:timeout") == 3


def test_hanging_up_mid_prompt_keeps_the_path_and_disturbs_nothing(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    trunk = pstn(phones, info)
    call = trunk.dial(info["hotline"], from_number="13811115555", display_name="急")
    through_ivr(controller, call, "1")
    call.hangup()  # while the main menu plays
    (logged,) = controller.wait_calls(1)
    assert logged["ivr_path"] == ["language:1"]
    assert logged["disposition"] == "abandoned" and logged["queue"] is None
    assert controller.proc is not None and controller.proc.poll() is None
    # The next caller is served as usual.
    agent = register_agent(phones, info, "1004")
    again = trunk.dial(info["hotline"], from_number="13811116666", display_name="下一位")
    through_ivr(controller, again, "1", "3")
    agent.wait_incoming(timeout=20).wait_confirmed(timeout=20)
    again.hangup()
    assert controller.wait_calls(2)[0]["disposition"] == "answered"


def test_ticket_status_lookup_reads_the_number_keyed(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    made = subprocess.run(
        [
            str(CALLCENTER),
            "tickets",
            "create",
            "--json",
            "-d",
            "空调不制冷",
            "--contact",
            "13811117777",
            "--category",
            "repair",
            "--assignee",
            "1001",
        ],
        env=controller.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    number = json.loads(made.stdout)["number"]
    call = pstn(phones, info).dial(info["hotline"], from_number="13811117777", display_name="查")
    through_ivr(controller, call, "1", "4")
    call.send_dtmf(number.replace("-", "") + "#")
    path = controller.wait_path(4)
    assert path[2:4] == [f"ticket:{number}", "ticket_status:assigned"]
    through_ivr(controller, call, "4")  # back at the main menu: a number that does not exist
    call.send_dtmf("209901010001#")
    assert controller.wait_path(7)[5:7] == ["ticket:20990101-0001", "ticket_status:not_found"]
    call.hangup()


def test_blocked_caller_hears_a_polite_message_and_is_logged(
    start_controller: Callable[..., RunningController], phones: PhoneHost, info: dict[str, Any]
) -> None:
    controller = start_controller(CALLCENTER_BLOCKED_NUMBERS='["13000000000"]')
    call = pstn(phones, info).dial(info["hotline"], from_number="13000000000", display_name="X")
    ended = call.wait_disconnected(timeout=40)
    assert ended.hangup_by == "remote"
    (logged,) = controller.wait_calls(1)
    assert "blocked" in [step["kind"] for step in logged["timeline"]]
    assert logged["agent"] is None


def test_vip_caller_is_answered_before_an_earlier_caller(
    start_controller: Callable[..., RunningController], phones: PhoneHost, info: dict[str, Any]
) -> None:
    controller = start_controller(CALLCENTER_VIP_NUMBERS='["13999999999"]')
    trunk = pstn(phones, info)
    first = trunk.dial(info["hotline"], from_number="13811118888", display_name="先来")
    through_ivr(controller, first, "1", "3")
    vip = trunk.dial(info["hotline"], from_number="13999999999", display_name="贵宾")
    through_ivr(controller, vip, "1", "3")
    assert until(lambda: sum(c["queue"] == "general" for c in controller.calls()) == 2, timeout=20)
    agent = register_agent(phones, info, "1005", auto_answer=False)
    ringing = agent.wait_incoming(timeout=20)
    assert ringing.info.remote_number == "13999999999"
    for call in (first, vip):
        call.hangup()


def test_after_hours_caller_leaves_a_voicemail_that_is_kept(
    start_controller: Callable[..., RunningController],
    phones: PhoneHost,
    info: dict[str, Any],
    sandbox: Sandbox,
    tmp_path: Path,
) -> None:
    controller = start_controller(CALLCENTER_BUSINESS_HOURS="closed")
    call = pstn(phones, info).dial(info["hotline"], from_number="13822223333", display_name="夜")
    assert through_ivr(controller, call, "1", "1")[:3] == ["language:1", "after_hours", "closed:1"]
    assert until(
        lambda: any(s["kind"] == "voicemail" for s in controller.calls()[0]["timeline"]),
        timeout=30,
    )
    # The caller speaks (a tone) after the beep, then hangs up.
    time.sleep(4.0)  # the intro prompt and the beep
    call.play_wav(make_tone_wav(tmp_path / "message.wav", seconds=2.0))
    call.wait_playback_done(timeout=15)
    call.hangup()
    (logged,) = controller.wait_calls(1)
    assert logged["disposition"] == "voicemail"
    path = next(s["detail"] for s in logged["timeline"] if s["kind"] == "voicemail")
    stored = sandbox.host_path(path)
    assert until(lambda: stored.is_file() and stored.stat().st_size > 8000, timeout=10), stored


def test_after_hours_callback_request_is_kept(
    start_controller: Callable[..., RunningController], phones: PhoneHost, info: dict[str, Any]
) -> None:
    controller = start_controller(CALLCENTER_BUSINESS_HOURS="closed")
    call = pstn(phones, info).dial(info["hotline"], from_number="13822224444", display_name="回")
    through_ivr(controller, call, "2", "2")
    call.wait_disconnected(timeout=40)  # the confirmation, then goodbye
    (logged,) = controller.wait_calls(1)
    assert logged["disposition"] == "callback"
    assert logged["language"] == "en"
    assert json.dumps(logged["timeline"]).count("callback_request") == 1
