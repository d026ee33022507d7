"""The console in a real browser: logging in, the live board changing without a reload,
the call log's search, a recording playing, the language switch, the admin pages.

Screenshots of every main page land in test-artifacts/ (look at them after a change)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from callcenter.domain.call import Disposition
from callcenter.live import call_payload
from tests.browser.conftest import Console
from tests.phones.audio import make_tone_wav


def live_call(linkedid: str, phase: str, **extra: object) -> dict[str, object]:
    """A live-board payload as the controller publishes it, started a minute ago."""
    now = datetime.now(UTC)
    started = now - timedelta(seconds=65)
    timeline = [{"at": started.isoformat(), "kind": "start", "detail": "PJSIP/pstn-1"}]
    contract: dict[str, object] = {
        "linkedid": linkedid,
        "caller_number": "13800138000",
        "caller_name": "王小明",
        "dialed": "8000",
        "started_at": started.isoformat(),
        "answered_at": None,
        "ended_at": None,
        "queue": None,
        "agent": None,
        "timeline": timeline,
    }
    if phase in ("queue", "talking", "ended"):
        contract["queue"] = "general"
        timeline.append({"at": (now - timedelta(seconds=40)).isoformat(), "kind": "queue_join"})
    if phase in ("talking", "ended"):
        contract["answered_at"] = (now - timedelta(seconds=12)).isoformat()
        contract["agent"] = "1001"
        contract["wait_seconds"] = 28.0
    if phase == "ended":
        contract["ended_at"] = now.isoformat()
        contract["disposition"] = "answered"
    contract.update(extra)
    return call_payload.from_contract(contract)


def test_logging_in_lands_a_supervisor_on_the_live_board(console: Console, page: Page) -> None:
    console.data.user("alice", "supervisor", display_name="李娜", extension="1009")
    console.login(page)
    expect(page).to_have_url(re.compile(r"/board/$"))
    expect(page.locator("h1")).to_have_text("实时看板")
    expect(page.locator("#live-status .refresh-text")).to_have_text("实时")


def test_a_call_changes_the_board_without_a_reload(console: Console, page: Page) -> None:
    console.data.user("alice", "supervisor", display_name="李娜", extension="1009")
    console.login(page)
    expect(page.locator("#live-status .refresh-text")).to_have_text("实时")
    page.evaluate("window.__same_page = true")

    published = time.monotonic()
    console.notifier.publish("call", live_call("1.1", "queue"), key="1.1")
    row = page.locator('#live-calls tr[data-linkedid="1.1"]')
    expect(row).to_be_visible(timeout=1000)
    assert time.monotonic() - published < 1.0
    expect(row.locator(".badge")).to_have_text("排队等待")
    expect(page.locator('#kpis [data-figure="waiting"] .kpi-value')).to_have_text("1")

    console.notifier.publish("call", live_call("1.1", "talking"), key="1.1")
    expect(row.locator(".badge")).to_have_text("通话中", timeout=1000)
    expect(row.locator("td").nth(4)).to_have_text("1001")
    # The time in this state ticks in the browser.
    first = row.locator(".tick").first.inner_text()
    page.wait_for_timeout(1100)
    assert row.locator(".tick").first.inner_text() != first
    expect(page.locator('#agents-table tr[data-agent="1001"]')).to_be_visible()
    console.screenshot(page, "board-live-call")

    console.notifier.publish("call", live_call("1.1", "ended"), key="1.1")
    expect(row).to_have_count(0, timeout=1000)
    expect(page.locator("#live-empty")).to_be_visible()
    assert page.evaluate("window.__same_page") is True


def test_listen_rings_the_supervisors_phone(console: Console, page: Page) -> None:
    console.data.user("alice", "supervisor", extension="1009")
    console.notifier.publish("call", live_call("2.1", "talking"), key="2.1")
    console.login(page)
    row = page.locator('#live-calls tr[data-linkedid="2.1"]')
    row.get_by_role("button", name="监听").click()
    expect(page.locator("#spy-result")).to_contain_text("1009")
    (action,) = console.link.sent
    headers = dict(action.headers)
    assert headers["Channel"] == "PJSIP/1009"
    assert headers["Application"] == "ChanSpy" and headers["Data"] == "PJSIP/1001,q"


def test_the_call_log_searches_by_number(console: Console, page: Page) -> None:
    console.data.user("alice", "supervisor")
    console.data.call()
    console.data.call(caller_number="13900139000", caller_name="李雷")
    console.login(page)
    page.goto(f"{console.base_url}/calls/")
    expect(page.locator("#calls-table tbody tr")).to_have_count(2)
    page.fill("input[name=number]", "139001")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#calls-table tbody tr")).to_have_count(1)
    expect(page.locator("#calls-table tbody")).to_contain_text("李雷")
    console.screenshot(page, "calls-search")


def test_the_call_detail_plays_its_recording(console: Console, page: Page, tmp_path: Path) -> None:
    console.data.user("alice", "supervisor")
    wav = make_tone_wav(tmp_path / "call.wav", seconds=3.0)
    call_id = console.data.call()
    with console.app.app_context():
        from callcenter.db.call_repository import CallRepository
        from web.database import db_session

        CallRepository(db_session()).set_recording(call_id, str(wav))
        db_session().commit()
    console.login(page)
    page.goto(f"{console.base_url}/calls/{call_id}")
    audio = page.locator("audio#recording")
    expect(audio).to_be_visible()
    duration = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const a = document.getElementById("recording");
            const done = () => resolve(a.duration);
            if (a.readyState >= 1) return done();
            a.addEventListener("loadedmetadata", done);
            a.addEventListener("error", () => reject(new Error("media error " + a.error.code)));
        })"""
    )
    assert abs(duration - 3.0) < 0.2
    played = page.evaluate(
        """async () => {
            const a = document.getElementById("recording");
            a.muted = true;
            a.currentTime = 1.0;  // seeking needs Range requests
            await a.play();
            await new Promise(r => setTimeout(r, 600));
            a.pause();
            return a.currentTime;
        }"""
    )
    assert played > 1.2
    console.screenshot(page, "call-detail")


def test_the_language_switch_changes_the_page(console: Console, page: Page) -> None:
    console.data.user("alice", "supervisor")
    console.data.call()
    console.login(page)
    page.goto(f"{console.base_url}/calls/")
    expect(page.locator("h1")).to_have_text("通话记录")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Calls")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    console.screenshot(page, "calls-english")
    page.goto(f"{console.base_url}/board/")
    expect(page.locator("h1")).to_have_text("Live board")


def test_main_pages_render(console: Console, page: Page) -> None:
    console.data.user("alice", "admin", display_name="管理员", extension="1009")
    console.data.user("bob", "agent", display_name="张伟", extension="1001")
    now = datetime.now(UTC)
    answered, abandoned = Disposition.ANSWERED, Disposition.ABANDONED
    for minutes, disposition in ((50, answered), (40, abandoned), (20, answered)):
        console.data.call(started_at=now - timedelta(minutes=minutes), disposition=disposition)
    console.notifier.publish("call", live_call("3.1", "queue"), key="3.1")
    console.notifier.publish("call", live_call("3.2", "talking"), key="3.2")
    console.login(page)
    expect(page.locator("#live-calls tbody tr")).to_have_count(2)
    console.screenshot(page, "board")
    page.goto(f"{console.base_url}/reports/")
    expect(page.locator("svg.chart")).to_have_count(2)
    console.screenshot(page, "reports")
    page.goto(f"{console.base_url}/admin/users")
    expect(page.locator('#users-table tr[data-username="bob"]')).to_be_visible()
    console.screenshot(page, "admin-users")
    page.goto(f"{console.base_url}/admin/tokens")
    page.fill("input[name=name]", "Prometheus")
    page.get_by_role("button", name="创建令牌").click()
    expect(page.locator("#new-token")).to_be_visible()
    console.screenshot(page, "admin-tokens")
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(f"{console.base_url}/board/")
    expect(page.locator("#live-calls tbody tr")).to_have_count(2)
    console.screenshot(page, "board-narrow")
