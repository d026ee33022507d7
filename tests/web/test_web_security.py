"""Headers, cookies, CSRF, the secret key, and no inline script."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import web
from callcenter.config import Settings
from tests.web.conftest import PASSWORD, AuthActions, Data
from web import create_app
from web.secret_key import load_or_create_secret_key, secret_key_path

TEMPLATES = Path(web.__file__).parent / "templates"


def test_every_answer_carries_the_security_headers(client: FlaskClient) -> None:
    for path in ("/login", "/calls/", "/api/v1/calls", "/static/console.css"):
        headers = client.get(path).headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_pages_are_not_cached(client: FlaskClient) -> None:
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_templates_have_no_inline_script_or_style() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "<style" not in text and " style=" not in text, template
        assert not re.search(r"\son[a-z]+=", text), template  # onclick= and friends


def test_the_session_cookie_is_httponly_lax_and_expires(
    logged_in: AuthActions, client: FlaskClient, data: Data
) -> None:
    response = logged_in.login()
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "callcenter_session=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie


def test_the_secret_key_is_made_once_and_kept_private(settings: Settings) -> None:
    first = load_or_create_secret_key(settings.state_dir)
    path = secret_key_path(settings.state_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_or_create_secret_key(settings.state_dir) == first
    assert len(first) >= 64


def test_the_app_uses_the_key_from_the_state_folder(settings: Settings) -> None:
    app = create_app(settings)
    assert app.config["SECRET_KEY"] == secret_key_path(settings.state_dir).read_text()


def test_a_key_file_readable_by_others_is_refused(settings: Settings) -> None:
    load_or_create_secret_key(settings.state_dir)
    os.chmod(secret_key_path(settings.state_dir), 0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        load_or_create_secret_key(settings.state_dir)


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_login_without_the_csrf_token_is_refused(self, data: Data, client: FlaskClient) -> None:
        data.user("alice")
        response = client.post("/login", data={"username": "alice", "password": PASSWORD})
        assert response.status_code == 400
        assert "表单已过期" in response.text
        assert client.get("/calls/").status_code == 302

    def test_logout_and_language_without_the_token_are_refused(self, client: FlaskClient) -> None:
        assert client.post("/logout").status_code == 400
        assert client.post("/language", data={"lang": "en"}).status_code == 400

    def test_login_with_the_token_from_the_form_works(
        self, data: Data, client: FlaskClient
    ) -> None:
        data.user("alice")
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token is not None
        response = client.post(
            "/login",
            data={"username": "alice", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert response.status_code == 302

    def test_api_with_a_bearer_token_needs_no_csrf_token(
        self, app: Flask, data: Data, client: FlaskClient
    ) -> None:
        data.user("robot", "agent")
        token = data.token("robot")
        response = client.get("/api/v1/calls", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
