"""``/api/v1/agents`` and ``/api/v1/queues``: what a wallboard script reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from callcenter.agents.state import AgentState, StateChange
from callcenter.agents.store import AgentRepository
from callcenter.db.engine import session_scope
from callcenter.domain.call import Disposition
from callcenter.live.notifier import LiveNotifier
from tests.web.conftest import Data
from web.board_data import LIVE_KEY
from web.database import EXTENSION_KEY


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def store_pause(app: Flask) -> None:
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        repo = AgentRepository(session)
        repo.save("1001", name="王芳", queues=["general"], skills={})
        repo.record(
            StateChange(
                extension="1001",
                at=datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
                previous=AgentState.AVAILABLE,
                state=AgentState.PAUSED,
                cause="QueueMemberPause",
                reason="lunch",
            )
        )


def test_agents_from_the_stored_timeline_without_a_controller(
    app: Flask, client: FlaskClient, data: Data
) -> None:
    store_pause(app)
    data.user("boss", "supervisor")
    response = client.get("/api/v1/agents", headers=bearer(data.token("boss")))
    assert response.status_code == 200
    (agent,) = [a for a in response.json["agents"] if a["extension"] == "1001"]
    assert agent == {
        "extension": "1001",
        "name": "王芳",
        "state": "paused",
        "pause_reason": "lunch",
        "queues": [],
        "since": "2026-11-26T02:00:00+00:00",
        "live": False,
    }


def test_agents_live_from_the_controller_win_over_the_stored_state(
    app: Flask, client: FlaskClient, data: Data
) -> None:
    store_pause(app)
    notifier: LiveNotifier = app.extensions[LIVE_KEY].notifier
    live: dict[str, Any] = {
        "extension": "1001",
        "state": "on_call",
        "since": datetime(2026, 11, 26, 3, 0, tzinfo=UTC).timestamp(),
        "queues": ["general", "repair"],
        "queue": "general",
        "reason": "",
        "call": "1.1",
        "caller": None,
    }
    notifier.publish("agent", live, key="1001")
    data.user("boss", "supervisor")
    body = client.get("/api/v1/agents", headers=bearer(data.token("boss"))).json
    (agent,) = [a for a in body["agents"] if a["extension"] == "1001"]
    assert agent["state"] == "on_call" and agent["live"] is True
    assert agent["queues"] == ["general", "repair"] and agent["pause_reason"] is None
    assert agent["since"] == "2026-11-26T03:00:00+00:00"


def test_queues_are_todays_wallboard(client: FlaskClient, data: Data) -> None:
    data.call(queue="repair", disposition=Disposition.ABANDONED)
    data.user("boss", "supervisor")
    body = client.get("/api/v1/queues", headers=bearer(data.token("boss"))).json
    figures = {q["queue"]: q for q in body["queues"]}
    assert {"general", "repair", "complaints"} <= set(figures)
    assert "service_level" in figures["repair"] and "callbacks_pending" in figures["repair"]


def test_agents_and_queues_are_for_supervisors(client: FlaskClient, data: Data) -> None:
    data.user("robot", "agent")
    token = data.token("robot")
    for path in ("/api/v1/agents", "/api/v1/queues"):
        assert client.get(path, headers=bearer(token)).status_code == 403
        assert client.get(path).status_code == 401


def test_the_openapi_document_describes_them(client: FlaskClient, data: Data) -> None:
    data.user("boss", "supervisor")
    doc = client.get("/api/v1/openapi.json", headers=bearer(data.token("boss"))).json
    assert {"/api/v1/agents", "/api/v1/queues"} <= set(doc["paths"])
    assert doc["components"]["schemas"]["Agent"]["properties"]["state"]["enum"][0] == "logged_out"
