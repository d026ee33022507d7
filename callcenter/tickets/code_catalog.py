"""Editable lists of codes with Chinese and English labels (ticket categories, complaint
classes). A code is a validated string, not a closed enum: the desk adds its own in config.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")


class UnknownCodeError(ValueError):
    """A code is not in its catalog; the message lists the codes that are."""


@dataclass(frozen=True, slots=True)
class LabelledCode:
    code: str
    zh: str
    en: str

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code):
            raise ValueError(f"{self.code!r}: a code is lower-case ascii, digits, _ (max 32)")
        if not self.zh.strip() or not self.en.strip():
            raise ValueError(f"{self.code}: needs both a Chinese and an English label")


@dataclass(frozen=True, slots=True)
class CodeCatalog:
    """An ordered set of labelled codes; ``kind`` names it in error messages."""

    kind: str
    entries: tuple[LabelledCode, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.code in seen:
                raise ValueError(f"{self.kind}: {entry.code!r} is listed twice")
            seen.add(entry.code)
        if not self.entries:
            raise ValueError(f"{self.kind}: the list must not be empty")

    def __iter__(self) -> Iterator[LabelledCode]:
        return iter(self.entries)

    def __contains__(self, code: object) -> bool:
        return any(e.code == code for e in self.entries)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.entries)

    def get(self, code: str) -> LabelledCode:
        for entry in self.entries:
            if entry.code == code:
                return entry
        raise UnknownCodeError(f"{self.kind} {code!r} is not one of {', '.join(self.codes)}")

    def require(self, code: str) -> str:
        """``code`` itself if known, else UnknownCodeError."""
        return self.get(code).code

    def label(self, code: str, lang: str = "zh") -> str:
        entry = self.get(code)
        return entry.zh if lang.startswith("zh") else entry.en

    @classmethod
    def from_mapping(cls, kind: str, data: Mapping[str, object], *, key: str) -> CodeCatalog:
        """``{code = {zh = "...", en = "..."}}`` in order; errors name ``key.<code>``."""
        entries = []
        for code, labels in data.items():
            if not isinstance(labels, Mapping):
                raise ValueError(f"{key}.{code}: expected a table with zh and en")
            try:
                entries.append(
                    LabelledCode(str(code), str(labels.get("zh", "")), str(labels.get("en", "")))
                )
            except ValueError as exc:
                raise ValueError(f"{key}.{code}: {exc}") from exc
        try:
            return cls(kind, tuple(entries))
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from exc

    @classmethod
    def of(cls, kind: str, entries: Iterable[tuple[str, str, str]]) -> CodeCatalog:
        return cls(kind, tuple(LabelledCode(c, zh, en) for c, zh, en in entries))
