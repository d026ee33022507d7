"""The tickets API under /api/v1 (Flask test client), and its OpenAPI description."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from callcenter.db.engine import session_scope
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.serialize import ticket_detail, ticket_to_dict
from tests.web.conftest import Data
from web.database import EXTENSION_KEY


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def agent(data: Data) -> dict[str, str]:
    data.user("agent7", "agent", extension="1007")
    return bearer(data.token("agent7"))


@pytest.fixture
def supervisor(data: Data) -> dict[str, str]:
    data.user("boss", "supervisor")
    return bearer(data.token("boss"))


def create(client: FlaskClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    payload = {
        "description": "网络断线",
        "contact": "13800138000",
        "customer_name": "王小明",
        "category": "repair",
        **fields,
    }
    response = client.post("/api/v1/tickets", json=payload, headers=headers)
    assert response.status_code == 201, response.json
    body: dict[str, Any] = response.json  # type: ignore[assignment]
    return body


def test_create_work_and_resolve_a_ticket(client: FlaskClient, agent: dict[str, str]) -> None:
    ticket = create(client, agent)
    number = ticket["number"]
    assert ticket["opened_by"] == "1007" and ticket["status"] == "new"
    steps = [
        ("assign", {"assignee": "1007"}),
        ("start", {}),
        ("resolve", {"resolution": "重启光猫"}),
    ]
    for action, payload in steps:
        response = client.post(f"/api/v1/tickets/{number}/{action}", json=payload, headers=agent)
        assert response.status_code == 200, response.json
    assert response.json is not None and response.json["status"] == "resolved"
    note = client.post(
        f"/api/v1/tickets/{number}/notes", json={"body": "客户说空调不制冷"}, headers=agent
    )
    assert note.status_code == 201
    hits: Any = client.get("/api/v1/tickets/search?q=空调不制冷", headers=agent).json
    assert [h["number"] for h in hits["results"]] == [number]
    listed: Any = client.get("/api/v1/tickets?status=resolved&assignee=1007", headers=agent).json
    assert [t["number"] for t in listed["tickets"]] == [number]
    visits: Any = client.get("/api/v1/visits?pending=1", headers=agent).json
    assert [v["ticket"] for v in visits["visits"]] == [number]


def test_rule_violations_are_409_and_unknown_tickets_404(
    client: FlaskClient, agent: dict[str, str]
) -> None:
    number = create(client, agent)["number"]
    closed = client.post(f"/api/v1/tickets/{number}/close", json={}, headers=agent)
    assert closed.status_code == 409 and closed.json is not None
    assert "cannot go from new to closed" in closed.json["message"]
    missing = client.get("/api/v1/tickets/20990101-0001", headers=agent)
    assert missing.status_code == 404
    bad = client.post("/api/v1/tickets", json={"description": "x"}, headers=agent)
    assert bad.status_code == 400


def test_a_call_becomes_a_ticket_and_later_calls_append(
    client: FlaskClient, data: Data, agent: dict[str, str]
) -> None:
    first, second = data.call(), data.call()
    made = client.post(
        f"/api/v1/calls/{first}/ticket", json={"description": "报修空调"}, headers=agent
    )
    assert made.status_code == 201 and made.json is not None
    number = made.json["number"]
    appended = client.post(f"/api/v1/calls/{second}/append", json={"note": "催办"}, headers=agent)
    assert appended.json is not None and appended.json["number"] == number
    detail: Any = client.get(f"/api/v1/tickets/{number}", headers=agent).json
    assert [c["id"] for c in detail["calls"]] == [first, second]
    assert client.get(f"/api/v1/calls/{first}", headers=agent).json["ticket"] is not None  # type: ignore[index]


def test_reports_are_for_supervisors(
    client: FlaskClient, agent: dict[str, str], supervisor: dict[str, str]
) -> None:
    create(client, agent)
    assert client.get("/api/v1/reports?period=day", headers=agent).status_code == 403
    report: Any = client.get("/api/v1/reports?period=day", headers=supervisor).json
    assert report["reports"][0]["tickets_opened"] == 1
    csv = client.get("/api/v1/reports?period=month&format=csv", headers=supervisor)
    assert csv.mimetype == "text/csv" and "tickets_opened" in csv.text
    assert client.post("/api/v1/escalations/check", headers=supervisor).status_code == 200
    assert client.get("/api/v1/escalations", headers=agent).json == {"escalations": []}


def test_openapi_ticket_schemas_are_the_dicts(
    app: Flask, client: FlaskClient, agent: dict[str, str]
) -> None:
    number = create(client, agent)["number"]
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        row = TicketRepository(session).require(number)
        summary, detail = ticket_to_dict(row), ticket_detail(session, row)
    document: Any = client.get("/api/v1/openapi.json", headers=agent).json
    schemas = document["components"]["schemas"]
    assert set(schemas["Ticket"]["properties"]) == set(summary)
    extra = schemas["TicketDetail"]["allOf"][1]["properties"]
    assert set(summary) | set(extra) == set(detail)
    paths = document["paths"]
    for path in (
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/search",
        "/api/v1/reports",
        "/api/v1/complaints",
        "/api/v1/visits",
    ):
        assert path in paths


def test_a_report_range_too_long_or_reversed_is_refused_by_name(
    client: FlaskClient, supervisor: dict[str, str]
) -> None:
    too_long = client.get(
        "/api/v1/reports?period=day&from=2000-01-01&to=2026-01-01", headers=supervisor
    )
    assert too_long.status_code == 400 and "more than 400 day periods" in too_long.json["message"]
    reversed_ = client.get(
        "/api/v1/reports?period=month&from=2026-03-01&to=2026-01-01", headers=supervisor
    )
    assert reversed_.status_code == 400 and "before it starts" in reversed_.json["message"]
    end = client.get("/api/v1/reports?period=quarter&from=9999-12-31", headers=supervisor)
    assert end.status_code == 400
    quarters = client.get(
        "/api/v1/reports?period=quarter&from=2026-01-01&to=2026-12-31", headers=supervisor
    )
    assert [r["period"] for r in quarters.json["reports"]] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
