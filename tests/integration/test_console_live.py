"""The console in a browser while real calls go through Asterisk: `callcenter run` (controller
and console in one process), a supervisor's live board, an agent's phone and a caller's.

The board must change within a second of the AMI event, without a reload."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from callcenter.db.engine import session_scope
from callcenter.db.user_repository import UserRepository
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.conftest import ASTERISK, RunningController, through_ivr
from tests.integration.test_call_log import pstn, register_agent
from tests.phones import PhoneHost

pytestmark = ASTERISK

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e .[dev]")

PASSWORD = "supervisor password 1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Records, in the page, when each live event was applied and how long after Asterisk's
# event timestamp (payload.event_at, epoch seconds) that was.
LATENCY_PROBE = """() => {
    window.__applied = [];
    document.getElementById("board").addEventListener("live:applied", (e) => {
        const p = e.detail.payload || {};
        window.__applied.push({kind: e.detail.kind, key: e.detail.key, phase: p.phase,
                               lag: p.event_at ? Date.now() / 1000 - p.event_at : null});
    });
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningConsole(RunningController):
    """`callcenter run` with the console, on a free loopback port, its own database."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        super().__init__(workdir, env={"CALLCENTER_WEB_PORT": str(self.port)})
        self.base_url = f"http://127.0.0.1:{self.port}"
        with session_scope(self._sessions) as session:
            UserRepository(session).add("lina", PASSWORD, "supervisor", extension="1010")

    command = ("run",)

    def start(self) -> None:
        super().start()

        def serving() -> bool:
            try:
                with urllib.request.urlopen(f"{self.base_url}/login", timeout=2) as answer:
                    return bool(answer.status == 200)
            except OSError:
                return False

        assert until(serving, timeout=20), f"console not serving:\n{self.log()[-3000:]}"


@pytest.fixture
def console(sandbox: Sandbox, tmp_path: Path) -> Iterator[RunningConsole]:
    running = RunningConsole(tmp_path)
    try:  # a console that fails to come up is still stopped
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def board_page(console: RunningConsole) -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(locale="zh-CN", viewport={"width": 1360, "height": 900})
        page.goto(f"{console.base_url}/login")
        page.fill("input[name=username]", "lina")
        page.fill("input[name=password]", PASSWORD)
        page.click(".login-card button[type=submit]")
        page.wait_for_url(f"{console.base_url}/board/")
        playwright_api.expect(page.locator("#live-status .refresh-text")).to_have_text("实时")
        page.evaluate(LATENCY_PROBE)
        try:
            yield page
        finally:
            browser.close()


def test_a_real_call_moves_across_the_board_without_a_reload(
    console: RunningConsole, board_page: Any, phones: PhoneHost, info: dict[str, Any]
) -> None:
    expect = playwright_api.expect
    page = board_page
    register_agent(phones, info, "1001", answer_delay=1.5)
    call = pstn(phones, info).dial(
        info["hotline"], from_number="13800138000", display_name="王小明"
    )

    row = page.locator("#live-calls tbody tr").filter(has_text="13800138000")
    expect(row).to_have_count(1, timeout=5000)
    expect(row).to_contain_text("王小明")
    through_ivr(console, call, "1", "0")  # Chinese, then an operator (the general queue)
    call.wait_confirmed(timeout=20)
    try:
        expect(row.locator(".badge")).to_have_text("通话中", timeout=10_000)
    except AssertionError:
        print("CALLS", console.calls())
        print("LOG", console.log()[-4000:])
        print("APPLIED", page.evaluate("window.__applied"))
        raise
    expect(row).to_contain_text("1001")
    expect(page.locator('#agents-table tr[data-agent="1001"]')).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board-real-call.png"), full_page=True)

    # Listen: the supervisor's own phone (1010) rings and, answered, hears the agent's call.
    supervisor = register_agent(phones, info, "1010", answer_delay=0.3)
    row.get_by_role("button", name="监听").click()
    expect(page.locator("#spy-result")).to_contain_text("1010")
    spying = supervisor.wait_incoming(timeout=10)
    spying.wait_confirmed(timeout=10)

    call.hangup()
    call.wait_disconnected(timeout=10)
    expect(row).to_have_count(0, timeout=5000)

    applied = page.evaluate("window.__applied")  # still there: the page never reloaded
    lags = [a["lag"] for a in applied if a["kind"] == "call" and a["lag"] is not None]
    phases = [a["phase"] for a in applied if a["kind"] == "call"]
    assert "talking" in phases and "ended" in phases, applied
    assert max(lags) < 1.0, f"board updates later than 1 s after the AMI event: {applied}"
