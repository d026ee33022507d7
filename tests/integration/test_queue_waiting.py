"""Waiting in a queue with real phones: overflow to voicemail or a callback request, and the
position announcements in the caller's language (Chinese sounds made by `sandbox up`)."""

from __future__ import annotations

import json
import re
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from callcenter.agents.queue_sounds import zh_sounds_dir
from callcenter.config import load_settings
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.conftest import ASTERISK, RunningController, through_ivr
from tests.integration.test_call_log import pstn
from tests.phones import PhoneHost
from tests.phones.audio import make_tone_wav

pytestmark = ASTERISK

OVERFLOW = 6  # seconds in the queue before overflow
QUEUE_SETTINGS = {
    "repair": {"overflow_seconds": OVERFLOW, "overflow_to": "callback", "keep_place": False},
    "complaints": {"overflow_seconds": OVERFLOW, "overflow_to": "voicemail", "keep_place": False},
    "general": {"announce_to_first": True, "keep_place": False},
}


@pytest.fixture(scope="module")
def waiting_queues() -> Iterator[dict[str, str]]:
    """The queues configured for these tests, in Asterisk and in the controller."""
    Sandbox(load_settings(queue_settings=QUEUE_SETTINGS)).up()
    try:
        yield {"CALLCENTER_QUEUE_SETTINGS": json.dumps(QUEUE_SETTINGS)}
    finally:
        Sandbox(load_settings()).up()


class AsteriskLog:
    """Asterisk's messages.log from now on (verbose 3 names every file played)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.path = sandbox.host_path(f"{sandbox.asterisk_dirs['astlogdir']}/messages.log")
        self.start = self.path.stat().st_size if self.path.exists() else 0

    def text(self) -> str:
        with self.path.open("rb") as f:
            f.seek(self.start)
            return f.read().decode("utf-8", errors="replace")

    def played(self, name: str, language: str, *, channel: str = "") -> int:
        """How often ``name`` was played in ``language`` (0: never), to channels whose name
        starts with ``channel`` (e.g. ``PJSIP/pstn``) if given."""
        heard_on = rf"<{re.escape(channel)}[^>]*> " if channel else ""
        pattern = (
            rf"{heard_on}Playing '(?:[^']*/)?{re.escape(name)}\.\w+' \(language '{language}'\)"
        )
        return len(re.findall(pattern, self.text()))


def test_a_caller_overflows_to_voicemail_and_the_message_is_kept(
    waiting_queues: dict[str, str],
    start_controller: Callable[..., RunningController],
    phones: PhoneHost,
    info: dict[str, Any],
    sandbox: Sandbox,
    tmp_path: Path,
) -> None:
    controller = start_controller(**waiting_queues)
    log = AsteriskLog(sandbox)
    call = pstn(phones, info).dial(info["direct"]["complaints"], from_number="13855550001")
    # Nobody answers: after OVERFLOW seconds the caller hears the prompt, then the beep.
    assert until(lambda: log.played("en/overflow-voicemail", "en"), timeout=OVERFLOW + 10)
    assert until(lambda: "beep" in log.text(), timeout=15)
    call.play_wav(make_tone_wav(tmp_path / "message.wav", seconds=2.0))
    call.wait_playback_done(timeout=15)
    call.hangup()
    (logged,) = controller.wait_calls(1)
    assert logged["disposition"] == "voicemail" and logged["queue"] == "complaints"
    path = next(s["detail"] for s in logged["timeline"] if s["kind"] == "voicemail")
    stored = sandbox.host_path(path)
    assert until(lambda: stored.is_file() and stored.stat().st_size > 8000, timeout=10), stored
    assert until(lambda: _ticket_of(controller) is not None, timeout=20)


def test_a_chinese_caller_overflows_to_a_callback_request(
    waiting_queues: dict[str, str],
    start_controller: Callable[..., RunningController],
    phones: PhoneHost,
    info: dict[str, Any],
    sandbox: Sandbox,
) -> None:
    controller = start_controller(**waiting_queues)
    log = AsteriskLog(sandbox)
    call = pstn(phones, info).dial(info["hotline"], from_number="13855550002", display_name="回")
    through_ivr(controller, call, "1", "1")  # 中文, repair
    ended = call.wait_disconnected(timeout=OVERFLOW + 30)
    assert ended.hangup_by == "remote"
    assert log.played("zh/overflow-callback", "zh")
    (logged,) = controller.wait_calls(1)
    assert logged["disposition"] == "callback" and logged["language"] == "zh"
    assert logged["queue"] == "repair"
    assert [s["detail"] for s in logged["timeline"] if s["kind"] == "callback_request"] == [
        "13855550002"
    ]
    assert until(lambda: _ticket_of(controller) is not None, timeout=20)


def test_position_announcements_are_in_the_callers_language(
    waiting_queues: dict[str, str],
    start_controller: Callable[..., RunningController],
    phones: PhoneHost,
    info: dict[str, Any],
    sandbox: Sandbox,
    tmp_path: Path,
) -> None:
    controller = start_controller(**waiting_queues)
    log = AsteriskLog(sandbox)
    trunk = pstn(phones, info)
    first = trunk.dial(info["hotline"], from_number="13855550003", display_name="甲")
    through_ivr(controller, first, "1", "3")  # 中文, general: first in line
    assert until(lambda: log.played("queue-youarenext", "zh"), timeout=15), log.text()[-2000:]
    second = trunk.dial(info["direct"]["general"], from_number="13855550004")  # English
    assert until(lambda: log.played("queue-callswaiting", "en"), timeout=15), log.text()[-2000:]
    assert log.played("queue-thereare", "en") and log.played("digits/2", "en")
    third = trunk.dial(info["hotline"], from_number="13855550005", display_name="丙")
    third.start_recording(tmp_path / "third.wav")
    through_ivr(controller, third, "1", "3")  # 中文: third in line
    # The first caller heard "thank you" once; now the third one's announcement has ended.
    assert until(lambda: log.played("queue-thankyou", "zh") >= 2, timeout=20), log.text()[-2000:]
    assert log.played("queue-thereare", "zh") and log.played("digits/3", "zh")
    assert log.played("queue-callswaiting", "zh")
    recorded = third.stop_recording()
    assert recorded is not None
    # What the third caller heard is the Chinese we made ("第三位"), not an English fallback
    # (that would be Allison's voice) nor another number.
    zh = sandbox.host_path(zh_sounds_dir(sandbox.asterisk_dirs))
    assert heard(recorded, zh / "digits/3.wav") > 0.9
    assert heard(recorded, zh / "queue-callswaiting.wav") > 0.8
    assert heard(recorded, zh / "digits/8.wav") < 0.6
    for call in (first, second, third):
        call.hangup()


def _ticket_of(controller: RunningController) -> Any:
    calls = controller.calls()
    return calls[0]["ticket"] if calls else None


def _samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        assert w.getframerate() == 8000 and w.getsampwidth() == 2, path
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    return data


def heard(recording: Path, reference: Path) -> float:
    """How well ``reference`` is found in ``recording``: the best normalized correlation of
    its loudest half second (about 1.0 when played as is, through G.711 here)."""
    rec, ref = _samples(recording), _samples(reference)
    size = 4000
    energy = np.convolve(ref**2, np.ones(size), mode="valid")
    start = int(np.argmax(energy))
    piece = ref[start : start + size] - ref[start : start + size].mean()
    piece /= np.linalg.norm(piece) or 1.0
    if len(rec) <= size:
        return 0.0
    dots = np.correlate(rec, piece, mode="valid")  # piece has mean 0: offsets cancel
    sums = np.concatenate(([0.0], np.cumsum(rec)))
    squares = np.concatenate(([0.0], np.cumsum(rec**2)))
    window_sum = sums[size:] - sums[:-size]
    window_energy = squares[size:] - squares[:-size] - window_sum**2 / size
    norms = np.sqrt(np.maximum(window_energy, 1e-9))
    return float(np.max(dots / norms))
