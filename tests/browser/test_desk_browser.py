"""The agent desk in a real browser (no Asterisk: the call and the agent's state are
published into the console's notifier as the controller does): the call pops up without a
reload with the customer's record, a ticket is made from it, the page in zh and en.

Screenshots: test-artifacts/desk-zh.png, desk-en.png, desk-narrow.png."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from callcenter.db.call_repository import CallRepository, call_to_dict
from callcenter.db.engine import session_scope
from callcenter.domain.call import TimelineEntry
from callcenter.live import call_payload
from callcenter.ticketing.call_intake import ticket_from_call
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.rules import DeskRules
from tests.browser.conftest import Console
from web.database import EXTENSION_KEY

LINKEDID = "1764150000.42"


def ringing_payload(console: Console) -> dict[str, object]:
    with session_scope(console.app.extensions[EXTENSION_KEY]) as session:
        row = CallRepository(session).by_linkedid(LINKEDID)
        assert row is not None
        return call_payload.from_contract(call_to_dict(row))


def prepare(console: Console) -> None:
    """Agent 1001 (张伟), a VIP caller with an earlier call and an open ticket, ringing now."""
    data = console.data
    data.user("zhang", "agent", display_name="张伟", extension="1001")
    now = datetime.now(UTC)
    earlier = data.call(started_at=now - timedelta(days=3), caller_number="13800138000")
    data.call(started_at=now - timedelta(hours=2), caller_number="13900139000")  # my call today
    start = now - timedelta(seconds=20)
    data.call(
        linkedid=LINKEDID,
        caller_number="13800138000",
        caller_name="王小明",
        started_at=start,
        answered_at=None,
        ended_at=None,
        agent=None,
        disposition=None,
        language="zh",
        ivr_path=("language:1", "main:3"),
        timeline=(
            TimelineEntry(start, "start", "PJSIP/pstn-00000042"),
            TimelineEntry(start + timedelta(seconds=10), "queue_join", "repair"),
            TimelineEntry(start + timedelta(seconds=12), "agent_ring", "1001"),
        ),
        queue="repair",
    )
    with session_scope(console.app.extensions[EXTENSION_KEY]) as session:
        CustomerRepository(session).create(
            "王小明", ["13800138000"], vip=True, notes="空调报修老客户，请优先处理"
        )
        ticket_from_call(
            session,
            DeskRules(),
            earlier,
            by="1002",
            description="空调外机噪音大",
            category="repair",
            assignee="1001",
        )
    console.notifier.publish(
        "agent",
        {"extension": "1001", "state": "available", "since": time.time() - 300, "reason": ""},
        key="1001",
    )


def test_a_ringing_call_pops_up_and_becomes_a_ticket(console: Console, page: Page) -> None:
    prepare(console)
    console.login(page, "zhang")
    page.goto(f"{console.base_url}/desk/")
    expect(page.locator("h1")).to_contain_text("坐席工作台")
    expect(page.locator("#live-status .refresh-text")).to_have_text("实时")
    expect(page.locator("#state-badge")).to_have_text("空闲")
    expect(page.locator(".pop")).to_have_count(0)

    console.notifier.publish("call", ringing_payload(console), key=LINKEDID)  # the phone rings
    pop = page.locator(".pop")
    expect(pop).to_be_visible(timeout=5000)
    expect(page.locator("#call-phase")).to_have_text("振铃中")
    expect(pop.locator(".pop-name")).to_have_text("王小明")
    expect(pop).to_contain_text("VIP")
    expect(pop).to_contain_text("空调报修老客户")
    expect(pop).to_contain_text("repair")
    expect(pop.locator("#pop-open-tickets li")).to_have_count(1)

    page.select_option("#ticket-category", "repair")
    page.select_option("#ticket-priority", "high")
    page.fill("#ticket-description", "空调不制冷，客户要求上门")
    page.get_by_role("button", name="新建工单").click()
    expect(page.locator("#pop-result")).to_contain_text("已保存", timeout=5000)
    expect(page.locator("#pop-call-tickets")).to_contain_text("-")
    expect(pop.locator("#pop-open-tickets li")).to_have_count(2)
    expect(page.locator(".desk-tickets tbody tr")).to_have_count(2)  # mine now, no reload
    console.screenshot(page, "desk-zh")

    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_contain_text("Agent desk")
    expect(page.locator(".pop")).to_be_visible(timeout=5000)  # the call is still live
    expect(page.locator("#state-badge")).to_have_text("Available")
    console.screenshot(page, "desk-en")

    page.set_viewport_size({"width": 420, "height": 900})
    page.reload()
    expect(page.locator(".pop")).to_be_visible(timeout=5000)
    console.screenshot(page, "desk-narrow")


def test_state_changes_arrive_live(console: Console, page: Page) -> None:
    prepare(console)
    console.login(page, "zhang")
    page.goto(f"{console.base_url}/desk/1001")
    expect(page.locator("#state-badge")).to_have_text("空闲")
    # The form posts (no controller here: the console says so, in place, without a reload).
    page.get_by_role("button", name="暂停", exact=True).click()
    expect(page.locator("#state-result")).to_contain_text("Asterisk")
    console.notifier.publish(
        "agent",
        {"extension": "1001", "state": "paused", "since": time.time(), "reason": "lunch"},
        key="1001",
    )
    expect(page.locator("#state-badge")).to_have_text("暂停")
    expect(page.locator("#state-reason")).to_have_text("午餐")
