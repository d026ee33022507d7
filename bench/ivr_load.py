"""The hotline menu under load: our controller's IVR (AsyncAGI over AMI) against the same menu
written as plain dialplan, measured in one run.

Both sides get ``--calls`` N callers (SIP test phones on the ``pstn`` trunk, pjsua2 in child
processes, at most 4 calls each, pjsua2's build limit; loopback only), dialed ``--cps`` per
second so they overlap. Each caller has its own number and behaves the same on both sides:
when the call is answered it waits ``--key-delay`` seconds, keys a language (1 or 2); once
the menu took it (an ``IvrStep`` UserEvent on AMI) it waits again and keys a main-menu
choice (1, 2, 3 or 0); like a person it keys again when the menu has not reacted within
``--rekey`` seconds. Once in the queue (AMI ``QueueCallerJoin``) it stays ``--hold``
seconds, then hangs up (no agent is on duty: both sides are logged as abandoned). With the
defaults (10 calls per second, 5 s in the queue) all N callers are on the line at once.

* ours: the hotline (``info.hotline``): the shipped menu ``ivr/menus/hotline.toml`` run by
  the controller (started here, ``callcenter run --no-console``, own SQLite database);
* dialplan: ``[bench-dialplan-menu]`` (``callcenter/sandbox/bench_menu.py``): the same menu,
  prompt files, keys and queues as ``Read()``/``Playback()``/``Queue()`` in the dialplan.

Time to route = dial sent (the phone's clock) to ``QueueCallerJoin`` seen on AMI (this
process's clock; same machine). ``overhead_vs_dialplan`` = ours p50 / dialplan p50 (median).
A call fails when it is not answered, never reaches the queue its keys chose, or ends before
the caller hangs up. ``logged``: our calls in the controller's ``calls`` table with an end;
``cdr``: our callers' numbers in Asterisk's CDR (cdr_csv ``Master.csv``, lines added during
this run). The sandbox must be up (``callcenter sandbox up``); it is left running.

Last line: ``{"calls", "failed", "logged", "cdr", "overhead_vs_dialplan"}``; the line before
it has the detail. Target: N = 100, 0 failed, logged == cdr == N, overhead <= 1.10.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callcenter.ami.client import AmiClient  # noqa: E402
from callcenter.ami.message import Message  # noqa: E402
from callcenter.config import load_settings  # noqa: E402
from callcenter.db.call_repository import CallRepository  # noqa: E402
from callcenter.db.engine import open_database  # noqa: E402
from callcenter.sandbox import Sandbox  # noqa: E402
from callcenter.sandbox.bench_menu import BENCH_MENU_EXTENSION  # noqa: E402
from tests.integration.conftest import RunningController  # noqa: E402
from tests.phones import PhoneHost  # noqa: E402
from tests.phones.client import MAX_CALLS_PER_PROCESS  # noqa: E402

# pjsua2's build limit (4 calls per process): N callers need N / 4 phone processes.
PJSUA_MAX_CALLS = MAX_CALLS_PER_PROCESS
LANGUAGE_KEYS = ("1", "2")
MAIN_KEYS = {"1": "repair", "2": "complaints", "3": "general", "0": "general"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


class AmiWatch:
    """Per caller number: the IVR steps and the queue it joined, stamped when seen."""

    def __init__(self, ami: dict[str, Any], queue_names: dict[str, str]) -> None:
        self._ami = ami
        self._queues = {asterisk: name for name, asterisk in queue_names.items()}
        self._cond = threading.Condition()
        self.steps: dict[str, list[str]] = {}
        self.joined: dict[str, tuple[str, float]] = {}
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ami-watch", daemon=True)

    def __enter__(self) -> AmiWatch:
        self._thread.start()
        self._ready.wait(15)
        if self._error is not None or not self._ready.is_set():
            raise RuntimeError(f"cannot watch AMI: {self._error or 'no login in 15 s'}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        a = self._ami
        client = AmiClient(a["host"], int(a["port"]), a["username"], a["secret"],
                           on_event=self._on_event)  # fmt: skip
        try:
            await client.connect()
        except Exception as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stop.wait()
        await client.close()

    def _on_event(self, msg: Message) -> None:
        at = time.time()
        name = msg.get("Event")
        number = msg.get("CallerIDNum") or ""
        if name == "UserEvent" and msg.get("UserEvent") == "IvrStep":
            with self._cond:
                self.steps.setdefault(number, []).append(msg.get("Step") or "")
                self._cond.notify_all()
        elif name == "QueueCallerJoin":
            queue = msg.get("Queue") or ""
            with self._cond:
                self.joined.setdefault(number, (self._queues.get(queue, queue), at))
                self._cond.notify_all()

    def wait(self, check: Callable[[], Any], timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while (result := check()) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(min(left, 0.5))
            return result

    def wait_step(self, number: str, prefix: str, timeout: float) -> str | None:
        def check() -> str | None:
            return next((s for s in self.steps.get(number, []) if s.startswith(prefix)), None)

        return self.wait(check, timeout)  # type: ignore[no-any-return]


@dataclass
class Outcome:
    number: str
    ok: bool = False
    error: str = ""
    dialed_at: float = 0.0
    answered_at: float = 0.0
    joined_at: float = 0.0
    ended_at: float = 0.0
    queue: str = ""

    @property
    def route_seconds(self) -> float:
        return self.joined_at - self.dialed_at


@dataclass
class Side:
    label: str
    target: str
    numbers: list[str]
    outcomes: list[Outcome]

    @property
    def routes(self) -> list[float]:
        return [o.route_seconds for o in self.outcomes if o.ok]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


class Progress:
    """A one-line progress bar on stderr, redrawn by a ticker thread."""

    def __init__(self, label: str, total: int, outcomes: list[Outcome | None]) -> None:
        self.label, self.total, self.outcomes = label, total, outcomes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self._started = time.monotonic()

    def __enter__(self) -> Progress:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._draw()
        sys.stderr.write("\n")

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            self._draw()

    def _draw(self) -> None:
        done = [o for o in self.outcomes if o is not None]
        failed = sum(1 for o in done if not o.ok)
        width = 30
        filled = width * len(done) // max(1, self.total)
        bar = "#" * filled + "." * (width - filled)
        sys.stderr.write(f"\r{self.label:<9} [{bar}] {len(done)}/{self.total} calls, "
                         f"{failed} failed, {time.monotonic() - self._started:5.1f} s")  # fmt: skip
        sys.stderr.flush()


def key_until(call: Any, watch: AmiWatch, number: str, key: str, prefix: str,
              args: argparse.Namespace) -> str:  # fmt: skip
    """Key ``key`` until the menu reports a step at ``prefix``; the step."""
    for _ in range(args.tries):
        call.send_dtmf(key)
        step = watch.wait_step(number, prefix, args.rekey)
        if step is not None:
            return step
        if call.info.ended:
            raise RuntimeError(f"call ended waiting for {prefix}")
    raise RuntimeError(f"menu never took {key!r} at {prefix}")


def one_caller(phone: Any, watch: AmiWatch, side: Side, index: int, start_at: float,
               args: argparse.Namespace) -> Outcome:  # fmt: skip
    number = side.numbers[index]
    outcome = Outcome(number)
    language = LANGUAGE_KEYS[index % len(LANGUAGE_KEYS)]
    choice = list(MAIN_KEYS)[(index // len(LANGUAGE_KEYS)) % len(MAIN_KEYS)]
    time.sleep(max(0.0, start_at - time.monotonic()))
    call = None
    try:
        call = phone.dial(side.target, from_number=number, display_name=f"bench {index}")
        info = call.wait_confirmed(timeout=args.call_timeout)
        outcome.dialed_at, outcome.answered_at = float(info.created_at), float(info.confirmed_at)
        call.wait_media(timeout=args.call_timeout)
        time.sleep(args.key_delay)
        key_until(call, watch, number, language, "language:", args)
        time.sleep(args.key_delay)
        key_until(call, watch, number, choice, "main:", args)
        joined = watch.wait(lambda: watch.joined.get(number), args.call_timeout)
        if joined is None:
            raise RuntimeError("never joined a queue")
        outcome.queue, outcome.joined_at = joined
        if outcome.queue != MAIN_KEYS[choice]:
            raise RuntimeError(f"keyed {choice} but joined {outcome.queue}")
        time.sleep(args.hold)
        if call.info.ended:
            raise RuntimeError(f"call ended in the queue: {call.info.last_status_code}")
        outcome.ok = True
    except Exception as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        if call is not None:
            try:
                call.hangup()
                outcome.ended_at = call.wait_disconnected(timeout=15).disconnected_at or 0.0
            except Exception as exc:
                outcome.ok, outcome.error = False, outcome.error or f"hangup: {exc}"
    return outcome


def run_side(phones: list[Any], watch: AmiWatch, side: Side, args: argparse.Namespace) -> None:
    results: list[Outcome | None] = [None] * len(side.numbers)
    start = time.monotonic() + 0.5

    def work(i: int) -> None:
        results[i] = one_caller(phones[i % len(phones)], watch, side, i, start + i / args.cps,
                                args)  # fmt: skip

    with Progress(side.label, len(results), results), ThreadPoolExecutor(len(results)) as pool:
        list(pool.map(work, range(len(results))))
    side.outcomes = [r for r in results if r is not None]


def numbers_for(side_digit: int, count: int) -> list[str]:
    """Numbers unique to this run and side: 13 + side + 3 digits of the clock + index."""
    stamp = int(time.time()) % 1000
    return [f"13{side_digit}{stamp:03d}{i:05d}" for i in range(count)]


def logged_calls(db_url: str, numbers: set[str]) -> int:
    sessions = open_database(db_url)
    try:
        with sessions() as session:
            rows = CallRepository(session).recent(10 * len(numbers) + 100)
            return len({r.caller_number for r in rows if r.caller_number in numbers and r.ended_at})
    finally:
        sessions.kw["bind"].dispose()


def cdr_numbers(master: Path, offset: int) -> set[str]:
    """Source numbers of the CDR lines written after ``offset`` (cdr_csv: src is column 2)."""
    if not master.is_file():
        return set()
    with master.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode("utf-8", errors="replace")
    return {row[1] for row in csv.reader(io.StringIO(text)) if len(row) > 1}


def wait_for(count: Callable[[], int], want: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (got := count()) < want and time.monotonic() < deadline:
        time.sleep(0.5)
    return got


def peak_concurrent(outcomes: list[Outcome]) -> int:
    """Most calls up at one moment (from dial to hang-up)."""
    edges = sorted(
        edge
        for o in outcomes
        if o.dialed_at and o.ended_at
        for edge in ((o.dialed_at, 1), (o.ended_at, -1))
    )
    peak = level = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


def summary(side: Side) -> dict[str, Any]:
    routes = side.routes
    answer = [o.answered_at - o.dialed_at for o in side.outcomes if o.ok]
    return {
        "calls": len(side.outcomes),
        "failed": len(side.failed),
        "peak_concurrent": peak_concurrent(side.outcomes),
        "route_p50_s": round(statistics.median(routes), 3) if routes else None,
        "route_p90_s": round(percentile(routes, 90), 3) if routes else None,
        "route_mean_s": round(statistics.fmean(routes), 3) if routes else None,
        "answer_p50_s": round(statistics.median(answer), 3) if answer else None,
    }


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=100, help="callers per side (default 100)")
    p.add_argument("--cps", type=float, default=10.0, help="calls started per second")
    p.add_argument("--calls-per-process", type=int, default=PJSUA_MAX_CALLS)
    p.add_argument("--key-delay", type=float, default=1.0, help="s before each key")
    p.add_argument("--rekey", type=float, default=3.0, help="s before keying again")
    p.add_argument("--tries", type=int, default=5, help="keys per menu before giving up")
    p.add_argument("--hold", type=float, default=5.0, help="s in the queue before hanging up")
    p.add_argument("--call-timeout", type=float, default=60.0)
    p.add_argument("--max-seconds", type=float, default=600.0, help="bound on the whole run")
    args = p.parse_args()
    if not 1 <= args.calls_per_process <= PJSUA_MAX_CALLS:
        p.error(f"--calls-per-process must be 1..{PJSUA_MAX_CALLS} (the pjsua2 build's limit)")
    if args.calls < 1 or args.cps <= 0:
        p.error("--calls must be >= 1 and --cps > 0")
    return args


def main() -> None:
    args = parse_args()
    settings = load_settings()
    sandbox = Sandbox(settings)
    if not sandbox.status()["running"]:
        sys.exit("the Asterisk sandbox is not running: `callcenter sandbox up` first")
    info = sandbox.info()
    master = sandbox.host_path(sandbox.asterisk_dirs["astlogdir"]) / "cdr-csv" / "Master.csv"
    cdr_offset = master.stat().st_size if master.is_file() else 0
    work = Path(tempfile.mkdtemp(prefix="bench-ivr-"))
    print(f"work folder {work} (controller log, phone logs)", file=sys.stderr)
    controller = RunningController(work / "controller")
    watchdog = threading.Timer(args.max_seconds, _give_up, (args.max_seconds, controller))
    watchdog.daemon = True
    watchdog.start()
    controller.start()
    sides = [
        Side("dialplan", BENCH_MENU_EXTENSION, numbers_for(1, args.calls), []),
        Side("ours", info["hotline"], numbers_for(2, args.calls), []),
    ]
    server = f"{info['sip']['host']}:{info['sip']['port']}"
    try:
        with (
            AmiWatch(info["ami"], settings.asterisk_queues) as watch,
            PhoneHost(
                log_dir=work / "phones", log_level=1, phones_per_process=1, rpc_timeout=30
            ) as host,
        ):
            processes = max(1, math.ceil(args.calls / args.calls_per_process))
            phones = [host.caller(info["pstn"]["username"], info["pstn"]["password"], server)
                      for _ in range(processes)]  # fmt: skip
            for side in sides:
                run_side(phones, watch, side, args)
                host.errors.clear()  # callback noise after hang-ups is not a result
    finally:
        ours, dialplan = sides[1], sides[0]
        logged = wait_for(lambda: logged_calls(controller.db_url, set(ours.numbers)),
                          args.calls, 30)  # fmt: skip
        cdr = wait_for(lambda: len(cdr_numbers(master, cdr_offset) & set(ours.numbers)),
                       args.calls, 30)  # fmt: skip
        dialplan_cdr = len(cdr_numbers(master, cdr_offset) & set(dialplan.numbers))
        controller.stop()
        watchdog.cancel()
    report(sides, logged, cdr, dialplan_cdr, logged_calls(controller.db_url, set(dialplan.numbers)))


def report(
    sides: list[Side], logged: int, cdr: int, dialplan_cdr: int, dialplan_logged: int
) -> None:
    dialplan, ours = sides
    for side in sides:
        for o in side.failed[:10]:
            print(f"{side.label} {o.number} failed: {o.error}", file=sys.stderr)
    mine, theirs = summary(ours), summary(dialplan)
    ratio = (
        mine["route_p50_s"] / theirs["route_p50_s"]
        if mine["route_p50_s"] and theirs["route_p50_s"]
        else None
    )
    print(f"ours:     {mine}")
    print(f"dialplan: {theirs}")
    detail = {
        "ours": mine,
        "dialplan": {**theirs, "logged": dialplan_logged, "cdr": dialplan_cdr},
        "overhead_ms_p50": round(1000 * (mine["route_p50_s"] - theirs["route_p50_s"]))
        if ratio
        else None,
        "ratio_of": "median time to route (dial to QueueCallerJoin)",
    }
    print(json.dumps(detail))
    print(
        json.dumps(
            {
                "calls": len(ours.outcomes),
                "failed": len(ours.failed),
                "logged": logged,
                "cdr": cdr,
                "overhead_vs_dialplan": round(ratio, 3) if ratio else None,
            }
        )
    )


def _give_up(seconds: float, controller: RunningController) -> None:
    """The run is bounded: stop our controller; the phone children end with our pipes."""
    print(f"\nbench/ivr_load.py: still running after {seconds:.0f} s; giving up", file=sys.stderr)
    controller.stop()
    sys.stderr.flush()
    os._exit(3)


if __name__ == "__main__":
    main()
