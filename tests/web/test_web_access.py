"""Who may reach what: every route of the app (read from its URL map, so routes added later
are covered too) without a login, as an agent, and without a CSRF token; and the API
fuzzed from its own OpenAPI document (schemathesis) without a single 5xx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from callcenter.db.call_repository import CallRepository
from callcenter.db.engine import session_scope
from tests.phones.audio import make_tone_wav
from tests.web.conftest import PASSWORD, AuthActions, Data
from web.database import EXTENSION_KEY

# Reachable without a login, on purpose: the login form, the language switch (chosen on
# the login page), logging out (ends nothing if nobody is logged in) and static files.
PUBLIC = {"auth.login", "auth.logout", "i18n.switch_language", "static"}
# Blueprints only supervisors and admins may use; "admin" pages only admins.
SUPERVISOR_ONLY = {"board", "reports", "admin", "metrics"}
SKIP_METHODS = {"HEAD", "OPTIONS"}


def example_url(rule: Rule) -> str:
    values: dict[str, Any] = {}
    for name, converter in rule._converters.items():  # werkzeug's own map
        choices = getattr(converter, "items", None)
        if choices:
            values[name] = sorted(choices)[0]
        elif isinstance(converter, NumberConverter):
            values[name] = 1
        else:
            values[name] = "daily"
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every route, with example values for its arguments."""
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - SKIP_METHODS):
            out.append((rule.endpoint, method, example_url(rule)))
    return out


def test_every_route_needs_a_login(app: Flask, client: FlaskClient) -> None:
    checked = 0
    for endpoint, method, url in routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(url, method=method)
        checked += 1
        if response.status_code == 302:
            assert response.location.startswith("/login"), (endpoint, url, response.location)
        else:
            assert response.status_code == 401, (endpoint, method, url, response.status_code)
    assert checked >= 15  # the map really was walked


def test_an_agent_cannot_reach_supervisor_or_admin_pages(
    app: Flask, client: FlaskClient, data: Data, auth: AuthActions
) -> None:
    data.user("bob", "agent", extension="1001")
    auth.login("bob")
    checked = []
    for endpoint, method, url in routes(app):
        if endpoint.split(".")[0] not in SUPERVISOR_ONLY:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 403, (endpoint, method, url, response.status_code)
        checked.append(endpoint)
    assert {"board.index", "board.spy", "reports.index", "admin.users", "metrics.metrics"} <= set(
        checked
    )


def test_a_supervisor_cannot_reach_admin_pages(
    app: Flask, client: FlaskClient, data: Data, auth: AuthActions
) -> None:
    data.user("alice", "supervisor")
    auth.login()
    for endpoint, method, url in routes(app):
        if endpoint.startswith("admin."):
            assert client.open(url, method=method).status_code == 403, endpoint
    assert client.get("/board/").status_code == 200


def test_the_api_admin_endpoints_refuse_an_agents_token(
    app: Flask, client: FlaskClient, data: Data
) -> None:
    data.user("bob", "agent", extension="1001")
    token = data.token("bob")
    headers = {"Authorization": f"Bearer {token}"}
    admin_routes = [r for r in routes(app) if r[2].startswith("/api/") and "admin" in r[2]]
    for endpoint, method, url in admin_routes:
        assert client.open(url, method=method, headers=headers).status_code == 403, endpoint
    assert client.get("/metrics", headers=headers).status_code == 403


def _recorded_call(app: Flask, data: Data, tmp_path: Path, agent: str) -> int:
    call_id = data.call(agent=agent, linkedid=f"rec.{agent}")
    wav = make_tone_wav(tmp_path / f"{agent}.wav", seconds=2.0)
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        CallRepository(session).set_recording(call_id, str(wav))
    return call_id


def test_an_agent_hears_only_their_own_calls(
    app: Flask, client: FlaskClient, data: Data, auth: AuthActions, tmp_path: Path
) -> None:
    mine = _recorded_call(app, data, tmp_path, "1001")
    theirs = _recorded_call(app, data, tmp_path, "1002")
    data.user("bob", "agent", extension="1001")
    auth.login("bob")
    own = client.get(f"/calls/{mine}/recording", headers={"Range": "bytes=0-99"})
    assert own.status_code == 206 and len(own.data) == 100
    assert own.headers["Content-Type"] == "audio/wav"
    assert client.get(f"/calls/{theirs}/recording").status_code == 403
    page = client.get(f"/calls/{theirs}").text
    assert "<audio" not in page
    assert "<audio" in client.get(f"/calls/{mine}").text


def test_a_supervisor_hears_every_call_and_the_answer_supports_ranges(
    app: Flask, client: FlaskClient, data: Data, auth: AuthActions, tmp_path: Path
) -> None:
    call_id = _recorded_call(app, data, tmp_path, "1002")
    data.user("alice", "supervisor")
    auth.login()
    whole = client.get(f"/calls/{call_id}/recording")
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    assert "no-store" in whole.headers["Cache-Control"]
    tail = client.get(f"/calls/{call_id}/recording", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == whole.data[-10:]


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_every_form_without_the_csrf_token_is_refused(
        self, app: Flask, client: FlaskClient, data: Data
    ) -> None:
        data.user("root", "admin", extension="1009")
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token is not None
        login = {"username": "root", "password": PASSWORD, "csrf_token": token.group(1)}
        assert client.post("/login", data=login).status_code == 302
        posts = [
            (endpoint, url)
            for endpoint, method, url in routes(app)
            if method == "POST" and not url.startswith("/api/")
        ]
        for endpoint, url in posts:
            response = client.post(url, data={"agent": "1001", "mode": "listen"})
            assert response.status_code == 400, (endpoint, url, response.status_code)
        assert {"board.spy", "admin.users", "admin.tokens", "auth.logout"} <= {
            e for e, _ in posts
        }
