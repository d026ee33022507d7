"""A call's transcript as it is stored: redacted dialogue, segments, keyword flags.

Nothing leaves the pipeline unredacted: the dialogue and each segment's text go through
:func:`recordings.redaction.redact`; segments keep speaker and times, not the individual
words (a card number's digits would survive word by word). Keyword flags are found in the
recognised text (before redaction, which only touches numbers) and say who said the word
and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recordings.redaction import Language, find_flags, redact
from recordings.transcriber import Transcript


@dataclass(frozen=True)
class StoredTranscript:
    text: str
    segments: list[dict[str, Any]]
    flags: list[dict[str, Any]]


def stored_transcript(
    transcript: Transcript, *, keywords: list[str], language: Language
) -> StoredTranscript:
    segments: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for segment in transcript.segments:
        confidences = [w.conf for w in segment.words]
        segments.append(
            {
                "speaker": segment.speaker,
                "start": round(segment.start, 3),
                "end": round(segment.end, 3),
                "text": redact(segment.text, language=language),
                "conf": round(sum(confidences) / len(confidences), 4) if confidences else None,
            }
        )
        for flag in find_flags(segment.text, keywords):
            flags.append(
                {"keyword": flag.keyword, "speaker": segment.speaker,
                 "at": round(segment.start, 3), "text": flag.text}
            )  # fmt: skip
    return StoredTranscript(redact(transcript.dialogue(), language=language), segments, flags)


__all__ = ["StoredTranscript", "stored_transcript"]
