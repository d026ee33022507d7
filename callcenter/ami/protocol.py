"""Sans-IO AMI protocol: bytes in, :class:`Message` out; actions out as bytes.

Nothing here knows about sockets or asyncio (the h11 idea). The client feeds whatever the
socket returned into :meth:`AmiParser.feed` and gets back every message completed by it.

Wire format (Asterisk 22, ``manager.c``):

* the server's first line is the banner ``Asterisk Call Manager/x.y.z\\r\\n`` (one line, no
  blank line after it);
* then messages: ``Key: Value\\r\\n`` lines ended by an empty line, so each message ends
  with ``\\r\\n\\r\\n``. Keys repeat (``Output``, ``ChanVariable``, ``Variable``); the value
  is everything after the first ``": "`` and may be empty or contain ``": "`` itself;
* ``Command`` answers ``Response: Success`` with one ``Output:`` header per line; Asterisk
  before 14 answered ``Response: Follows``, a few headers, the raw CLI text (lines ended by
  ``\\n``) and ``--END COMMAND--\\r\\n\\r\\n``. Both land in :attr:`Message.output`.

Messages are split on ``\\r\\n\\r\\n`` in bytes and only whole messages are decoded as UTF-8,
so a character split across two reads survives.

Strictness: Asterisk always sends ``\\r\\n``. A header line without ``": "`` (except the
empty-valued ``Key:``), a bare ``\\n`` inside the headers, invalid UTF-8, a wrong banner or
more than ``max_message_size`` bytes without a terminator raise :class:`AmiProtocolError`.
Blank lines between messages are skipped. **After an error the parser is broken for good**:
every later :meth:`AmiParser.feed` raises the same error (whose ``parsed`` holds the good
messages that came before the bad bytes in that read). A stream that sent garbage cannot
be trusted to resynchronise on the right boundary; the owner drops the connection and
starts a new parser on a new one.
"""

from __future__ import annotations

from collections.abc import Callable

from callcenter.ami.header_lines import (
    END_COMMAND,
    FOLLOWS,
    AmiProtocolError,
    HeaderParser,
    parse_strictly,
    serialize_action,
)
from callcenter.ami.message import Message

__all__ = ["AmiParser", "AmiProtocolError", "serialize_action"]

BANNER_PREFIX = "Asterisk Call Manager/"
DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024
MAX_BANNER_SIZE = 1024
_TERMINATOR = b"\r\n\r\n"
_FOLLOWS_BYTES = FOLLOWS.encode()


class AmiParser:
    """Incremental AMI parser. One instance per connection.

    ``expect_banner=False`` parses a stream that starts directly with messages (tests,
    recorded transcripts cut after the banner).
    """

    def __init__(
        self,
        *,
        expect_banner: bool = True,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    ) -> None:
        self.banner: str | None = None
        self._want_banner = expect_banner
        self._max = max_message_size
        # Bytes received but not yet part of a whole message. Kept as a list so that a
        # large message arriving in many small reads is joined once, not copied per read.
        self._pending: list[bytes] = []
        self._pending_len = 0
        self._last3 = b""  # the last 3 pending bytes: a terminator may straddle two reads
        self._error: AmiProtocolError | None = None
        self._headers = HeaderParser()

    @property
    def version(self) -> str | None:
        """The protocol version from the banner (``"11.0.0"`` on Asterisk 22)."""
        return None if self.banner is None else self.banner[len(BANNER_PREFIX) :]

    @property
    def broken(self) -> bool:
        return self._error is not None

    @property
    def buffered(self) -> int:
        """Bytes received that do not yet form a whole message."""
        return self._pending_len

    def feed(self, data: bytes) -> list[Message]:
        """Add bytes from the peer; return the messages they complete, in order."""
        if self._error is not None:
            raise self._error
        try:
            return self._feed(data)
        except AmiProtocolError as exc:
            self._error = exc
            raise

    def _feed(self, data: bytes) -> list[Message]:
        if not data:
            return []
        pending = self._pending
        if pending:
            # Cheap test first: can this read complete anything at all?
            seam = self._last3 + data[:3]
            needle = b"\r\n" if self._want_banner else _TERMINATOR
            if needle not in data and needle not in seam:
                return self._keep(data)
            pending.append(data)
            data = b"".join(pending)
            pending.clear()
            self._pending_len = 0
            self._last3 = b""
        if self._want_banner:
            data = self._take_banner(data)
            if not data:
                return []
        end = data.rfind(_TERMINATOR)
        if end < 0:
            return self._keep(data)
        # A message followed by blank lines (MixMonitor's TestEvent ends in three CRLFs):
        # the terminator is the first CRLF pair of the run; the rest are blank lines.
        while end >= 2 and data[end - 2 : end] == b"\r\n":
            end -= 2
        end += 4
        if end < len(data):
            self._keep(data[end:])
        messages = self._parse_block(data, end)
        return messages

    def _keep(self, data: bytes) -> list[Message]:
        self._pending.append(data)
        self._last3 = (self._last3 + data)[-3:] if len(data) < 3 else data[-3:]
        self._pending_len += len(data)
        return self._check_limit()

    def _check_limit(self) -> list[Message]:
        if self._pending_len > self._max:
            joined = b"".join(self._pending)
            raise AmiProtocolError(
                f"no end of message (\\r\\n\\r\\n) within {self._max} bytes", joined
            )
        return []

    def _take_banner(self, data: bytes) -> bytes:
        eol = data.find(b"\r\n")
        if eol < 0:
            if len(data) > MAX_BANNER_SIZE or not BANNER_PREFIX.encode().startswith(
                data[: len(BANNER_PREFIX)]
            ):
                raise AmiProtocolError("expected the banner 'Asterisk Call Manager/...'", data)
            self._keep(data)
            return b""
        line = data[: eol + 2]
        try:
            banner = line.decode("utf-8")
        except UnicodeDecodeError:
            banner = ""
        if not banner.startswith(BANNER_PREFIX) or banner.count("\n") + banner.count("\r") > 2:
            raise AmiProtocolError("expected the banner 'Asterisk Call Manager/...'", line)
        self.banner = banner.removesuffix("\r\n")
        self._want_banner = False
        return data[eol + 2 :]

    def _parse_block(self, data: bytes, end: int) -> list[Message]:
        """Parse ``data[:end]``, which ends exactly on a message terminator."""
        if end > self._max and _longest_message(data, end) > self._max:
            raise AmiProtocolError(f"message over {self._max} bytes", data[:end])
        raw = data[: end - 4]
        chunks = raw.split(_TERMINATOR)
        try:
            # Per message, so that one emoji does not make a whole block 4 bytes a char.
            parts = list(map(bytes.decode, chunks))
        except UnicodeDecodeError:
            parts = []
            for chunk in chunks:
                try:
                    parts.append(chunk.decode())
                except UnicodeDecodeError as exc:
                    error = AmiProtocolError(
                        f"invalid UTF-8 at byte {exc.start} of a message", chunk + _TERMINATOR
                    )
                    good = _TERMINATOR.join(chunks[: len(parts)])
                    error.parsed = self._parse_parts(good, parts) if parts else []
                    raise error from None
        return self._parse_parts(raw, parts)

    def _parse_parts(self, raw: bytes, parts: list[str]) -> list[Message]:
        """``parts``: the messages of ``raw``, decoded. Scans run on the bytes."""
        lines = raw.count(b"\r\n")
        if _FOLLOWS_BYTES in raw:
            parts = self._join_follows(parts)
        elif raw.count(b"\r") == lines and raw.count(b"\n") == lines:
            # No bare CR or LF anywhere: the fast path applies to every message.
            return self._headers.parse_all(parts, b"Output: " in raw)
        return _each(parts, parse_strictly)

    def _join_follows(self, parts: list[str]) -> list[str]:
        """Old ``Response: Follows`` bodies end at ``--END COMMAND--``, not at a blank line."""
        joined: list[str] = []
        i = 0
        while i < len(parts):
            part = parts[i]
            if part.lstrip("\r\n").startswith(FOLLOWS):
                j = i
                while not parts[j].endswith(END_COMMAND) and j + 1 < len(parts):
                    j += 1
                if not parts[j].endswith(END_COMMAND):
                    # Unfinished: hand the whole Follows message back to the buffer.
                    rest = "\r\n\r\n".join(parts[i:]) + "\r\n\r\n"
                    self._pending.insert(0, rest.encode("utf-8"))
                    self._pending_len += len(self._pending[0])
                    if len(self._pending) == 1:
                        self._last3 = self._pending[0][-3:]
                    self._check_limit()
                    return joined
                part = "\r\n\r\n".join(parts[i : j + 1])
                i = j
            joined.append(part)
            i += 1
        return joined


def _each(parts: list[str], parse: Callable[[str], Message | None]) -> list[Message]:
    """Parse every part; an error carries the messages parsed before it (``parsed``)."""
    out: list[Message] = []
    append = out.append
    try:
        for part in parts:
            if (message := parse(part)) is not None:
                append(message)
    except AmiProtocolError as exc:
        exc.parsed = out
        raise
    return out


def _longest_message(data: bytes, end: int) -> int:
    longest = 0
    start = 0
    while start < end:
        stop = data.find(_TERMINATOR, start, end)
        stop = end if stop < 0 else stop + 4
        longest = max(longest, stop - start)
        start = stop
    return longest
