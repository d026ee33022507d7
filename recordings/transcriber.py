"""Transcribe WAV recordings with Vosk into time-stamped segments per speaker.

The work is plain blocking code (:func:`transcribe_file`, :func:`transcribe_legs`) with no
event loop inside, so a worker can run it in a thread or process pool;
:func:`transcribe_async` runs it in an executor from asyncio code, as vosk-server does.
One loaded model (see :mod:`recordings.model`) serves any number of recognizers; each file
gets its own ``KaldiRecognizer``.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from recordings.audio import TranscriptionError, read_resampled
from recordings.cjk_spacing import join_cjk
from recordings.model import LoadedModel

__all__ = [
    "Segment",
    "Speaker",
    "Transcript",
    "TranscriptionError",
    "Word",
    "merge_transcripts",
    "transcribe_async",
    "transcribe_file",
    "transcribe_legs",
]

Speaker = Literal["caller", "agent", "mixed"]
SPEAKERS: tuple[Speaker, ...] = ("caller", "agent", "mixed")
CHUNK_SECONDS = 0.25  # audio fed to the recognizer per call (4000 samples at 16 kHz)
ProgressCallback = Callable[[float], None]


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    conf: float


@dataclass(frozen=True)
class Segment:
    """One utterance, as the recognizer's endpointing cut it."""

    speaker: Speaker
    start: float
    end: float
    text: str
    words: tuple[Word, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
            "words": [
                {"word": w.word, "start": round(w.start, 3), "end": round(w.end, 3),
                 "conf": round(w.conf, 4)}
                for w in self.words
            ],
        }  # fmt: skip


@dataclass(frozen=True)
class Transcript:
    """Segments in time order; ``duration`` is the longest input's length in seconds."""

    duration: float
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """All segments' text, without speaker labels."""
        return join_cjk(" ".join(s.text for s in self.segments))

    def dialogue(self) -> str:
        """One line per turn, ``caller: ...`` / ``agent: ...``; consecutive segments of the
        same speaker are one turn."""
        turns: list[tuple[Speaker, list[str]]] = []
        for segment in self.segments:
            if turns and turns[-1][0] == segment.speaker:
                turns[-1][1].append(segment.text)
            else:
                turns.append((segment.speaker, [segment.text]))
        return "\n".join(f"{who}: {join_cjk(' '.join(texts))}" for who, texts in turns)


def _segment(result_json: str, speaker: Speaker) -> Segment | None:
    result = json.loads(result_json)
    raw_words = result.get("result") or []
    text = join_cjk(result.get("text", ""))
    if not text or not raw_words:
        return None
    words = tuple(
        Word(str(w["word"]), float(w["start"]), float(w["end"]), float(w.get("conf", 1.0)))
        for w in raw_words
    )
    return Segment(speaker, words[0].start, words[-1].end, text, words)


def transcribe_file(
    path: Path | str,
    *,
    model: LoadedModel,
    speaker: Speaker = "mixed",
    on_progress: ProgressCallback | None = None,
) -> Transcript:
    """Recognize one mono 16-bit WAV (any rate; resampled to the model's rate).

    ``on_progress`` is called with the seconds of audio consumed since its last call.
    Raises :class:`TranscriptionError` naming the file for a corrupt or unsupported WAV.
    """
    from vosk import KaldiRecognizer

    path = Path(path)
    info, chunks = read_resampled(path, model.sample_rate)
    recognizer = KaldiRecognizer(model.vosk_model, model.sample_rate)
    recognizer.SetWords(True)
    chunk_bytes = 2 * int(model.sample_rate * CHUNK_SECONDS)
    bytes_per_second = 2.0 * model.sample_rate
    segments: list[Segment] = []
    for block in chunks:
        for offset in range(0, len(block), chunk_bytes):
            piece = block[offset : offset + chunk_bytes]
            if recognizer.AcceptWaveform(piece):
                found = _segment(recognizer.Result(), speaker)
                if found is not None:
                    segments.append(found)
        if on_progress is not None:
            on_progress(len(block) / bytes_per_second)
    last = _segment(recognizer.FinalResult(), speaker)
    if last is not None:
        segments.append(last)
    return Transcript(duration=info.duration, segments=tuple(segments))


def merge_transcripts(transcripts: Iterable[Transcript]) -> Transcript:
    """One time-ordered transcript of several legs of the same call."""
    parts = list(transcripts)
    segments = sorted(
        (s for t in parts for s in t.segments), key=lambda s: (s.start, s.end, s.speaker)
    )
    duration = max((t.duration for t in parts), default=0.0)
    return Transcript(duration=duration, segments=tuple(segments))


def transcribe_legs(
    caller: Path | str,
    agent: Path | str,
    *,
    model: LoadedModel,
    on_progress: ProgressCallback | None = None,
) -> Transcript:
    """Both legs of a call (MixMonitor's r()/t() files), merged into one dialogue."""
    return merge_transcripts(
        [
            transcribe_file(caller, model=model, speaker="caller", on_progress=on_progress),
            transcribe_file(agent, model=model, speaker="agent", on_progress=on_progress),
        ]
    )


async def transcribe_async(
    path: Path | str,
    *,
    model: LoadedModel,
    speaker: Speaker = "mixed",
    executor: Executor | None = None,
) -> Transcript:
    """:func:`transcribe_file` in ``executor`` (default: the loop's), off the event loop."""
    loop = asyncio.get_running_loop()
    work = functools.partial(transcribe_file, path, model=model, speaker=speaker)
    return await loop.run_in_executor(executor, work)
