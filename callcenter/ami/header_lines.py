"""Header lines of one AMI message -> :class:`Message`; actions -> bytes. Sans-IO.

The hot path (:class:`HeaderParser`) splits a message into lines and maps each line to its
``(key, value)`` pair through a bounded cache: AMI streams repeat the same lines all the
time (``Privilege: call,all``, ``ChannelStateDesc: Up``, ``Context: from-pstn``), and a dict
look-up is cheaper than splitting and allocating again. Lines that are not plain
``Key: Value`` fall to the strict path, which accepts ``Key:`` (empty value) and raises
:class:`AmiProtocolError` for anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from callcenter.ami.message import Message

END_COMMAND = "--END COMMAND--"
FOLLOWS = "Response: Follows\r\n"
_SHOWN_BYTES = 200
CACHE_LINES = 8192
Headers = tuple[tuple[str, str], ...]


class AmiProtocolError(ValueError):
    """The peer sent bytes that are not AMI. ``data`` holds the offending bytes;
    ``parsed`` the good messages that came before them in the same read (deliver those,
    then drop the connection)."""

    def __init__(self, reason: str, data: bytes) -> None:
        shown = data[:_SHOWN_BYTES]
        more = f" ... ({len(data)} bytes in all)" if len(data) > _SHOWN_BYTES else ""
        super().__init__(f"{reason}: {shown!r}{more}")
        self.reason = reason
        self.data = data
        self.parsed: list[Message] = []


class _NotPlain(Exception):
    """A line that is not ``Key: Value``: take the strict path."""


def _message_factory() -> Callable[[Headers, tuple[str, ...]], Message]:
    """``Message(h, o)`` without the frozen dataclass ``__init__`` (a third of the cost of
    a small message). Checked against the real constructor; falls back to it."""
    slots: Any = Message.__dict__
    try:
        set_headers, set_output = slots["headers"].__set__, slots["output"].__set__
    except (KeyError, AttributeError):
        return Message
    new = Message.__new__

    def make(headers: Headers, output: tuple[str, ...]) -> Message:
        message = new(Message)
        set_headers(message, headers)
        set_output(message, output)
        return message

    probe = ((("Event", "X"),), ("line",))
    return make if make(*probe) == Message(*probe) else Message


new_message = _message_factory()


class HeaderParser:
    """Parses messages known to contain no bare CR or LF. One per connection (its cache)."""

    def __init__(self, cache_lines: int = CACHE_LINES) -> None:
        cache: dict[str, tuple[str, str]] = {}
        self._get = cache.get

        def split(line: str) -> tuple[str, str]:
            key, sep, value = line.partition(": ")
            if not sep or not key:
                raise _NotPlain
            pair = (key, value)
            if len(cache) >= cache_lines:
                cache.clear()
            cache[line] = pair
            return pair

        self._split = split

    def parse_all(self, parts: list[str], with_output: bool) -> list[Message]:
        """Each part: one message without its terminator; blank parts are skipped. The
        hot loop of the parser, hence inlined. An error carries the messages before it."""
        get, split, make = self._get, self._split, new_message
        out: list[Message] = []
        append = out.append
        try:
            for text in parts:
                lines = text.split("\r\n")
                found = list(map(get, lines))  # a C loop; misses are None
                if not all(found):
                    try:
                        for i, pair in enumerate(found):
                            if pair is None:
                                found[i] = split(lines[i])
                    except _NotPlain:
                        if (message := parse_strictly(text)) is not None:
                            append(message)
                        continue
                headers = cast(Headers, tuple(found))  # no None left
                if with_output and "Output: " in text:
                    append(make(headers, tuple([v for k, v in headers if k == "Output"])))
                else:
                    append(make(headers, ()))
        except AmiProtocolError as exc:
            exc.parsed = out
            raise
        return out


def parse_strictly(text: str) -> Message | None:
    """Any message, slowly: blank lines before it, ``Key:``, ``Response: Follows``."""
    while text.startswith("\r\n"):
        text = text[2:]
    if not text:
        return None
    if text.startswith(FOLLOWS):
        return _parse_follows(text)
    headers: list[tuple[str, str]] = []
    for line in text.split("\r\n"):
        key, sep, value = line.partition(": ")
        if not sep:
            if not line.endswith(":"):
                raise AmiProtocolError("header line without ': '", text.encode("utf-8"))
            key = line[:-1]
        if not key or "\r" in line or "\n" in line:
            raise AmiProtocolError(
                "empty header name" if not key else "bare CR or LF in a header line",
                text.encode("utf-8"),
            )
        headers.append((key, value))
    output = tuple([v for k, v in headers if k == "Output"])
    return new_message(tuple(headers), output)


def _parse_follows(text: str) -> Message:
    """``Response: Follows``: a few ``Key: Value`` lines, then raw CLI text."""
    lines = text.split("\r\n")
    headers: list[tuple[str, str]] = []
    for line in lines:
        key, sep, value = line.partition(": ")
        if not sep or "\n" in line or not key.replace("-", "").replace("_", "").isalnum():
            break
        headers.append((key, value))
    body = "\r\n".join(lines[len(headers) :])
    if not body.endswith(END_COMMAND):
        raise AmiProtocolError("'Response: Follows' without '--END COMMAND--'", text.encode())
    return new_message(tuple(headers), tuple(body[: -len(END_COMMAND)].splitlines()))


def serialize_action(name: str, headers: Sequence[tuple[str, str]]) -> bytes:
    """``Action: name`` plus headers, as wire bytes. CR or LF in any field is refused
    (it would let a value inject headers or whole actions)."""
    parts = [f"Action: {name}\r\n"]
    for key, value in headers:
        if not key or ":" in key:
            raise ValueError(f"bad AMI header name {key!r}")
        parts.append(f"{key}: {value}\r\n")
    parts.append("\r\n")
    text = "".join(parts)
    if text.count("\r") != text.count("\n") or text.count("\r\n") != len(parts):
        raise ValueError(f"CR or LF inside an AMI header of action {name!r}")
    return text.encode("utf-8")
