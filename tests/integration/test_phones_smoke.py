"""Smoke test of the SIP test phones against the Asterisk sandbox (direct queue extension)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import ASTERISK
from tests.phones import PhoneHost
from tests.phones.audio import make_tone_wav, wav_stats

pytestmark = ASTERISK


def _sandbox() -> dict[str, Any]:
    cli = Path(sys.executable).with_name("callcenter")
    command = str(cli) if cli.exists() else shutil.which("callcenter")
    if command is None:
        pytest.skip("the callcenter CLI is not installed")
    try:
        status = json.loads(
            subprocess.run(
                [command, "sandbox", "status", "--json"], capture_output=True, text=True, timeout=30
            ).stdout
        )
    except (ValueError, subprocess.SubprocessError) as exc:
        pytest.skip(f"sandbox status unavailable: {exc}")
    if not status.get("running"):
        pytest.skip("the Asterisk sandbox is not running (callcenter sandbox up)")
    out = subprocess.run(
        [command, "sandbox", "info", "--json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    info: dict[str, Any] = json.loads(out)
    return info


def test_pstn_caller_reaches_agent_through_queue(tmp_path: Path) -> None:
    pytest.importorskip("pjsua2")
    sandbox = _sandbox()
    server = f"{sandbox['sip']['host']}:{sandbox['sip']['port']}"
    agent_cfg = sandbox["agents"][0]
    tone = make_tone_wav(tmp_path / "tone.wav", seconds=1.0)

    with PhoneHost(log_dir=tmp_path / "logs") as phones:
        agent = phones.agent(
            agent_cfg["extension"], agent_cfg["password"], registrar=server, answer_delay=0.3
        )
        agent.wait_registered(timeout=10)
        caller = phones.caller(sandbox["pstn"]["username"], sandbox["pstn"]["password"], server)

        call = caller.dial(
            sandbox["direct"]["general"], from_number="13800138000", display_name="王小明"
        )
        incoming = agent.wait_incoming(timeout=15)
        answered = call.wait_confirmed(timeout=15)
        seen = incoming.wait_confirmed(timeout=5)
        assert seen.remote_display == "王小明"
        assert seen.remote_number == "13800138000"
        assert answered.confirmed_at is not None and seen.confirmed_at is not None
        assert seen.created_at is not None and answered.created_at is not None
        assert answered.created_at < seen.created_at < answered.confirmed_at

        incoming.wait_media(timeout=5)
        call.wait_media(timeout=5)
        recording = tmp_path / "agent.wav"
        incoming.start_recording(recording)
        call.play_wav(tone)
        call.wait_playback_done(timeout=10)
        call.send_dtmf("5")
        assert incoming.wait_dtmf("5", timeout=5).dtmf_received == "5"

        call.hangup()
        assert call.wait_disconnected(timeout=10).hangup_by == "local"
        assert incoming.wait_disconnected(timeout=10).hangup_by == "remote"
        assert wav_stats(recording).active_seconds >= 0.8
