"""Logging in and out, the login throttle, and who may open what."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.conftest import PASSWORD, AuthActions, Data, FakeClock
from web.auth import LOGIN_AT_KEY, role_required

PAGES = ["/", "/calls/", "/calls/1", "/calls/?limit=5"]
JSON_ENDPOINTS = ["/calls/feed.json", "/api/v1/calls", "/api/v1/calls/1", "/api/v1/openapi.json"]
WRONG = "用户名或密码错误"


@pytest.mark.parametrize("path", PAGES)
def test_pages_without_login_redirect_to_login(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_json_endpoints_without_login_answer_401(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.json is not None and response.json["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_login_page_is_open_and_has_labelled_fields(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert '<label for="username">' in response.text
    assert '<label for="password">' in response.text


def test_right_password_logs_in_and_goes_to_the_call_list(data: Data, auth: AuthActions) -> None:
    data.user("bob", "agent")
    response = auth.login("bob")
    assert response.status_code == 302
    assert response.location == "/calls/"


def test_a_supervisor_starts_on_the_live_board(data: Data, auth: AuthActions) -> None:
    data.user("alice", "supervisor")
    assert auth.login().location == "/board/"


def test_login_returns_to_the_page_asked_for(data: Data, auth: AuthActions) -> None:
    data.user("alice")
    assert auth.login(next="/calls/7").location == "/calls/7"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_login_never_redirects_off_site(data: Data, auth: AuthActions, target: str) -> None:
    data.user("alice")
    assert auth.login(next=target).location == "/board/"


def test_wrong_password_and_unknown_user_get_the_same_answer(data: Data, auth: AuthActions) -> None:
    data.user("alice")
    wrong_password = auth.login("alice", "nope")
    unknown_user = auth.login("mallory", PASSWORD)
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert WRONG in response.text
        assert 'role="alert"' in response.text

    # Nothing but the echoed username (and the time-stamped CSRF token) differs.
    def page(response: TestResponse, username: str) -> str:
        text = re.sub(r'name="csrf_token" value="[^"]*"', "", response.text)
        return text.replace(username, "X")

    assert page(wrong_password, "alice") == page(unknown_user, "mallory")


def test_wrong_password_message_in_english(data: Data, client: FlaskClient) -> None:
    data.user("alice")
    response = client.post(
        "/login",
        data={"username": "alice", "password": "nope"},
        headers={"Accept-Language": "en"},
    )
    assert "Wrong username or password" in response.text


def test_empty_fields_are_named(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 400
    assert "请输入用户名" in response.text
    assert 'aria-invalid="true"' in response.text


def test_sixth_attempt_within_five_minutes_is_refused_with_429(
    data: Data, auth: AuthActions, clock: FakeClock
) -> None:
    data.user("alice")
    for _ in range(5):
        assert auth.login("alice", "guess").status_code == 200
    refused = auth.login("alice", PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.text
    assert 1 <= int(refused.headers["Retry-After"]) <= 300
    clock.advance(301)
    assert auth.login("alice", PASSWORD).status_code == 302


def test_throttle_counts_per_username(data: Data, auth: AuthActions) -> None:
    data.user("alice")
    data.user("bob", "agent")
    for _ in range(5):
        auth.login("alice", "guess")
    assert auth.login("bob", PASSWORD).status_code == 302


def test_logout_needs_post_and_ends_the_login(logged_in: AuthActions, client: FlaskClient) -> None:
    assert client.get("/logout").status_code == 405
    response = logged_in.logout()
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/calls/").status_code == 302


def test_login_older_than_a_shift_is_ended(logged_in: AuthActions, client: FlaskClient) -> None:
    assert client.get("/calls/").status_code == 200
    with client.session_transaction() as session:
        session[LOGIN_AT_KEY] = int(time.time()) - 8 * 3600 - 1
    assert client.get("/calls/").status_code == 302


def test_deactivated_user_is_logged_out_at_once(
    logged_in: AuthActions, client: FlaskClient, data: Data
) -> None:
    data.deactivate("alice")
    assert client.get("/calls/").status_code == 302


def test_deactivated_user_cannot_log_in(data: Data, auth: AuthActions) -> None:
    data.user("alice")
    data.deactivate("alice")
    assert WRONG in auth.login().text


def test_role_required_refuses_other_roles(app: Flask, data: Data, auth: AuthActions) -> None:
    @role_required("admin")
    def admin_only() -> str:
        return "admin page"

    app.add_url_rule("/admin-only", "admin_only", admin_only)
    client = app.test_client()
    assert client.get("/admin-only").status_code == 302
    data.user("agent1", "agent")
    data.user("root", "admin")
    AuthActions(client).login("agent1")
    assert client.get("/admin-only").status_code == 403
    AuthActions(client).login("root")
    assert client.get("/admin-only").text == "admin page"
