"""Fixtures of the Vosk tests: the real model, loaded once, and espeak-ng speech."""

from __future__ import annotations

import ctypes
import json
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import resample_poly

from recordings.model import LoadedModel, load_model

CALLER_SAYS = "안녕하세요 고객센터입니다 무엇을 도와드릴까요"
AGENT_SAYS = "네 알겠습니다"
_LIBC = ctypes.CDLL(None)


def same_dither() -> None:
    """Reseed the C library's rand(), which Kaldi's feature dithering draws from."""
    _LIBC.srand(20240601)


def speak(text: str, path: Path, *, pad_seconds: float = 0.0) -> Path:
    """Korean espeak-ng speech as 8 kHz mono 16-bit PCM, as a phone line records it."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(raw), text], check=True)
    effects = ["pad", str(pad_seconds)] if pad_seconds else []
    subprocess.run(
        ["sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", str(path),
         *effects],
        check=True,
    )  # fmt: skip
    raw.unlink()
    return path


@pytest.fixture(scope="session")
def model() -> LoadedModel:
    return load_model()


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def caller_wav(audio_dir: Path) -> Path:
    return speak(CALLER_SAYS, audio_dir / "caller.wav")


@pytest.fixture(scope="session")
def agent_wav(audio_dir: Path) -> Path:
    return speak(AGENT_SAYS, audio_dir / "agent.wav", pad_seconds=2.0)


def raw_vosk(model: LoadedModel, path: Path) -> tuple[str, list[str]]:
    """What a person gets with vosk directly: resample the file, feed it in chunks."""
    from vosk import KaldiRecognizer

    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    resampled = resample_poly(samples.astype(np.float32), model.sample_rate // rate, 1)
    data = np.clip(np.rint(resampled), -32768, 32767).astype("<i2").tobytes()
    same_dither()
    recognizer = KaldiRecognizer(model.vosk_model, model.sample_rate)
    recognizer.SetWords(True)
    results = []
    for offset in range(0, len(data), 8000):
        if recognizer.AcceptWaveform(data[offset : offset + 8000]):
            results.append(json.loads(recognizer.Result()))
    results.append(json.loads(recognizer.FinalResult()))
    texts = [r["text"] for r in results if r.get("text")]
    words = [w["word"] for r in results for w in r.get("result", [])]
    return " ".join(texts), words
