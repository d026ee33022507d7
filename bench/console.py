"""The console under load: live-event-to-browser latency and API latency, in one run.

1. **Event to browser.** The console runs in this process (waitress in a thread) with its
   live notifier; a real chromium (Playwright, /usr/bin/chromium) shows the supervisor's
   board. ``--calls`` N calls are put live, then ``--events`` phase changes are published
   at ``--event-rate`` per second, each stamped with the time it was published; the page
   records when it applied each one (the board's ``live:applied`` event) and the lag is
   browser-apply time minus publish time. Events are *synthetic* (published into the
   notifier as the controller does), because 100 simultaneous real SIP calls are too heavy
   for this 2-core machine; the AMI-to-notifier step of a real call is measured by
   tests/integration/test_console_live.py (it asserts < 1 s per event with a real call).
2. **API under load.** The console runs in a child process (waitress, 8 threads) on a
   database of ``--rows`` calls; a bounded Python load generator (threads, keep-alive
   HTTP, loopback only) sends ``GET /api/v1/calls?limit=20`` with a bearer token at
   ``--rate`` requests per second for ``--seconds`` seconds (open loop: requests are sent
   on schedule, whether or not earlier ones came back).

The last line printed is JSON:
``{"event_to_browser_p99_ms": ..., "api_p99_ms": ..., "api_rps": ...}``.
Targets: event to browser p99 < 1000 ms with 100 live calls; API p99 < 50 ms at 200 req/s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callcenter.config import Settings  # noqa: E402
from callcenter.db.call_repository import CallRepository  # noqa: E402
from callcenter.db.engine import open_database, session_scope  # noqa: E402
from callcenter.db.migrate import upgrade  # noqa: E402
from callcenter.db.user_repository import ApiTokenRepository, UserRepository  # noqa: E402
from callcenter.domain.call import Call, Disposition, TimelineEntry  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "bench password 1"
PHASES = ("queue", "ringing", "talking")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(path: Path, rows: int) -> tuple[str, str]:
    """A migrated SQLite database with an admin, ``rows`` calls; returns (url, token)."""
    url = f"sqlite:///{path}"
    upgrade(url)
    sessions = open_database(url)
    start = datetime.now(UTC) - timedelta(days=2)
    with session_scope(sessions) as session:
        user = UserRepository(session).add("bench", PASSWORD, "admin", extension="1009")
        token = ApiTokenRepository(session).create(user, "bench")
        repo = CallRepository(session)
        for i in range(rows):
            at = start + timedelta(seconds=30 * i)
            repo.save(
                Call(
                    linkedid=f"bench.{i}",
                    caller_number=f"138{i:08d}",
                    caller_name="王小明",
                    dialed="8000",
                    started_at=at,
                    answered_at=at + timedelta(seconds=12),
                    ended_at=at + timedelta(seconds=90),
                    queue="general",
                    queue_joined_at=at + timedelta(seconds=4),
                    agent="1001",
                    disposition=Disposition.ANSWERED,
                    timeline=(TimelineEntry(at, "start", "PJSIP/pstn"),),
                )
            )
    sessions.kw["bind"].dispose()
    return url, token


# ---- 1. event to browser ---------------------------------------------------------------


def payload(linkedid: str, phase: str, now: float) -> dict[str, Any]:
    return {
        "linkedid": linkedid,
        "id": None,
        "caller_number": "1380013" + linkedid[-4:],
        "caller_name": "测试来电",
        "dialed": "8000",
        "queue": "general",
        "agent": "1001" if phase in ("ringing", "talking") else None,
        "phase": phase,
        "started": now - 60,
        "since": now,
        "queued": now - 50,
        "answered": now if phase == "talking" else None,
        "wait_seconds": 10.0,
        "disposition": None,
        "event_at": now,
        "ended": False,
    }


def event_to_browser(calls: int, events: int, rate: float, workdir: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from callcenter.live.controller_link import LiveLink
    from callcenter.live.notifier import LiveNotifier
    from web import create_app
    from web.serve import make_server

    url, _token = prepare_database(workdir / "live.db", 0)
    link = LiveLink(LiveNotifier())
    link.notifier.fed = True
    app = create_app(Settings(state_dir=workdir / "state", database_url=url), live=link)
    server = make_server(app, "127.0.0.1", 0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    now = time.time()
    for i in range(calls):
        link.notifier.publish("call", payload(f"c.{i:04d}", "queue", now), key=f"c.{i:04d}")
    lags: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "bench")
        page.fill("input[name=password]", PASSWORD)
        page.click(".login-card button[type=submit]")
        page.wait_for_url(f"{base}/board/")
        page.wait_for_function(
            f"document.querySelectorAll('#live-calls tbody tr').length >= {calls}"
        )
        page.evaluate(
            """() => { window.__lags = [];
               document.getElementById('board').addEventListener('live:applied', (e) => {
                 const p = e.detail.payload || {};
                 if (e.detail.kind === 'call' && p.event_at)
                   window.__lags.push(Date.now() / 1000 - p.event_at); }); }"""
        )
        interval = 1.0 / rate
        next_at = time.monotonic()
        for n in range(events):
            key = f"c.{n % calls:04d}"
            phase = PHASES[(n // calls + 1) % len(PHASES)]
            link.notifier.publish("call", payload(key, phase, time.time()), key=key)
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
        page.wait_for_function(f"window.__lags.length >= {events}", timeout=30_000)
        lags = [float(x) * 1000 for x in page.evaluate("window.__lags")]
        browser.close()
    server.close()
    return {
        "p50_ms": round(statistics.median(lags), 1),
        "p99_ms": round(percentile(lags, 99), 1),
        "max_ms": round(max(lags), 1),
        "events": len(lags),
    }


# ---- 2. API under load -----------------------------------------------------------------

SERVE = """
import sys
from callcenter.config import Settings
from web import create_app
from web.serve import serve
app = create_app(Settings(state_dir=sys.argv[1], database_url=sys.argv[2]))
serve(app, "127.0.0.1", int(sys.argv[3]), threads=8)
"""


def api_load(
    rate: float, seconds: float, rows: int, workers: int, workdir: Path
) -> dict[str, float]:
    url, token = prepare_database(workdir / "api.db", rows)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(workdir / "state-api"), url, str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the console did not start") from None
                time.sleep(0.1)
        headers = {"Authorization": f"Bearer {token}"}
        path = "/api/v1/calls?limit=20"
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(50):
            warm.request("GET", path, headers=headers)
            warm.getresponse().read()
        warm.close()

        total = int(rate * seconds)
        start = time.monotonic() + 0.2
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()

        def worker(index: int) -> None:
            nonlocal errors
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            for n in range(index, total, workers):
                time.sleep(max(0.0, start + n / rate - time.monotonic()))
                sent = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    ok = False
                elapsed = (time.perf_counter() - sent) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors += 0 if ok else 1
            conn.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "rps": round(len(latencies) / took, 1),
        "errors": errors,
        "requests": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100, help="live calls on the board")
    parser.add_argument("--events", type=int, default=300, help="live events to time")
    parser.add_argument("--event-rate", type=float, default=20.0, help="events per second")
    parser.add_argument("--rate", type=float, default=200.0, help="API requests per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="API load duration")
    parser.add_argument("--rows", type=int, default=5000, help="calls in the API's database")
    parser.add_argument("--workers", type=int, default=16, help="load generator threads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        workdir = Path(tmp)
        live = event_to_browser(args.calls, args.events, args.event_rate, workdir)
        print(
            f"event to browser, {args.calls} live calls, {live['events']} synthetic events "
            f"at {args.event_rate:g}/s: p50 {live['p50_ms']} ms, p99 {live['p99_ms']} ms, "
            f"max {live['max_ms']} ms"
        )
        api = api_load(args.rate, args.seconds, args.rows, args.workers, workdir)
        print(
            f"API GET /api/v1/calls?limit=20 on {args.rows} calls, {api['requests']} requests "
            f"at {args.rate:g}/s for {args.seconds:g} s: p50 {api['p50_ms']} ms, "
            f"p99 {api['p99_ms']} ms, {api['rps']} req/s, {api['errors']} errors"
        )
    print(
        json.dumps(
            {
                "event_to_browser_p99_ms": live["p99_ms"],
                "api_p99_ms": api["p99_ms"],
                "api_rps": api["rps"],
            }
        )
    )


if __name__ == "__main__":
    main()
