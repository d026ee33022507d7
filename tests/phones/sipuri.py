"""Small, pure helpers for SIP name-addr strings (no pjsua2 import).

``format_name_addr('王小明', 'sip:13800138000@127.0.0.1')`` gives
``"王小明" <sip:13800138000@127.0.0.1>``; quotes and backslashes in the display name are
escaped as RFC 3261 quoted-pairs, and :func:`parse_name_addr` undoes that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NameAddr", "format_name_addr", "parse_name_addr", "quote_display_name"]


@dataclass(frozen=True)
class NameAddr:
    """A parsed ``"Display" <sip:user@host:port;params>`` value."""

    display_name: str
    uri: str
    user: str
    host: str
    port: int | None


def quote_display_name(display_name: str) -> str:
    """Return ``display_name`` as a SIP quoted-string (CR/LF are dropped: they cannot be sent)."""
    cleaned = display_name.replace("\r", " ").replace("\n", " ")
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_name_addr(display_name: str | None, uri: str) -> str:
    """``<uri>`` or ``"display" <uri>``."""
    if not display_name:
        return f"<{uri}>"
    return f"{quote_display_name(display_name)} <{uri}>"


_URI_RE = re.compile(
    r"^(?:sips?|tel):(?:(?P<user>[^@;>]*)@)?(?P<host>\[[^\]]+\]|[^:;>?]+)(?::(?P<port>\d+))?",
    re.IGNORECASE,
)


def _split_uri(uri: str) -> tuple[str, str, int | None]:
    match = _URI_RE.match(uri)
    if match is None:
        return "", "", None
    port = match.group("port")
    return match.group("user") or "", match.group("host"), int(port) if port else None


def parse_name_addr(value: str) -> NameAddr:
    """Parse a From/To/Contact value (header parameters after ``>`` are ignored)."""
    text = value.strip()
    display = ""
    if text.startswith('"'):
        chars: list[str] = []
        i = 1
        while i < len(text):
            ch = text[i]
            if ch == "\\" and i + 1 < len(text):
                chars.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                i += 1
                break
            chars.append(ch)
            i += 1
        display = "".join(chars)
        text = text[i:].strip()
    elif "<" in text:
        display, _, rest = text.partition("<")
        display = display.strip()
        text = "<" + rest
    uri = text[1:].partition(">")[0] if text.startswith("<") else text.partition(";")[0].strip()
    user, host, port = _split_uri(uri)
    return NameAddr(display_name=display, uri=uri, user=user, host=host, port=port)
