"""The SIP test phones calling each other directly (no Asterisk): identity, DTMF, audio, hang-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.phones import CallFailedError, PhoneError, PhoneHost
from tests.phones.audio import make_tone_wav, wav_stats
from tests.phones.client import REPO_ROOT
from tests.phones.sipuri import format_name_addr, parse_name_addr

pytest.importorskip("pjsua2")


@pytest.fixture
def phones(tmp_path: Path) -> Iterator[PhoneHost]:
    with PhoneHost(log_dir=tmp_path / "logs") as host:
        yield host


@pytest.mark.parametrize(
    "name",
    ["王小明", 'Tom "the cat" \\ O\'Neil', "客服😀 test", ""],
)
def test_display_names_round_trip_through_name_addr(name: str) -> None:
    parsed = parse_name_addr(format_name_addr(name, "sip:13800138000@10.0.0.1:5060") + ";tag=x")
    assert parsed.display_name == name
    assert (parsed.user, parsed.host, parsed.port) == ("13800138000", "10.0.0.1", 5060)


def test_direct_call_identity_dtmf_audio_and_hangup(phones: PhoneHost, tmp_path: Path) -> None:
    tone = make_tone_wav(tmp_path / "tone.wav", frequency=440, seconds=1.5)
    agent = phones.agent("1001")
    caller = phones.caller()

    before = time.time()
    call = caller.dial(agent.uri, from_number="13800138000", display_name="王小明")
    out = call.wait_confirmed(timeout=5)
    incoming = agent.wait_incoming(timeout=5)
    inc = incoming.wait_confirmed(timeout=5)

    assert inc.remote_display == "王小明"
    assert inc.remote_number == "13800138000"
    assert inc.request_user == "1001"
    assert inc.direction == "incoming" and out.direction == "outgoing"
    assert out.sip_call_id == inc.sip_call_id
    assert out.ringing_at is not None and inc.ringing_at is not None
    assert out.created_at is not None and inc.created_at is not None
    assert out.confirmed_at is not None and inc.confirmed_at is not None
    assert before <= out.created_at <= inc.created_at <= inc.ringing_at <= inc.confirmed_at
    assert out.ringing_at <= out.confirmed_at <= time.time()

    incoming.wait_media(timeout=5)
    recording = tmp_path / "agent-hears.wav"
    incoming.start_recording(recording)
    call.wait_media(timeout=5)
    assert call.play_wav(tone) == pytest.approx(1.5)
    played = call.wait_playback_done(timeout=10)
    assert played.play_done_at is not None
    # RFC 2833 events replace the audio while a digit lasts: send them after the tone.
    call.send_dtmf("1")
    call.send_dtmf("#9", method="rfc2833")
    got = incoming.wait_dtmf("1#9", timeout=5)
    assert got.dtmf_received == "1#9"
    assert all(played.play_done_at < at for _, at in got.dtmf)

    call.hangup()
    ended_out = call.wait_disconnected(timeout=5)
    ended_in = incoming.wait_disconnected(timeout=5)
    assert ended_out.hangup_by == "local" and ended_in.hangup_by == "remote"
    assert ended_out.disconnected_at is not None and ended_in.disconnected_at is not None
    assert abs(ended_out.disconnected_at - ended_in.disconnected_at) < 1.0
    # The 1.5 s tone was played within the call; the null device's clock paces playback in
    # 20 ms frames and may run a little ahead of the wall clock under load.
    assert ended_in.talk_seconds is not None and ended_in.talk_seconds >= 1.3
    assert ended_in.recording_path == str(recording)

    stats = wav_stats(recording)
    assert stats.rate == 8000 and stats.channels == 1
    assert stats.rms > 0.1, stats
    assert stats.active_seconds >= 1.3, stats


def test_quotes_and_emoji_in_display_name_arrive_intact(phones: PhoneHost) -> None:
    agent = phones.agent("1002")
    caller = phones.caller()
    names = ['Tom "the cat" \\ O\'Neil', "客服😀"]
    calls = [
        caller.dial(agent.uri, from_number=f"1390000000{i}", display_name=name)
        for i, name in enumerate(names)
    ]
    received = {agent.wait_incoming(timeout=5).info.remote_display for _ in names}
    assert received == set(names)
    for call in calls:
        call.wait_confirmed(timeout=5)
    phones.hangup_all()
    assert all(info.ended for info in agent.incoming)


def test_rejected_call_raises_with_status(phones: PhoneHost) -> None:
    agent = phones.agent("1003", auto_answer=False)
    caller = phones.caller()
    call = caller.dial(agent.uri, from_number="100")
    incoming = agent.wait_incoming(timeout=5)
    call.wait_ringing(timeout=5)
    incoming.reject(486)
    with pytest.raises(CallFailedError) as failed:
        call.wait_confirmed(timeout=5)
    assert failed.value.info.last_status_code == 486
    assert failed.value.info.hangup_by == "remote"
    assert incoming.wait_disconnected(timeout=5).hangup_by == "local"


def test_answer_delay_and_remote_hangup(phones: PhoneHost) -> None:
    agent = phones.agent("1004", answer_delay=0.5)
    caller = phones.caller()
    call = caller.dial(agent.uri)
    info = call.wait_confirmed(timeout=5)
    assert info.ringing_at is not None and info.confirmed_at is not None
    assert info.confirmed_at - info.ringing_at >= 0.45
    incoming = agent.wait_incoming(timeout=1)
    incoming.hangup()
    assert call.wait_disconnected(timeout=5).hangup_by == "remote"


def test_errors_in_the_child_are_raised_here(phones: PhoneHost, tmp_path: Path) -> None:
    agent = phones.agent("1005")
    call = phones.caller().dial(agent.uri)
    call.wait_confirmed(timeout=5)
    with pytest.raises(PhoneError, match="no such WAV file"):
        call.play_wav(tmp_path / "missing.wav")
    with pytest.raises(PhoneError, match="unknown DTMF method"):
        call.send_dtmf("1", method="smoke-signals")
    with pytest.raises(PhoneError, match="no server"):
        phones.caller().dial("8000")
    agent.wait_incoming(timeout=5)
    with pytest.raises(TimeoutError, match="incoming call on 1005"):
        agent.wait_incoming(timeout=0.05)
    call.hangup()


def test_more_phones_than_one_process_holds(tmp_path: Path) -> None:
    with PhoneHost(log_dir=tmp_path, phones_per_process=4) as phones:
        agents = [phones.agent(str(1001 + i)) for i in range(6)]
        caller = phones.caller()
        assert len(phones.pids) == 2
        call = caller.dial(agents[0].uri, display_name="跨进程")
        call.wait_confirmed(timeout=5)
        assert agents[0].wait_incoming(timeout=5).info.remote_display == "跨进程"
        assert len(phones.log_paths) == 2 and all(p.exists() for p in phones.log_paths)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_child_ends_when_the_test_process_dies(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys, time
        from tests.phones import PhoneHost
        host = PhoneHost(log_dir=sys.argv[1])
        host.start()
        host.agent("1001")
        print(host.pids[0], flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=5)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not _alive(child):
            return
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    pytest.fail("phone host child survived its parent")


def test_keys_pressed_long_after_answer_still_reach_the_other_side(phones: PhoneHost) -> None:
    # The null sound device is the media clock; if pjsua closed it when idle, no RTP (and no
    # RFC 2833 key) would leave the phone a second after answer.
    agent = phones.agent("1001")
    call = phones.caller().dial(agent.uri, from_number="13800138000", display_name="x")
    call.wait_confirmed(timeout=5)
    incoming = agent.wait_incoming(timeout=5)
    incoming.wait_media(timeout=5)
    call.wait_media(timeout=5)
    time.sleep(2.5)  # idle: nobody plays or records anything
    call.send_dtmf("5")
    assert incoming.wait_dtmf("5", timeout=5).dtmf_received == "5"
    call.hangup()
