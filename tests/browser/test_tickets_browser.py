"""Tickets in a real browser: registering one from the page, a note, its steps through the
status machine, an escalation alert appearing live (no reload) and being acknowledged,
and the ticket pages in Chinese and English (screenshots in test-artifacts/)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from callcenter.db.engine import session_scope
from callcenter.ticketing.escalation import escalation_pass
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.rules import DeskRules
from tests.browser.conftest import Console
from web.database import EXTENSION_KEY


def take_step(page: Page, action: str, text: str | None = None) -> None:
    form = page.locator(f'form.step-form[data-action="{action}"]')
    if text is not None:
        form.locator("[name=text]").fill(text)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_ticket_from_the_page_through_its_steps_with_a_live_escalation_alert(
    console: Console, page: Page
) -> None:
    console.data.user("alice", "supervisor", display_name="李娜", extension="1009")
    console.login(page)
    page.locator('.mainnav a[href="/tickets/"]').click()
    page.locator("#new-ticket").click()
    page.fill("#contact", "13800138000")
    page.fill("#name", "王小明")
    page.fill("#description", "空调不制冷，室内温度三十度")
    page.select_option("#priority", "urgent")
    page.select_option("#category", "repair")
    console.screenshot(page, "ticket-new")
    page.get_by_role("button", name="登记工单").click()
    expect(page).to_have_url(re.compile(r"/tickets/\d{8}-\d{4}$"))
    number = page.url.rsplit("/", 1)[1]
    expect(page.locator("#ticket-status .ticket-status")).to_have_text("新建")

    page.fill("#note-body", "客户要求下午上门")
    page.get_by_role("button", name="添加备注").click()
    expect(page.locator(".note-agent .note-body")).to_have_text("客户要求下午上门")

    page.fill("#assignee-input", "1002")
    take_step(page, "assign")
    expect(page.locator("#ticket-status .ticket-status")).to_have_text("已分派")

    # The response deadline passes: the escalation check (as the controller's loop runs
    # it) alerts the supervisor, and the open page shows it without a reload.
    page.evaluate("window.__same_page = true")
    with session_scope(console.app.extensions[EXTENSION_KEY]) as session:
        row = TicketRepository(session).require(number)
        row.response_due = datetime.now(UTC) - timedelta(minutes=1)
    published = time.monotonic()
    escalation_pass(
        console.app.extensions[EXTENSION_KEY],
        DeskRules(),
        datetime.now(UTC) + timedelta(days=60),
        publish=console.notifier.publish,
    )
    banner = page.locator(".alert-banner")
    expect(banner).to_be_visible(timeout=3000)
    assert time.monotonic() - published < 3.0
    expect(banner.locator(f'[data-ticket="{number}"] .alert-text')).to_contain_text(
        re.compile(r"响应.*超时，已升级至(主管|经理)")
    )
    expect(page.locator("#alert-count")).to_have_text("1")
    assert page.evaluate("window.__same_page") is True
    console.screenshot(page, "ticket-escalation-alert")

    take_step(page, "start")
    expect(page.locator("#ticket-status .ticket-status")).to_have_text("处理中")
    take_step(page, "wait", "客户出差，下周回来")
    expect(page.locator("#ticket-status .ticket-status")).to_have_text("等待客户")
    take_step(page, "start")
    take_step(page, "resolve", "更换压缩机，已恢复制冷")
    expect(page.locator("#ticket-status .ticket-status")).to_have_text("已解决")
    expect(page.locator("#visits")).to_contain_text("待回访")

    page.goto(f"{console.base_url}/tickets/visits")
    expect(page.locator(f'#visits-table tr[data-number="{number}"]')).to_be_visible()
    console.screenshot(page, "visits-zh")
    page.goto(f"{console.base_url}/tickets/{number}")
    banner.locator(f'[data-ticket="{number}"] button').click()  # acknowledge
    expect(page.locator(".alert-banner")).to_have_count(0)
    take_step(page, "close")
    expect(page.locator("#ticket-status .ticket-status")).to_have_text("已关闭")
    expect(page.locator("form.step-form")).to_have_count(0)
    console.screenshot(page, "ticket-detail-zh")

    page.locator('.mainnav a[href="/tickets/"]').click()
    expect(page.locator(f'tr[data-number="{number}"]')).to_be_visible()
    page.fill("input[name=q]", "不制冷")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#tickets-table tbody tr[data-number]")).to_have_count(1)
    console.screenshot(page, "tickets-list-zh")


def test_the_ticket_pages_in_english(console: Console, page: Page) -> None:
    console.data.user("alice", "supervisor", display_name="李娜", extension="1009")
    console.login(page)
    page.goto(f"{console.base_url}/tickets/new")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("#contact", "13900000000")
    page.fill("#name", "Li Si")
    page.fill("#description", "Rude answer on the hotline")
    page.select_option("#category", "complaint")
    page.get_by_role("button", name="Register ticket").click()
    expect(page.locator("#complaint")).to_contain_text("Complaint register")
    register = page.locator('form.complaint-step[data-step="register"]')
    register.locator("[name=demands]").fill("An apology")
    register.locator("button").click()
    expect(page.locator("#complaint .ticket-status")).to_be_visible()
    console.screenshot(page, "ticket-complaint-en")
    for path, name in (
        ("/tickets/", "tickets-list-en"),
        ("/tickets/complaints", "complaints-en"),
        ("/tickets/visits", "visits-en"),
        ("/tickets/customers", "customers-en"),
    ):
        page.goto(f"{console.base_url}{path}")
        expect(page.locator("h1")).to_be_visible()
        console.screenshot(page, name)
    page.locator("#customers-table a").first.click()
    page.fill("#c-notes", "Prefers calls after 18:00")
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator(".flash")).to_contain_text("Customer details saved.")
    console.screenshot(page, "customer-en")
