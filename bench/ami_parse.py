"""AMI parsing throughput: our sans-IO parser vs panoramisk vs asterisk-ami, in one run.

The stream: the fixture transcripts' messages (tests/fixtures/ami/*.bin, minus the legacy
``Response: Follows`` one, which the peers handle differently), repeated with varying caller
names (Chinese, emoji, quotes) and ids until ``--events`` messages. It is cut into chunks
of 512..16384 bytes (fixed seed), and every parser gets exactly the same chunks.

* ours: ``AmiParser.feed(chunk)``.
* panoramisk: its real ``AMIProtocol.data_received`` (per-chunk decode, str split,
  ``Message.from_line``) with a stub transport; ``handle_message`` collects the messages.
* asterisk-ami: its real ``AMIClient.listen`` (``_next_pack`` generator, regex re-scan,
  ``Response.read``/``Event.read``, listeners) on a fake socket whose ``recv(n)`` returns at
  most ``n`` bytes of the current chunk, as a socket does; ``buffer_size`` is the library's
  default (1024) unless ``--asterisk-ami-bufsize`` says otherwise.

"Mangled" counts expected messages that a parser lost or returned with a header value
different from what was sent (each peer judged in its own representation: panoramisk
unquotes ``Result``; asterisk-ami keeps the last of repeated keys and strips values).
The last line printed is one JSON object with the ratios.
"""

from __future__ import annotations

import argparse
import functools
import gc
import itertools
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from callcenter.ami.message import Message
from callcenter.ami.protocol import AmiParser

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ami"
BANNER = b"Asterisk Call Manager/11.0.0\r\n"
NAMES = ["王小明", "李娜", "张伟（总服务台）", 'Ann "The Boss" 🎧', "O'Neil", "José Müller",
         "陈静😀", "Zhou 周", "<unknown>", "欧阳娜娜"]  # fmt: skip
NAME_KEYS = {"CallerIDName", "ConnectedLineName", "DestCallerIDName", "DestConnectedLineName"}
Expected = tuple[tuple[str, str], ...]


def templates() -> list[Expected]:
    out: list[Expected] = []
    for path in sorted(FIXTURES.glob("*.bin")):
        raw = path.read_bytes()
        if b"Response: Follows" in raw:
            continue
        parser = AmiParser(expect_banner=raw.startswith(b"Asterisk Call Manager/"))
        out += [m.headers for m in parser.feed(raw)]
    return out


def build_stream(events: int) -> tuple[list[Expected], bytes]:
    base = templates()
    expected: list[Expected] = []
    parts = [BANNER]
    for i in range(events):
        name = NAMES[i % len(NAMES)]
        headers = tuple(
            (k, name if k in NAME_KEYS and v != "<unknown>" else
             f"{v}.{i}" if k == "Uniqueid" else v)
            for k, v in base[i % len(base)]
        )  # fmt: skip
        expected.append(headers)
        parts.append("".join(f"{k}: {v}\r\n" for k, v in headers).encode() + b"\r\n")
    return expected, b"".join(parts)


def chunked(stream: bytes, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    chunks, pos = [], 0
    while pos < len(stream):
        size = rng.randint(512, 16384)
        chunks.append(stream[pos : pos + size])
        pos += size
    return chunks


Sink = Callable[[Any], object]


def run_ours(chunks: Sequence[bytes], sink: Sink) -> None:
    parser = AmiParser()
    for chunk in chunks:
        for message in parser.feed(chunk):
            sink(message)


def run_panoramisk(chunks: Sequence[bytes], sink: Sink) -> None:
    from panoramisk.ami_protocol import AMIProtocol

    class Transport:
        def write(self, data: bytes) -> None: ...
        def close(self) -> None: ...

    protocol = AMIProtocol()
    protocol.connection_made(Transport())
    protocol.encoding = "utf8"  # what panoramisk.Manager sets by default
    protocol.handle_message = sink  # instead of dispatching to a Manager
    for chunk in chunks:
        protocol.data_received(chunk)


def run_asterisk_ami(chunks: Sequence[bytes], sink: Sink, bufsize: int) -> None:
    import threading

    from asterisk.ami.client import AMIClient

    class FakeSocket:
        def __init__(self) -> None:
            self.chunks: Iterator[bytes] = iter(chunks)
            self.rest = b""

        def recv(self, n: int) -> bytes:
            if not self.rest:
                self.rest = next(self.chunks, b"")
            data, self.rest = self.rest[:n], self.rest[n:]
            return data

        def close(self) -> None: ...

    client = AMIClient(buffer_size=bufsize)
    client._socket = FakeSocket()
    client.finished = threading.Event()
    client.add_listener(
        on_event=lambda source, event: sink(event),
        on_response=lambda source, response: sink(response),
    )
    client.listen()


def same_ours(got: Message, want: Expected) -> bool:
    output = tuple(v for k, v in want if k == "Output")
    return got.headers == want and got.output == output


def _grouped(want: Expected) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for k, v in want:
        grouped.setdefault(k, []).append(v)
    return grouped


def same_panoramisk(got: Any, want: Expected) -> bool:
    for key, values in _grouped(want).items():
        if key.lower() == "result":
            values = [unquote(v).strip() for v in values]
        value = got.get(key)
        if (value if isinstance(value, list) else [value]) != values:
            return False
    return True


def same_asterisk_ami(got: Any, want: Expected) -> bool:
    grouped = _grouped(want)
    if "Event" in grouped:
        if getattr(got, "name", None) != grouped.pop("Event")[0]:
            return False
        return all(got.keys.get(k) == v[-1] for k, v in grouped.items() if "=" not in v[-1])
    if getattr(got, "status", None) != grouped.pop("Response")[0]:
        return False
    return all(got.keys.get(k) == "\n".join(x.strip() for x in v) for k, v in grouped.items())


def mangled(got: Sequence[Any], expected: Sequence[Expected], same: Callable[..., bool]) -> int:
    """Expected messages missing or different; walks both lists in order."""
    bad, j, n = 0, 0, len(expected)
    for i, want in enumerate(expected):
        if j < len(got) and same(got[j], want):
            j += 1
            continue
        bad += 1
        if len(got) - j >= n - i:
            j += 1  # a damaged message in its place, not a missing one
    return bad


def best_time(run: Callable[[Sink], None], rounds: int) -> float:
    """Best of ``rounds`` (CPU time, so other processes on the machine count less). The
    sink only counts: a consumer takes each message and drops it, as a client does."""
    best = float("inf")
    for _ in range(rounds):
        sink: Sink = functools.partial(next, itertools.count())
        gc.collect()
        start = time.process_time()
        run(sink)
        best = min(best, time.process_time() - start)
    return best


def collected(run: Callable[[Sink], None]) -> list[Any]:
    out: list[Any] = []
    run(out.append)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--asterisk-ami-bufsize", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    args = ap.parse_args()
    expected, stream = build_stream(args.events)
    chunks = chunked(stream)
    print(f"stream: {len(expected)} messages, {len(stream) / 1e6:.1f} MB, {len(chunks)} chunks")
    runs: dict[str, tuple[Callable[[Sink], None], Callable[..., bool]]] = {
        "ours": (lambda sink: run_ours(chunks, sink), same_ours),
        "panoramisk": (lambda sink: run_panoramisk(chunks, sink), same_panoramisk),
        "asterisk-ami": (
            lambda sink: run_asterisk_ami(chunks, sink, args.asterisk_ami_bufsize),
            same_asterisk_ami,
        ),
    }
    seconds = {name: float("inf") for name in runs}
    for _ in range(args.rounds):  # interleaved, so a busy moment hits every parser
        for name, (run, _same) in runs.items():
            seconds[name] = min(seconds[name], best_time(run, 1))
    results = {name: len(expected) / s for name, s in seconds.items()}
    bad = {name: mangled(collected(run), expected, same) for name, (run, same) in runs.items()}
    for name in runs:
        print(f"{name:13s} {results[name]:>10,.0f} events/s  {seconds[name]:6.2f} s CPU"
              f"  mangled {bad[name]}")  # fmt: skip
    print(json.dumps({
        "ours_eps": round(results["ours"]),
        "vs_panoramisk": round(results["ours"] / results["panoramisk"], 2),
        "vs_asterisk_ami": round(results["ours"] / results["asterisk-ami"], 2),
        "ours_mangled": bad["ours"],
        "panoramisk_mangled": bad["panoramisk"],
        "asterisk_ami_mangled": bad["asterisk-ami"],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
