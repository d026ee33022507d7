"""Admin sections: agents (credentials shown once), queues, IVR menu, business hours.

No Asterisk here (the cache folder is empty, so no sandbox is installed): the pages store
what they are given and say Asterisk applies it when it starts. The integration test
``tests/integration/test_admin_live.py`` checks the same pages against a real Asterisk.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from callcenter.admin.menu_store import configured_menu_path, effective_menu_path
from callcenter.admin.overrides import read_overrides
from callcenter.config import Settings
from tests.web.conftest import AuthActions, Data
from tests.web.test_web_access import SUPERVISOR_ONLY, routes

PAGES = [
    "/admin/agents/",
    "/admin/queues/",
    "/admin/queues/repair",
    "/admin/menus/",
    "/admin/hours/",
    "/admin/agents/1001",
]


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        state_dir=tmp_path / "state",
        cache_dir=tmp_path / "cache",  # no Asterisk installed: nothing outside tmp_path
        prompts_dir=tmp_path / "prompts",
        database_url=database_url,
    )


@pytest.fixture
def admin(data: Data, auth: AuthActions) -> AuthActions:
    data.user("root", "admin")
    assert auth.login("root").status_code == 302
    return auth


def secrets(settings: Settings) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (settings.state_dir / "sandbox" / "secrets.json").read_text(encoding="utf-8")
    )
    return data


def shown_password(page: str) -> str | None:
    found = re.search(r'data-sip="password">([^<]+)<', page)
    return found.group(1) if found else None


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_only_admins_reach_the_sections(
    client: FlaskClient, data: Data, auth: AuthActions, role: str
) -> None:
    data.user("someone", role, extension="1002")
    auth.login("someone")
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/agents/", data={"extension": "1050"}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client: FlaskClient) -> None:
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login"), url


def test_every_section_renders_for_an_admin_in_both_languages(
    admin: AuthActions, client: FlaskClient
) -> None:
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert "坐席与分机" in client.get("/admin/agents/").text
    client.post("/language", data={"lang": "en", "next": "/admin/hours/"})
    assert "Business hours and holidays" in client.get("/admin/hours/").text


def test_a_new_agent_gets_credentials_shown_once(
    admin: AuthActions, client: FlaskClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    response = client.post(
        "/admin/agents/",
        data={"extension": "1050", "name": "王芳", "queue": ["repair"], "penalty_repair": "2"},
    )
    assert response.status_code == 200
    password = shown_password(response.text)
    assert password and password == secrets(settings)["agent_passwords"]["1050"]
    assert 'data-sip="server">127.0.0.1<' in response.text
    assert 'data-sip="port">5060<' in response.text
    assert "no-store" in response.headers["Cache-Control"]
    listing = client.get("/admin/agents/").text
    assert "王芳" in listing and password not in listing and shown_password(listing) is None
    assert password not in caplog.text  # never logged
    again = client.post("/admin/agents/", data={"extension": "1050"})
    assert again.status_code == 400 and "已存在" in again.text


def test_a_reset_shows_a_new_password_once(
    admin: AuthActions, client: FlaskClient, settings: Settings
) -> None:
    first = shown_password(client.post("/admin/agents/", data={"extension": "1051"}).text)
    response = client.post("/admin/agents/1051/password")
    second = shown_password(response.text)
    assert first and second and first != second
    assert secrets(settings)["agent_passwords"]["1051"] == second
    assert client.post("/admin/agents/1999/password").status_code == 404


def test_bad_agent_input_is_explained(admin: AuthActions, client: FlaskClient) -> None:
    response = client.post("/admin/agents/", data={"extension": "8000"})  # the hotline
    assert response.status_code == 400 and "热线" in response.text
    response = client.post("/admin/agents/", data={"extension": "12a"})
    assert response.status_code == 400 and "2 到 8 位数字" in response.text
    response = client.post("/admin/agents/", data={"extension": "1052", "penalty_repair": "x"})
    assert response.status_code == 400


def test_an_agent_is_edited_then_removed(
    admin: AuthActions, client: FlaskClient, settings: Settings
) -> None:
    client.post("/admin/agents/", data={"extension": "1053", "name": "张伟"})
    response = client.post(
        "/admin/agents/1053",
        data={"name": "张伟伟", "queue": ["general", "complaints"], "penalty_complaints": "5"},
    )
    assert response.status_code == 302
    row = client.get("/admin/agents/").text.split('data-extension="1053"')[1].split("</tr>")[0]
    assert "张伟伟" in row and "投诉" in row and "报修" not in row
    assert client.post("/admin/agents/1053/remove").status_code == 302
    assert 'data-extension="1053"' not in client.get("/admin/agents/").text
    assert "1053" not in secrets(settings)["agent_passwords"]
    client.post("/admin/agents/1001/remove")  # a configured agent is not removable
    assert 'data-extension="1001"' in client.get("/admin/agents/").text


def test_a_queue_edit_is_saved_and_shown(
    admin: AuthActions, client: FlaskClient, settings: Settings
) -> None:
    form = {
        "strategy": "ringall",
        "ring_seconds": "20",
        "wrapup_seconds": "9",
        "overflow_seconds": "60",
        "overflow_to": "general",
        "announce_frequency": "30",
        "periodic_announce_seconds": "0",
        "survey": "y",
        "keep_place": "y",
        "keep_place_announce_seconds": "45",
    }
    response = client.post("/admin/queues/repair", data=form)
    assert response.status_code == 302
    stored = read_overrides(settings.state_dir)["queue_settings"]["repair"]
    assert stored["wrapup_seconds"] == 9 and stored["overflow_to"] == "general"
    assert stored["keep_place"] is True and stored["keep_place_announce_seconds"] == 45
    # Overflow may also end in a callback request (or a voicemail) instead of a queue.
    assert (
        client.post("/admin/queues/repair", data={**form, "overflow_to": "callback"}).status_code
        == 302
    )
    assert (
        read_overrides(settings.state_dir)["queue_settings"]["repair"]["overflow_to"] == "callback"
    )
    client.post("/admin/queues/repair", data=form)
    card = client.get("/admin/queues/").text.split('data-queue="repair"')[1].split("</section>")[0]
    assert "9 s" in card and "ringall" in card
    bad = client.post("/admin/queues/repair", data={**form, "wrapup_seconds": "-3"})
    assert bad.status_code == 400 and "0 到 3600" in bad.text
    assert read_overrides(settings.state_dir)["queue_settings"]["repair"]["wrapup_seconds"] == 9
    assert client.get("/admin/queues/sales").status_code == 404


def test_hours_are_validated_and_saved(
    admin: AuthActions, client: FlaskClient, settings: Settings
) -> None:
    bad = client.post("/admin/hours/", data={"hours_tue": "13:30-12:00"})
    assert bad.status_code == 400 and "calendar.hours.tue[0]" in bad.text
    assert read_overrides(settings.state_dir) == {}
    response = client.post(
        "/admin/hours/",
        data={
            "hours_mon": "08:30-12:00, 13:30-17:30",
            "hours_sat": "09:00-12:00",
            "holiday_set": "cn_2026",
            "holidays": "2026-12-31",
        },
    )
    assert response.status_code == 302
    calendar = read_overrides(settings.state_dir)["calendar"]
    assert calendar["hours"]["mon"] == ["08:30-12:00", "13:30-17:30"]
    assert calendar["holiday_sets"] == ["cn_2026"] and calendar["holidays"] == ["2026-12-31"]
    page = client.get("/admin/hours/").text
    assert 'value="08:30-12:00, 13:30-17:30"' in page and "2026-12-31" in page


def test_a_menu_with_an_error_is_not_saved_then_the_fixed_one_is(
    admin: AuthActions, client: FlaskClient, settings: Settings
) -> None:
    original = configured_menu_path(settings).read_text(encoding="utf-8")
    broken = original.replace('target = "main" }', 'target = "mian" }', 1)
    response = client.post("/admin/menus/", data={"text": broken, "do": "save"})
    assert response.status_code == 422
    assert "language" in response.text and "mian" in response.text
    assert "未保存任何内容" in response.text
    assert effective_menu_path(settings) == configured_menu_path(settings)
    fixed = original.replace("欢迎致电总服务台", "欢迎致电服务台", 1)
    checked = client.post("/admin/menus/", data={"text": fixed, "do": "check"})
    assert checked.status_code == 200 and 'id="menu-ok"' in checked.text
    assert effective_menu_path(settings) == configured_menu_path(settings)  # only checked
    assert client.post("/admin/menus/", data={"text": fixed, "do": "save"}).status_code == 302
    page = client.get("/admin/menus/").text
    assert "欢迎致电服务台" in page and "按 1" in page
    audio = client.get("/admin/menus/prompts/zh/language.wav")
    assert audio.status_code == 200 and audio.data[:4] == b"RIFF"
    assert client.get("/admin/menus/prompts/zh/..%2Fsecret.wav").status_code == 404


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_forms_without_the_token_change_nothing(
        self, app: Flask, client: FlaskClient, data: Data, settings: Settings
    ) -> None:
        data.user("root", "admin")
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token is not None
        client.post(
            "/login",
            data={
                "username": "root",
                "password": "correct horse battery staple",
                "csrf_token": token.group(1),
            },
        )
        assert client.post("/admin/agents/", data={"extension": "1060"}).status_code == 400
        assert client.post("/admin/hours/", data={"hours_mon": ""}).status_code == 400
        assert not (settings.state_dir / "sandbox" / "secrets.json").exists()
        assert read_overrides(settings.state_dir) == {}


def test_the_route_walking_tests_cover_every_section(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _method, _url in routes(app)}
    sections = {"agents", "queues", "menus", "hours"}
    mine = {e for e in endpoints if e.count(".") == 2 and e.split(".")[1] in sections}
    assert {
        "admin.agents.index",
        "admin.agents.reset",
        "admin.agents.remove",
        "admin.queues.edit",
        "admin.queues.member",
        "admin.menus.index",
        "admin.menus.prompt_audio",
        "admin.hours.index",
    } <= mine
    assert all(e.split(".")[0] in SUPERVISOR_ONLY and e.startswith("admin.") for e in mine)


def test_a_member_change_without_asterisk_says_so(admin: AuthActions, client: FlaskClient) -> None:
    data = {"extension": "1001", "op": "penalty", "penalty": "3"}
    response = client.post("/admin/queues/repair/members", data=data, follow_redirects=True)
    assert response.status_code == 200 and "Asterisk 拒绝了此更改" in response.text
    bad = client.post(
        "/admin/queues/repair/members", data={"extension": "x", "op": "add"}, follow_redirects=True
    )
    assert "请输入坐席分机号" in bad.text
    assert client.post("/admin/queues/sales/members", data=data).status_code == 404
