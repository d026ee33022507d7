"""The agent desk in a browser against real Asterisk, real phones and `callcenter run`
(controller and console in one process):

* an agent pauses from the page with a reason, and `callcenter agents --json` agrees; ready
  makes it available again;
* a caller's call rings the agent's phone, the desk pops it with the customer's record
  without a reload, and the agent makes a ticket from the ringing call, linked to it;
* the call detail page plays the call's real recording (and the recording answers ranges).
"""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from callcenter.db.call_repository import CallRepository
from callcenter.db.engine import session_scope
from callcenter.db.user_repository import UserRepository
from callcenter.domain.call import Call, Disposition
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.rules import DeskRules
from callcenter.ticketing.service import TicketService
from tests.integration.agent_helpers import agents, cli
from tests.integration.conftest import ASTERISK, through_ivr
from tests.integration.test_call_log import pstn, register_agent
from tests.integration.test_console_live import ARTIFACTS, CHROMIUM_ARGS, RunningConsole
from tests.phones import PhoneHost
from tests.phones.audio import make_tone_wav

pytestmark = ASTERISK

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e .[dev]")

PASSWORD = "agent password 1"
CALLER = "13800138000"


class DeskConsole(RunningConsole):
    """`callcenter run` with two agents' console accounts and its own recordings folder."""

    def __init__(self, workdir: Path, recordings_root: str) -> None:
        super().__init__(workdir)
        self.env["CALLCENTER_RECORDINGS_DIR"] = recordings_root
        self.env["CALLCENTER_RUN_WORKER"] = "false"  # no transcription needed here
        with session_scope(self._sessions) as session:
            users = UserRepository(session)
            users.add("wang", PASSWORD, "agent", display_name="王芳", extension="1001")
            users.add("zhao", PASSWORD, "agent", display_name="赵磊", extension="1006")

    def customer_with_history(self) -> str:
        """The caller is a VIP customer with an earlier call and an open ticket; its number."""
        started = datetime.now(UTC) - timedelta(days=2)
        earlier = Call(
            linkedid=f"desk-test-{secrets.token_hex(4)}", caller_number=CALLER,
            caller_name="王小明", dialed="8000", started_at=started,
            answered_at=started + timedelta(seconds=20),
            ended_at=started + timedelta(seconds=200), queue="general", agent="1002",
            disposition=Disposition.ANSWERED,
        )  # fmt: skip
        with session_scope(self._sessions) as session:
            CallRepository(session).save(earlier)
            customer = CustomerRepository(session).create(
                "王小明", [CALLER], vip=True, notes="空调报修老客户"
            )
            ticket = TicketService(session, rules=DeskRules()).create(
                by="1002", channel="phone", category="repair", description="空调外机噪音大",
                contact=CALLER, customer_name="王小明", customer_id=customer,
            )  # fmt: skip
            return ticket.number


@pytest.fixture(scope="module")
def console(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskConsole]:
    root = f"/var/spool/asterisk/cctest-desk-{secrets.token_hex(4)}"
    running = DeskConsole(tmp_path_factory.mktemp("desk"), root)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        print("console log:\n", running.log()[-6000:])  # shown when a test failed
        shutil.rmtree(sandbox.host_path(root), ignore_errors=True)


@pytest.fixture
def browser_page(console: DeskConsole) -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(locale="zh-CN", viewport={"width": 1360, "height": 900})
        try:
            yield page
        finally:
            browser.close()


def open_desk(console: DeskConsole, page: Any, username: str, extension: str) -> None:
    page.goto(f"{console.base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.goto(f"{console.base_url}/desk/")
    page.wait_for_url(f"{console.base_url}/desk/{extension}")
    playwright_api.expect(page.locator("#live-status .refresh-text")).to_have_text("实时")


def test_an_agent_pauses_with_a_reason_from_the_desk_and_the_cli_agrees(
    console: DeskConsole, browser_page: Any, phones: PhoneHost, info: dict[str, Any]
) -> None:
    expect, page = playwright_api.expect, browser_page
    register_agent(phones, info, "1006")
    open_desk(console, page, "zhao", "1006")
    try:
        page.get_by_role("button", name="签入我的队列").click()
        expect(page.locator("#state-result")).to_contain_text("已签入")
        expect(page.locator("#state-badge")).to_have_text("空闲", timeout=10_000)

        page.select_option("#pause-reason", "lunch")
        page.get_by_role("button", name="暂停", exact=True).click()
        expect(page.locator("#state-badge")).to_have_text("暂停", timeout=5000)  # live, no reload
        expect(page.locator("#state-reason")).to_have_text("午餐")
        shown = agents(console)["1006"]
        assert (shown["state"], shown["pause_reason"]) == ("paused", "lunch"), shown

        page.get_by_role("button", name="就绪").click()
        expect(page.locator("#state-badge")).to_have_text("空闲", timeout=5000)
        assert until(lambda: agents(console)["1006"]["state"] == "available", timeout=10)
        assert agents(console)["1006"]["pause_reason"] is None
    finally:
        cli(console, "agent", "unpause", "1006")


def test_a_ringing_call_pops_up_and_the_agent_makes_a_ticket_from_it(
    console: DeskConsole, browser_page: Any, phones: PhoneHost, info: dict[str, Any]
) -> None:
    expect, page = playwright_api.expect, browser_page
    open_ticket = console.customer_with_history()
    agent = register_agent(phones, info, "1001", auto_answer=False)
    open_desk(console, page, "wang", "1001")
    call = pstn(phones, info).dial(info["hotline"], from_number=CALLER, display_name="王小明")
    try:
        through_ivr(console, call, "1", "0")  # Chinese, then an operator (the general queue)
        ringing = agent.wait_incoming(timeout=20)

        pop = page.locator(".pop")
        expect(pop).to_be_visible(timeout=10_000)
        expect(page.locator("#call-phase")).to_have_text("振铃中")
        expect(pop.locator(".pop-name")).to_have_text("王小明")
        expect(pop).to_contain_text("VIP")
        expect(pop).to_contain_text("空调报修老客户")
        expect(pop).to_contain_text("general")
        expect(pop.locator("#pop-open-tickets")).to_contain_text(open_ticket)
        expect(pop.locator("[aria-labelledby=pop-past-title] li")).to_have_count(1)
        page.select_option("#ticket-category", "repair")
        page.fill("#ticket-description", "空调不制冷，客户要求上门维修")
        page.get_by_role("button", name="新建工单").click()
        expect(page.locator("#pop-result")).to_contain_text("已保存", timeout=5000)
        ticket_number = page.locator("#pop-call-tickets").inner_text().strip()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "desk-real-call.png"), full_page=True)

        ringing.answer()
        call.wait_confirmed(timeout=10)
        expect(page.locator("#call-phase")).to_have_text("通话中", timeout=5000)
    finally:
        call.hangup()
    call.wait_disconnected(timeout=10)
    expect(page.locator("#call-phase")).to_have_text("通话已结束", timeout=5000)

    (logged,) = [c for c in json.loads(console.calls_cli("--json")) if c["dialed"] == "8000"
                 and c["caller_number"] == CALLER and c["ended_at"] and c["answered_at"]
                 and c["agent"] == "1001"]  # fmt: skip
    with session_scope(console._sessions) as session:
        ticket = TicketRepository(session).require(ticket_number)
        assert logged["ticket"] == ticket.id
        assert ticket.call_id == logged["id"] and ticket.assignee == "1001"
        assert ticket.category == "repair" and "上门维修" in ticket.description


def test_the_call_detail_plays_the_calls_real_recording(
    console: DeskConsole, browser_page: Any, phones: PhoneHost, info: dict[str, Any],
    tmp_path: Path,
) -> None:  # fmt: skip
    page = browser_page
    agent = register_agent(phones, info, "1001", answer_delay=0.3)
    call = pstn(phones, info).dial(info["direct"]["general"], from_number="13700137000")
    call.wait_confirmed(timeout=20)
    agent.wait_incoming(timeout=10)
    call.play_wav(make_tone_wav(tmp_path / "talk.wav", seconds=2.0))
    call.wait_playback_done(timeout=15)
    call.hangup()
    call.wait_disconnected(timeout=10)

    def recorded() -> dict[str, Any] | None:
        for c in json.loads(console.calls_cli("--json")):
            if c["caller_number"] == "13700137000" and c["recording"] and c["ended_at"]:
                return dict(c)
        return None

    assert until(lambda: recorded() is not None, timeout=15), console.log()[-3000:]
    logged = recorded()
    assert logged is not None
    open_desk(console, page, "wang", "1001")
    page.goto(f"{console.base_url}/calls/{logged['id']}")
    media = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const a = document.getElementById("recording");
            const done = () => resolve({readyState: a.readyState, duration: a.duration});
            if (a.readyState >= 1) return done();
            a.addEventListener("loadedmetadata", done);
            a.addEventListener("error", () => reject(new Error("media error " + a.error.code)));
        })"""
    )
    assert media["readyState"] >= 1 and media["duration"] > 1.0, media
    ranged = page.request.get(
        f"{console.base_url}/calls/{logged['id']}/recording", headers={"Range": "bytes=0-99"}
    )
    assert ranged.status == 206 and len(ranged.body()) == 100
    assert ranged.headers["content-range"].startswith("bytes 0-99/")
    page.screenshot(path=str(ARTIFACTS / "call-detail-real-recording.png"), full_page=True)


def test_a_blind_transfer_from_the_desk_moves_the_call_to_another_phone(
    console: DeskConsole, browser_page: Any, phones: PhoneHost, info: dict[str, Any]
) -> None:
    expect, page = playwright_api.expect, browser_page
    agent = register_agent(phones, info, "1001", answer_delay=0.3)
    open_desk(console, page, "wang", "1001")
    call = pstn(phones, info).dial(info["direct"]["general"], from_number="13600136000")
    try:
        call.wait_confirmed(timeout=20)
        agent.wait_incoming(timeout=10).wait_confirmed(timeout=10)
        expect(page.locator("#call-phase")).to_have_text("通话中", timeout=5000)
        colleague = register_agent(phones, info, "1002", answer_delay=0.3)
        fill_surely(page, "#transfer-to", "1002")
        page.get_by_role("button", name="盲转").click()
        expect(page.locator("#pop-result")).to_have_text("正在将通话转接到 1002。")
        colleague.wait_incoming(timeout=10).wait_confirmed(timeout=10)
        expect(page.locator("#call-phase")).to_have_text("通话已结束", timeout=5000)
    finally:
        call.hangup()
    call.wait_disconnected(timeout=10)


def fill_surely(page: Any, selector: str, value: str) -> None:
    """Fill a field of the screen pop, again if the pop was drawn anew under Playwright.

    The desk keeps what was typed across a redraw, but a fill that lands in the very moment
    the pop is replaced goes into the old, detached field.
    """
    for _ in range(5):
        page.fill(selector, value)
        try:
            playwright_api.expect(page.locator(selector)).to_have_value(value, timeout=1000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"{selector} would not keep {value!r}")
