"""Redact personal numbers from transcripts and flag words a supervisor should see. Pure.

Numbers: PRC mobile numbers (``1[3-9]`` + 9 digits), landlines with an area code
(``010``, ``02x``, ``0xxx`` + a 7- or 8-digit local number), either with ``+86`` / ``0086``
/ ``86`` in front; 18-character PRC ID numbers whose check digit (ISO 7064 MOD 11-2, ``X``
for 10) is right and whose birth date is a date; bank card numbers of 16-19 digits that
pass the Luhn check and do not start with 0 or 1 (no bank card does; phone numbers do).
Anything else, such as order numbers, is left alone.

Digits may come as Vosk writes them: separated by spaces ("1 3 8 0 0 1 3 8 0 0 0"), by
``-``, ``.`` or brackets, fullwidth (``１３８``), or as Chinese numerals read digit by digit
(幺三八零零…, with 幺/两 for 1/2). A run of digit groups is tried whole first; if it is no
known number, it is split at its separators (never inside a group of adjacent digits),
taking the longest known number from the left each time, so "138 0013 8000 139 0013 9000"
is two phones and "010-6552 9988-123" is a phone followed by an extension left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["phone", "id", "card"]
Language = Literal["zh", "en"]
LABELS: dict[Language, dict[Kind, str]] = {
    "zh": {"phone": "[电话]", "id": "[身份证]", "card": "[银行卡]"},
    "en": {"phone": "[phone]", "id": "[id]", "card": "[card]"},
}
DEFAULT_KEYWORDS: tuple[str, ...] = (
    "投诉", "经理", "曝光", "律师", "complaint", "manager", "lawyer",
)  # fmt: skip

_DIGIT_CHARS = "0-9０-９零〇一二三四五六七八九幺两"
_DIGIT_VALUES = str.maketrans(
    "０１２３４５６７８９零〇一二三四五六七八九幺两xｘＸ",
    "01234567890012345678912XXX",
)
_D = f"[{_DIGIT_CHARS}]"
_SEP = r"[ \t\u3000\-‐–—.·()（）]"
_RUN = re.compile(
    rf"(?:[+＋]\s?)?[(（]?{_D}(?:{_SEP}{{0,3}}{_D})*(?:{_SEP}{{0,3}}[XxｘＸ](?![A-Za-z]))?"
)
_GROUP = re.compile(rf"{_D}+|[XxｘＸ]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7}")  # without the trunk 0
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MAX_DIGITS = 23  # 0086 + a 19-digit card is more than any number we look for


@dataclass(frozen=True)
class SensitiveSpan:
    kind: Kind
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Flag:
    keyword: str
    start: int
    end: int
    text: str


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of a card number, digits only."""
    if not digits.isdigit():
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char)
        if i % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def prc_id_valid(number: str) -> bool:
    """18 characters: a region code (first digit 1-8), a birth date (YYYYMMDD, 1900-2099),
    3 digits and a right check digit (``X`` stands for 10)."""
    if len(number) != 18 or not number[:17].isdigit() or number[0] not in "12345678":
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not 1900 <= int(number[6:10]) <= 2099:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _is_phone(digits: str, *, plus: bool) -> bool:
    if _MOBILE.fullmatch(digits) or (digits[:1] == "0" and _LANDLINE.fullmatch(digits[1:])):
        return True
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and (plus or prefix == "0086" or len(digits) >= 11):
            rest = digits[len(prefix) :]
            if _MOBILE.fullmatch(rest) or _LANDLINE.fullmatch(rest.removeprefix("0")):
                return True
    return False


def classify_number(digits: str, *, plus: bool = False) -> Kind | None:
    """What a string of ASCII digits (an ID may end in ``X``) is, if anything we redact."""
    if prc_id_valid(digits):
        return "id"
    if not digits.isdigit():
        return None
    if 16 <= len(digits) <= 19 and digits[0] not in "01" and luhn_valid(digits):
        return "card"
    if _is_phone(digits, plus=plus):
        return "phone"
    return None


def _spans_in_run(text: str, run: re.Match[str]) -> Iterable[SensitiveSpan]:
    groups = list(_GROUP.finditer(text, run.start(), run.end()))
    values = [g.group().translate(_DIGIT_VALUES) for g in groups]
    plus = text[run.start()] in "+＋"
    i = 0
    while i < len(groups):
        found = None
        digits = "".join(values[i:])
        for j in range(len(groups), i, -1):
            if len(digits) <= _MAX_DIGITS:
                kind = classify_number(digits, plus=plus and i == 0)
                if kind is not None:
                    found = (j, kind)
                    break
            digits = digits[: -len(values[j - 1])]
        if found is None:
            i += 1
            continue
        j, kind = found
        start = run.start() if i == 0 else groups[i].start()
        end = groups[j - 1].end()
        yield SensitiveSpan(kind, start, end, text[start:end])
        i = j


def find_sensitive(text: str) -> list[SensitiveSpan]:
    """Phone, ID and card numbers in ``text``, in order, not overlapping."""
    return [span for run in _RUN.finditer(text) for span in _spans_in_run(text, run)]


def redact(text: str, *, language: Language = "zh") -> str:
    """``text`` with each phone, ID and card number replaced by its label."""
    labels = LABELS[language]
    out: list[str] = []
    position = 0
    for span in find_sensitive(text):
        out.append(text[position : span.start])
        out.append(labels[span.kind])
        position = span.end
    out.append(text[position:])
    return "".join(out)


def _keyword_pattern(keyword: str) -> str:
    parts = []
    for char in keyword.strip():
        if char.isspace():
            parts.append(r"\s+")
        elif char.isascii():
            parts.append(re.escape(char))
        else:  # CJK: Vosk may have put spaces between the characters
            parts.append(re.escape(char) + r"\s*")
    pattern = "".join(parts).removesuffix(r"\s*")
    return rf"\b{pattern}" if keyword[:1].isascii() and keyword[:1].isalnum() else pattern


def find_flags(text: str, keywords: Iterable[str] = DEFAULT_KEYWORDS) -> list[Flag]:
    """Each occurrence of a keyword, by position. Latin keywords match case-insensitively
    at the start of a word ("Complaints" is flagged as complaint); CJK keywords match with
    or without spaces between their characters."""
    flags: list[Flag] = []
    for keyword in dict.fromkeys(k for k in keywords if k.strip()):
        pattern = re.compile(_keyword_pattern(keyword), re.IGNORECASE)
        flags.extend(Flag(keyword, m.start(), m.end(), m.group()) for m in pattern.finditer(text))
    return sorted(flags, key=lambda f: (f.start, f.end, f.keyword))
