"""The admin pages against the real Asterisk: an agent added on the page registers a real
phone with the credentials shown once (and a reset password replaces them), and a queue
setting edited on the page reaches Asterisk without a restart.

The pages run in this process (Flask test client) on the sandbox's own settings, so they
write the shared state folder: every change is undone at the end (agent removed, queue
override dropped and Asterisk re-rendered).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from callcenter.admin.asterisk_apply import apply_to_asterisk
from callcenter.admin.menu_store import configured_menu_path, edited_menu_path
from callcenter.admin.overrides import overrides_path, read_overrides, save_overrides
from callcenter.admin.queue_members import live_members
from callcenter.agents.provision import rx
from callcenter.config import load_settings
from callcenter.db.engine import session_scope
from callcenter.db.migrate import upgrade
from callcenter.db.user_repository import UserRepository
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.conftest import ASTERISK, RunningController, through_ivr
from tests.integration.test_call_log import pstn, register_agent
from tests.phones import PhoneHost
from web import create_app
from web.database import EXTENSION_KEY

pytestmark = ASTERISK
PASSWORD = "correct horse battery staple"
NEW_AGENT = "1091"


@pytest.fixture
def console(sandbox: Sandbox, tmp_path: Path) -> Iterator[FlaskClient]:
    """An admin logged in to a console on the sandbox's settings (own database)."""
    url = f"sqlite:///{tmp_path / 'console.db'}"
    upgrade(url)
    settings = load_settings(database_url=url)
    app: Flask = create_app(
        settings,
        test_config={"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"},
    )
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        UserRepository(session).add("root", PASSWORD, "admin")
    client = app.test_client()
    assert client.post("/login", data={"username": "root", "password": PASSWORD}).status_code == 302
    yield client
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def shown(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-sip="(\w+)">([^<]+)<', page))


def endpoint_exists(sandbox: Sandbox, ext: str) -> bool:
    return f"Endpoint:  {ext}" in rx(sandbox, f"pjsip show endpoint {ext}")


def test_an_agent_added_on_the_page_registers_a_real_phone(
    console: FlaskClient, sandbox: Sandbox, phones: PhoneHost
) -> None:
    pid = sandbox.status()["pid"]
    try:
        page = console.post(
            "/admin/agents/", data={"extension": NEW_AGENT, "name": "测试坐席", "queue": "general"}
        )
        assert page.status_code == 200, page.text
        sip = shown(page.text)
        assert sip["username"] == NEW_AGENT and len(sip["password"]) >= 20
        server = f"{sip['server']}:{sip['port']}"
        phone = phones.agent(NEW_AGENT, sip["password"], server)
        phone.wait_registered(timeout=10)
        assert sip["password"] not in console.get("/admin/agents/").text  # shown once

        reset = shown(console.post(f"/admin/agents/{NEW_AGENT}/password").text)
        assert reset["password"] != sip["password"]
        again = phones.agent(NEW_AGENT, reset["password"], server)
        again.wait_registered(timeout=10)
        assert sandbox.status()["pid"] == pid  # reloaded, never restarted
    finally:
        console.post(f"/admin/agents/{NEW_AGENT}/remove")
    assert until(lambda: not endpoint_exists(sandbox, NEW_AGENT), timeout=10)


@pytest.fixture
def restore_queue_settings(sandbox: Sandbox) -> Iterator[None]:
    settings = load_settings()
    before: dict[str, Any] = read_overrides(settings.state_dir)
    yield
    if before:
        save_overrides(settings.state_dir, before)
    else:
        overrides_path(settings.state_dir).unlink(missing_ok=True)
    apply_to_asterisk(load_settings())


def test_a_queue_setting_edited_on_the_page_reaches_asterisk_without_a_restart(
    console: FlaskClient, sandbox: Sandbox, restore_queue_settings: None
) -> None:
    pid = sandbox.status()["pid"]
    assert "'ringall' strategy" not in rx(sandbox, "queue show repair")
    form = {
        "strategy": "ringall",
        "ring_seconds": "20",
        "wrapup_seconds": "3",
        "overflow_seconds": "77",
        "overflow_to": "general",
        "announce_frequency": "30",
        "periodic_announce_seconds": "0",
        "survey": "y",
        "keep_place": "y",
        "keep_place_announce_seconds": "30",
    }
    response = console.post("/admin/queues/repair", data=form)
    assert response.status_code == 302, response.text
    assert until(lambda: "'ringall' strategy" in rx(sandbox, "queue show repair"), timeout=10)
    dialplan = rx(sandbox, "dialplan show repair@cc-queue")
    assert "Queue(repair,rtc,,,77)" in dialplan and "cc-queue,general_queue,1" in dialplan
    assert sandbox.status()["pid"] == pid
    page = console.get("/admin/queues/").text
    members = page.split('data-members="repair"')[1].split("</table>")[0]
    assert 'data-member="1001"' in members  # live from AMI QueueStatus


@pytest.fixture
def restore_menu() -> Iterator[None]:
    saved = edited_menu_path(load_settings())
    assert not saved.exists(), f"{saved} exists: a console-saved menu is in use here"
    yield
    saved.unlink(missing_ok=True)
    for backup in saved.parent.glob("backups/*.toml"):
        backup.unlink()
    for folder in (saved.parent / "backups", saved.parent, saved.parent.parent):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def test_a_menu_saved_on_the_page_is_served_by_the_running_controller(
    console: FlaskClient,
    controller: RunningController,
    phones: PhoneHost,
    info: dict[str, Any],
    restore_menu: None,
) -> None:
    settings = load_settings()
    head, main = configured_menu_path(settings).read_text(encoding="utf-8").split("[nodes.main]")
    new_key = '{ digit = "7", action = "queue", queue = "complaints" },\n  { digit = "9",'
    text = head + "[nodes.main]" + main.replace('{ digit = "9",', new_key, 1)
    applied = controller.log().count("admin changes applied")
    assert console.post("/admin/menus/", data={"text": text, "do": "save"}).status_code == 302
    controller.wait_log("admin changes applied", occurrences=applied + 1, timeout=15)

    agent = register_agent(phones, info, "1003")
    call = pstn(phones, info).dial(info["hotline"], from_number="13800000777")
    assert through_ivr(controller, call, "1", "7") == ["language:1", "main:7"]
    agent.wait_incoming(timeout=20).wait_confirmed(timeout=20)
    call.hangup()
    (logged,) = controller.wait_calls(1)
    assert logged["queue"] == "complaints"


def penalty_of(ext: str, queue: str) -> int | None:
    members = live_members(load_settings()) or {}
    return next((m.penalty for m in members.get(queue, []) if m.extension == ext), None)


def test_an_agents_penalty_edited_on_the_page_changes_at_once(
    console: FlaskClient, sandbox: Sandbox
) -> None:
    assert penalty_of("1002", "repair") == 0
    try:
        response = console.post("/admin/agents/1002", data={"name": "李雷", "penalty_repair": "4"})
        assert response.status_code == 302
        assert until(lambda: penalty_of("1002", "repair") == 4, timeout=10)
        assert "已立即修改" in console.get("/admin/agents/").text
    finally:
        rx(sandbox, "queue set penalty 0 on PJSIP/1002 in repair")
    assert penalty_of("1002", "repair") == 0
