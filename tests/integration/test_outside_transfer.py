"""Transfer to an outside number and the survey in Chinese, with real phones.

The outside world is a phone registered as the ``pstn`` trunk: Asterisk calls it with the
dialed number as the user of the request URI, as a carrier would be asked to.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from callcenter.agents.dialplan import survey_prompts_dir
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.agent_helpers import cli
from tests.integration.conftest import ASTERISK, CALLCENTER, RunningController, through_ivr
from tests.integration.test_call_log import pstn, register_agent
from tests.integration.test_transfers import assert_caller_talks_to
from tests.phones import PhoneHost
from tests.phones.audio import wav_stats

pytestmark = ASTERISK

OUTSIDE_NUMBER = "13912345678"


def outside_world(phones: PhoneHost, info: dict[str, Any]) -> Any:
    """A phone that answers what Asterisk sends out through the pstn trunk."""
    server = f"{info['sip']['host']}:{info['sip']['port']}"
    phone = phones.caller(
        info["pstn"]["username"], info["pstn"]["password"], server,
        register=True, auto_answer=True,
    )  # fmt: skip
    phone.wait_registered(timeout=10)
    return phone


def test_blind_transfer_to_an_outside_number_goes_out_through_the_pstn_trunk(
    controller: RunningController, phones: PhoneHost, info: dict[str, Any]
) -> None:
    outside = outside_world(phones, info)
    agent = register_agent(phones, info, "1001")
    call = pstn(phones, info).dial(info["direct"]["general"], from_number="13800000201")
    call.wait_confirmed(timeout=15)
    agent_leg = agent.wait_incoming(timeout=10)
    agent_leg.wait_confirmed(timeout=10)

    printed = cli(controller, "transfer", "--agent", "1001", "--to", OUTSIDE_NUMBER)
    assert "blind transfer" in printed

    out_leg = outside.wait_incoming(timeout=15)
    assert out_leg.info.request_user == OUTSIDE_NUMBER  # the number the carrier must dial
    out_leg.wait_confirmed(timeout=10)
    agent_leg.wait_disconnected(timeout=10)  # the agent is free again
    assert_caller_talks_to(call, out_leg, "8")
    call.hangup()
    call.wait_disconnected(timeout=10)

    (logged,) = controller.wait_calls(1)  # one call, both legs
    assert logged["agent"] == "1001" and logged["disposition"] == "answered"
    (transfer,) = logged["transfers"]
    assert (transfer["from"], transfer["to"], transfer["kind"]) == ("1001", OUTSIDE_NUMBER, "blind")
    assert transfer["at"] is not None


def test_a_transfer_to_something_that_is_not_a_number_is_refused_with_the_reason(
    controller: RunningController,
) -> None:
    out = subprocess.run(
        [str(CALLCENTER), "transfer", "--agent", "1001", "--to", "someone@example.com"],
        env=controller.env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode != 0
    assert "queue:NAME or a number" in out.stderr


def survey_prompt(sandbox: Sandbox, language: str) -> Path:
    return sandbox.host_path(survey_prompts_dir(sandbox.asterisk_dirs)) / language / "survey.wav"


def test_a_chinese_caller_hears_the_survey_in_chinese_and_the_score_is_kept(
    sandbox: Sandbox,
    controller: RunningController,
    phones: PhoneHost,
    info: dict[str, Any],
    tmp_path: Path,
) -> None:
    chinese, english = (wav_stats(survey_prompt(sandbox, lang)) for lang in ("zh", "en"))
    # The Chinese prompt speaks for longer than the English one: listening for a while
    # longer than the whole English prompt tells which one plays.
    assert chinese.active_seconds > english.active_seconds + 3
    listen = english.seconds + 3.0
    assert listen < chinese.seconds

    agent = register_agent(phones, info, "1002")
    call = pstn(phones, info).dial(info["hotline"], from_number="13800000202", display_name="陈")
    assert through_ivr(controller, call, "1", "3") == ["language:1", "main:3"]
    leg = agent.wait_incoming(timeout=20)
    leg.wait_confirmed(timeout=10)
    call.start_recording(tmp_path / "survey.wav")
    leg.hangup()  # the agent ends the call: the caller is asked to rate it
    leg.wait_disconnected(timeout=10)

    assert not until(lambda: call.info.ended, timeout=listen), "the desk hung up: no survey"
    recording = call.stop_recording()
    assert recording is not None
    heard = wav_stats(recording)
    # Still speaking after the English prompt would have ended: the Chinese one plays.
    assert heard.active_seconds > english.active_seconds + 1.5, (heard, english, chinese)

    def scored() -> bool:
        if not call.info.ended:
            call.send_dtmf("5")  # like a person who keys again when nothing happens
        calls = controller.calls()
        return bool(calls) and calls[0]["csat"] == 5

    assert until(scored, timeout=15, interval=1.0), controller.calls()
    call.wait_disconnected(timeout=20)  # thanked, then hung up by the desk
    (logged,) = controller.wait_calls(1)
    assert logged["csat"] == 5 and logged["language"] == "zh" and logged["agent"] == "1002"
