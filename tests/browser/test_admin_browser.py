"""The admin sections in a real browser: a menu edit with an error is refused (the error is
shown, nothing saved), the fixed one is saved and shown; a new agent's SIP account is shown
once. Screenshots go to test-artifacts/admin-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ivr.menu_load import SHIPPED_MENUS
from tests.browser.conftest import Console

MENU = SHIPPED_MENUS / "hotline.toml"


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No Asterisk here and prompts built under tmp_path (never the shared sandbox's)."""
    monkeypatch.setenv("CALLCENTER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CALLCENTER_PROMPTS_DIR", str(tmp_path / "prompts"))
    yield tmp_path


def test_a_menu_with_an_error_is_refused_then_the_fixed_one_is_saved(
    isolated: Path, console: Console, page: Page
) -> None:
    console.data.user("root", "admin", display_name="管理员")
    console.login(page, "root")
    page.goto(f"{console.base_url}/admin/menus/")
    expect(page.locator("h1")).to_have_text("语音导航菜单")
    expect(page.locator("#node-main .walkthrough")).to_contain_text("按 1")
    original = MENU.read_text(encoding="utf-8")
    broken = original.replace('queue = "repair"', 'queue = "repairs"', 1)
    page.fill("textarea[name=text]", broken)
    page.click("button[value=save]")
    errors = page.locator("#menu-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("未保存")
    expect(errors.locator(".menu-problem").first).to_contain_text("main")
    expect(errors).to_contain_text("repairs")
    console.screenshot(page, "admin-menu-error")
    saved = isolated / "state" / "admin" / "menus" / "hotline.toml"
    assert not saved.exists()  # nothing saved
    expect(page.locator("textarea[name=text]")).to_have_value(broken)  # the edit is not lost

    fixed = original.replace("欢迎致电总服务台", "欢迎致电报修服务台", 1)
    page.fill("textarea[name=text]", fixed)
    page.click("button[value=save]")
    expect(page.locator(".flash-info")).to_contain_text("菜单已保存")
    expect(page.locator("#node-language .prompt-text").first).to_contain_text("报修服务台")
    assert saved.read_text(encoding="utf-8") == fixed
    audio = page.locator("#node-language audio").first
    expect(audio).to_be_attached()
    console.screenshot(page, "admin-menu-saved")


def test_a_new_agents_sip_account_is_shown_once(
    isolated: Path, console: Console, page: Page
) -> None:
    console.data.user("root", "admin")
    console.login(page, "root")
    page.goto(f"{console.base_url}/admin/agents/")
    page.fill("#add-agent input[name=extension]", "1050")
    page.fill("#add-agent input[name=name]", "王芳")
    page.check("#add-agent #queue-repair")
    page.fill("#add-agent input[name=penalty_repair]", "2")
    page.click("#add-agent button[type=submit]")
    credentials = page.locator("#sip-credentials")
    expect(credentials).to_be_visible()
    password = page.locator("[data-sip=password]").inner_text()
    assert len(password) >= 20
    console.screenshot(page, "admin-agent-added")
    page.goto(f"{console.base_url}/admin/agents/")
    expect(page.locator("#sip-credentials")).to_have_count(0)
    expect(page.locator("tr[data-extension='1050']")).to_contain_text("王芳")
    assert password not in page.content()
    page.goto(f"{console.base_url}/admin/queues/")
    console.screenshot(page, "admin-queues")
    page.goto(f"{console.base_url}/admin/hours/")
    expect(page.locator("#hours-preview")).to_be_visible()
    console.screenshot(page, "admin-hours")
