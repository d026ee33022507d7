"""Word and character error rates of a transcript against a reference text.

A plain Levenshtein distance rather than ``jiwer``: jiwer splits words on whitespace only,
so unsegmented Chinese would count a whole sentence as one word, and it brings rapidfuzz
along; our tokenizer is the part that matters, and the distance is a dozen lines.

Both rates ignore case and punctuation. WER counts Latin (and Hangul, digit) words split
on whitespace and each CJK character as one word, so a Chinese WER is a character rate
that is not fooled by Vosk's spaces. CER counts all characters except whitespace.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recordings.cjk_spacing import CJK_CHAR

_TOKEN = re.compile(rf"{CJK_CHAR}|[^\s]+?(?={CJK_CHAR}|\s|$)")


@dataclass(frozen=True)
class ErrorCount:
    """Edits (substitutions + deletions + insertions) over the reference's length."""

    edits: int
    length: int

    @property
    def rate(self) -> float:
        if self.length == 0:
            return 0.0 if self.edits == 0 else 1.0
        return self.edits / self.length

    def __add__(self, other: ErrorCount) -> ErrorCount:
        return ErrorCount(self.edits + other.edits, self.length + other.length)


def levenshtein(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Edit distance between two token sequences (one row of the table at a time)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def normalize(text: str) -> str:
    """NFKC, lower case, punctuation and symbols replaced by spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in text)


def words(text: str) -> list[str]:
    """Tokens for WER: whitespace-separated words, each CJK character on its own."""
    return _TOKEN.findall(normalize(text))


def characters(text: str) -> list[str]:
    return [c for c in normalize(text) if not c.isspace()]


def word_errors(reference: str, hypothesis: str) -> ErrorCount:
    ref = words(reference)
    return ErrorCount(levenshtein(ref, words(hypothesis)), len(ref))


def char_errors(reference: str, hypothesis: str) -> ErrorCount:
    ref = characters(reference)
    return ErrorCount(levenshtein(ref, characters(hypothesis)), len(ref))


def total(counts: Iterable[ErrorCount]) -> ErrorCount:
    """Pooled over files: all edits over all reference tokens (not a mean of rates)."""
    return sum(counts, ErrorCount(0, 0))
