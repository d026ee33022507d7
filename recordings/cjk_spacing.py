"""Undo the spaces that Vosk's Chinese models put between characters.

Vosk returns Chinese as space-separated words or single characters ("我 想 投诉 一下").
Written Chinese has no spaces, so whitespace between two CJK characters goes; whitespace
between Latin words, and between CJK and Latin (or digits), stays, collapsed to one space.

"CJK" here is what is written without spaces: Han ideographs, kana, CJK and fullwidth
punctuation. Hangul is not: Korean separates words with spaces, so Korean text (the test
model's output) is left as it is.
"""

from __future__ import annotations

import re

_CJK_RANGES = (
    "\u2e80-\u2fdf"  # CJK radicals, Kangxi radicals
    "\u3000-\u303f"  # CJK symbols and punctuation (、。「」…)
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3100-\u312f"  # bopomofo
    "\u31c0-\u31ef"  # CJK strokes
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\ufe30-\ufe4f"  # CJK compatibility forms
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # fullwidth punctuation
    "\U00020000-\U0003134f"  # extensions B-G
)
CJK_CHAR = f"[{_CJK_RANGES}]"
_SPACE_BETWEEN_CJK = re.compile(f"(?<={CJK_CHAR})\\s+(?={CJK_CHAR})")
_WHITESPACE = re.compile(r"\s+")


def is_cjk(char: str) -> bool:
    """True for one character written without spaces around it (Han, kana, CJK marks)."""
    return re.fullmatch(CJK_CHAR, char) is not None


def join_cjk(text: str) -> str:
    """Remove whitespace between CJK characters; collapse and trim the rest."""
    collapsed = _WHITESPACE.sub(" ", text).strip()
    return _SPACE_BETWEEN_CJK.sub("", collapsed)
