"""Fixtures of the console tests (Flask tutorial style: app, client, runner, auth).

Each test gets its own SQLite file, copied from one migrated once per session with the
storage layer's ``upgrade()``, and its own state folder (so its own secret key).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from callcenter.config import Settings
from callcenter.db.call_repository import CallRepository
from callcenter.db.engine import session_scope
from callcenter.db.migrate import upgrade
from callcenter.db.user_repository import ApiTokenRepository, UserRepository
from callcenter.domain.call import Call, Disposition, TimelineEntry
from web import create_app
from web.database import EXTENSION_KEY
from web.login_throttle import LoginThrottle

PASSWORD = "correct horse battery staple"
# 2025-05-01 06:03:00 UTC is 14:03:00 in Asia/Shanghai.
CALL_START = datetime(2025, 5, 1, 6, 3, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "callcenter.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(tmp_path: Path, migrated_template: Path) -> str:
    path = tmp_path / "callcenter.db"
    shutil.copyfile(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(state_dir=tmp_path / "state", database_url=database_url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app_config(clock: FakeClock) -> dict[str, Any]:
    """Flask settings of the ``app`` fixture; a test module may override this fixture."""
    return {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_THROTTLE": LoginThrottle(clock=clock),
    }


@pytest.fixture
def app(settings: Settings, app_config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(settings, test_config=app_config)
    yield application
    application.extensions[EXTENSION_KEY].kw["bind"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@dataclass
class Data:
    """Puts users and calls into the test database."""

    app: Flask
    _call_count: int = field(default=0)

    def _scope(self) -> Any:
        return session_scope(self.app.extensions[EXTENSION_KEY])

    def user(self, username: str = "alice", role: str = "supervisor", **kwargs: Any) -> int:
        with self._scope() as session:
            return UserRepository(session).add(username, PASSWORD, role, **kwargs).id

    def token(self, username: str = "alice") -> str:
        with self._scope() as session:
            user = UserRepository(session).by_username(username)
            assert user is not None
            return ApiTokenRepository(session).create(user, name="test")

    def deactivate(self, username: str) -> None:
        with self._scope() as session:
            user = UserRepository(session).by_username(username)
            assert user is not None
            UserRepository(session).set_active(user, False)

    def call(self, **overrides: Any) -> int:
        """A finished, answered call by 王小明 (fields overridable), saved; returns its id."""
        self._call_count += 1
        start = overrides.pop("started_at", CALL_START)
        values: dict[str, Any] = {
            "linkedid": f"1714543380.{self._call_count}",
            "caller_number": "13800138000",
            "caller_name": "王小明",
            "dialed": "8000",
            "started_at": start,
            "answered_at": start + timedelta(seconds=42),
            "ended_at": start + timedelta(seconds=42 + 185),
            "queue_joined_at": start + timedelta(seconds=12),
            "queue": "general",
            "agent": "1001",
            "disposition": Disposition.ANSWERED,
            "ivr_path": ("1", "2"),
            "timeline": (
                TimelineEntry(start, "start", "PJSIP/pstn-00000001"),
                TimelineEntry(start + timedelta(seconds=5), "ivr", "1"),
                TimelineEntry(start + timedelta(seconds=12), "queue_join", "general"),
                TimelineEntry(start + timedelta(seconds=42), "answer", "1001"),
                TimelineEntry(start + timedelta(seconds=227), "hangup", "16 Normal Clearing"),
            ),
        }
        values.update(overrides)
        with self._scope() as session:
            return CallRepository(session).save(Call(**values))


@pytest.fixture
def data(app: Flask) -> Data:
    return Data(app)


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(
        self, username: str = "alice", password: str = PASSWORD, **extra: str
    ) -> TestResponse:
        return self._client.post(
            "/login", data={"username": username, "password": password, **extra}
        )

    def logout(self) -> TestResponse:
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def logged_in(data: Data, auth: AuthActions) -> AuthActions:
    """A supervisor "alice" is logged in on ``client``."""
    data.user("alice", "supervisor", display_name="李娜", extension="1001")
    response = auth.login()
    assert response.status_code == 302, response.text
    return auth
