"""Fixtures of the Vosk tests: the real model, loaded once, and espeak-ng speech."""

from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

import pytest

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


