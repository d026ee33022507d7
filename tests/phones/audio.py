"""Test audio: speech WAVs from espeak-ng + sox, tones from sox, and level measurements."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WavStats", "make_silence_wav", "make_speech_wav", "make_tone_wav", "wav_stats"]


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise RuntimeError(f"{tool} is not installed (apt-get install {tool})")
    return path


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): "
                           f"{result.stderr.strip()}")


def make_speech_wav(text: str, lang: str, path: str | os.PathLike[str], rate: int = 8000,
                    *, speed: int = 150) -> Path:
    """Speak ``text`` with espeak-ng voice ``lang`` ("zh", "en", ...) into a mono 16-bit WAV at
    ``rate`` Hz (8000 for phone audio); returns the path."""
    espeak = _require("espeak-ng")
    sox = _require("sox")
    out = Path(path)
    with tempfile.TemporaryDirectory(prefix="speech-") as tmp:
        raw = Path(tmp) / "espeak.wav"
        _run([espeak, "-v", lang, "-s", str(speed), "-w", str(raw), text])
        _run([sox, str(raw), "-r", str(rate), "-c", "1", "-b", "16", "-e", "signed-integer",
              str(out)])
    return out


def make_tone_wav(path: str | os.PathLike[str], frequency: float = 440.0, seconds: float = 1.0,
                  rate: int = 8000, *, volume: float = 0.5) -> Path:
    """A sine tone (``volume`` 0..1 of full scale) as a mono 16-bit WAV; returns the path."""
    out = Path(path)
    _run([_require("sox"), "-n", "-r", str(rate), "-c", "1", "-b", "16", "-e", "signed-integer",
          str(out), "synth", str(seconds), "sine", str(frequency), "vol", str(volume)])
    return out


def make_silence_wav(path: str | os.PathLike[str], seconds: float = 1.0,
                     rate: int = 8000) -> Path:
    out = Path(path)
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\x00\x00" * int(seconds * rate))
    return out


@dataclass(frozen=True)
class WavStats:
    rate: int
    channels: int
    seconds: float
    rms: float  # 0..1 of full scale over the whole file
    peak: float  # 0..1
    active_seconds: float  # 20 ms windows whose RMS is above ``threshold``

    @property
    def rms_dbfs(self) -> float:
        return 20 * math.log10(self.rms) if self.rms > 0 else -math.inf


def wav_stats(path: str | os.PathLike[str], threshold: float = 0.01) -> WavStats:
    """Level statistics of a 16-bit PCM WAV (what a recording of a call should be)."""
    with wave.open(os.fspath(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM is supported")
        rate, channels = wav.getframerate(), wav.getnchannels()
        samples = array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
    if not samples:
        return WavStats(rate, channels, 0.0, 0.0, 0.0, 0.0)
    scale = 32768.0
    total = math.fsum(float(s) * s for s in samples)
    window = max(1, rate * channels // 50)
    active = 0
    for start in range(0, len(samples), window):
        chunk = samples[start:start + window]
        if math.sqrt(math.fsum(float(s) * s for s in chunk) / len(chunk)) / scale > threshold:
            active += 1
    return WavStats(
        rate=rate,
        channels=channels,
        seconds=len(samples) / channels / rate,
        rms=math.sqrt(total / len(samples)) / scale,
        peak=max(abs(s) for s in samples) / scale,
        active_seconds=active * window / channels / rate,
    )
