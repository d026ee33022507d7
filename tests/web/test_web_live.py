"""The live stream and the board's endpoints, without a browser."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from callcenter.ami.actions import Action
from callcenter.live.controller_link import LiveLink
from callcenter.live.notifier import LiveNotifier
from tests.web.conftest import AuthActions, Data
from web.live import EXTENSION_KEY


class FakeLink(LiveLink):
    def __init__(self) -> None:
        super().__init__(LiveNotifier())
        self.notifier.fed = True
        self.sent: list[Action] = []
        self.answer: dict[str, str] = {"Response": "Success"}

    @property
    def ami_connected(self) -> bool:
        return True

    def send(self, action: Action, *, timeout: float = 10.0) -> Any:
        self.sent.append(action)
        return self.answer


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "LIVE_HEARTBEAT_SECONDS": 0.05, "LIVE_MAX_STREAMS": 2}


@pytest.fixture
def link(app: Flask) -> FakeLink:
    fake = FakeLink()
    app.extensions[EXTENSION_KEY] = fake
    return fake


def read_events(response: Any, count: int) -> list[tuple[str, Any]]:
    """The first ``count`` events (and comments, as ("comment", text)) of a stream."""
    out: list[tuple[str, Any]] = []
    buffer = b""
    for chunk in response.response:
        buffer += chunk
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            text = block.decode()
            if text.startswith(":"):
                out.append(("comment", text[1:].strip()))
            elif text.startswith("event:"):
                kind, data = text.split("\n", 1)
                out.append((kind.split(": ", 1)[1], json.loads(data.split(": ", 1)[1])))
            if len(out) >= count:
                response.close()
                return out
    return out


def test_the_stream_starts_with_a_snapshot_then_sends_changes_and_heartbeats(
    logged_in: AuthActions, client: FlaskClient, link: FakeLink
) -> None:
    link.notifier.publish("call", {"linkedid": "a", "phase": "queue", "agent": None}, key="a")
    response = client.get("/live/stream")
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    stream = iter(response.response)
    first = next(stream).decode()
    assert first.startswith("retry: ")
    snapshot = json.loads(first.split("data: ", 1)[1])
    assert [c["linkedid"] for c in snapshot["calls"]] == ["a"]
    assert snapshot["ami_connected"] is True
    link.notifier.publish("call", {"linkedid": "a", "phase": "talking", "agent": "1001"}, key="a")
    changed = next(stream).decode()
    assert changed.startswith("event: call\n") and '"phase":"talking"' in changed
    assert next(stream) == b": heartbeat\n\n"
    response.close()
    assert link.notifier.subscriber_count == 0


def test_an_agent_sees_only_their_own_calls(
    client: FlaskClient, data: Data, auth: AuthActions, link: FakeLink
) -> None:
    data.user("bob", "agent", extension="1001")
    auth.login("bob")
    link.notifier.publish("call", {"linkedid": "x", "agent": "1002"}, key="x")
    link.notifier.publish("call", {"linkedid": "y", "agent": "1001"}, key="y")
    events = read_events(client.get("/live/stream"), 1)
    assert [c["linkedid"] for c in events[0][1]["calls"]] == ["y"]


def test_streams_are_capped_and_a_closed_one_frees_its_place(
    logged_in: AuthActions, client: FlaskClient, link: FakeLink
) -> None:
    first, second = client.get("/live/stream"), client.get("/live/stream")
    refused = client.get("/live/stream")
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    first.close()
    third = client.get("/live/stream")
    assert third.status_code == 200
    second.close()
    third.close()


def test_the_stream_needs_a_login(client: FlaskClient) -> None:
    assert client.get("/live/stream").status_code == 401


def test_listen_originates_chanspy_from_the_supervisors_extension(
    logged_in: AuthActions, client: FlaskClient, link: FakeLink
) -> None:
    response = client.post("/board/spy", data={"agent": "1002", "mode": "whisper"})
    assert response.status_code == 200, response.json
    headers = dict(link.sent[0].headers)
    assert headers["Channel"] == "PJSIP/1001"  # alice's own phone
    assert headers["Application"] == "ChanSpy" and headers["Data"] == "PJSIP/1002,qw"


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"agent": "1002", "mode": "shout"}, 400),
        ({"agent": "1002;Hangup", "mode": "listen"}, 400),
        ({"agent": "1001", "mode": "barge"}, 400),  # herself
    ],
)
def test_bad_spy_requests_are_refused(
    logged_in: AuthActions, client: FlaskClient, link: FakeLink, form: dict[str, str], status: int
) -> None:
    assert client.post("/board/spy", data=form).status_code == status
    assert link.sent == []


def test_asterisk_refusing_the_originate_is_reported(
    logged_in: AuthActions, client: FlaskClient, link: FakeLink
) -> None:
    link.answer = {"Response": "Error", "Message": "Extension does not exist."}
    response = client.post("/board/spy", data={"agent": "1002", "mode": "barge"})
    assert response.status_code == 502 and "Extension does not exist." in response.json["message"]


def test_without_a_controller_listening_is_unavailable(
    logged_in: AuthActions, client: FlaskClient
) -> None:
    response = client.post("/board/spy", data={"agent": "1002", "mode": "listen"})
    assert response.status_code == 503


def test_metrics_count_live_calls_and_waiting_callers(
    app: Flask, data: Data, client: FlaskClient, link: FakeLink
) -> None:
    data.user("prom", "supervisor")
    token = data.token("prom")
    link.notifier.publish("call", {"linkedid": "a", "phase": "queue", "queue": "general"}, key="a")
    link.notifier.publish(
        "call", {"linkedid": "b", "phase": "talking", "queue": "general"}, key="b"
    )
    text = client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).text
    assert "callcenter_calls_in_progress 2" in text
    assert 'callcenter_waiting_callers{queue="general"} 1' in text
    assert "callcenter_ami_connected 1" in text
    assert client.get("/metrics").status_code == 401
