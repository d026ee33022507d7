"""Write the small TOML documents the console keeps (the standard library only reads TOML).

Only what the overrides hold: tables of strings, booleans, numbers, dates and lists of
those. Strings are written as TOML basic strings; JSON's escapes are valid TOML escapes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any


def _value(value: Any, key: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item, key) for item in value) + "]"
    raise TypeError(f"{key}: cannot write {type(value).__name__} as TOML")


def _bare(key: str) -> str:
    ok = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if ok else json.dumps(key, ensure_ascii=False)


def toml_text(data: Mapping[str, Any], *, header: str = "") -> str:
    """``data`` as TOML: plain keys first, then one ``[table]`` per nested mapping."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    _table(data, (), lines)
    return "\n".join(lines).strip() + "\n"


def _table(data: Mapping[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    plain = {k: v for k, v in data.items() if not isinstance(v, Mapping)}
    nested = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    if path and (plain or not nested):
        lines += ["", "[" + ".".join(_bare(p) for p in path) + "]"]
    for key, value in plain.items():
        lines.append(f"{_bare(key)} = {_value(value, '.'.join((*path, key)))}")
    for key, value in nested.items():
        _table(value, (*path, key), lines)
