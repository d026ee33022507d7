"""Customers in the API (view, search, edit with a change log), the combined search that
also finds calls without a ticket, and their OpenAPI description."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from callcenter.db.engine import session_scope
from callcenter.db.models import CallRow
from callcenter.ticketing.call_transcripts import call_hit_to_dict, search_unticketed_calls
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.serialize import customer_detail, customer_to_dict
from tests.web.conftest import Data
from web.database import EXTENSION_KEY


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def agent(data: Data) -> dict[str, str]:
    data.user("agent7", "agent", extension="1007")
    return bearer(data.token("agent7"))


@pytest.fixture
def customer_id(app: Flask) -> int:
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        return CustomerRepository(session).create("王小明", ["13800138000"])


def test_an_agent_finds_and_edits_a_customer_and_the_change_is_logged(
    client: FlaskClient, agent: dict[str, str], customer_id: int
) -> None:
    found: Any = client.get("/api/v1/customers?q=0013", headers=agent).json
    assert [c["id"] for c in found["customers"]] == [customer_id]
    assert client.get("/api/v1/customers?q=小明", headers=agent).json["customers"][0]["name"] == (
        "王小明"
    )
    url = f"/api/v1/customers/{customer_id}"
    edited: Any = client.patch(url, json={"vip": True, "notes": "老客户"}, headers=agent).json
    assert edited["vip"] is True and edited["notes"] == "老客户"
    assert [(h["field"], h["by"]) for h in edited["history"]] == [
        ("vip", "1007"),
        ("notes", "1007"),
    ]
    added = client.post(f"{url}/numbers", json={"number": "010-6512-3456"}, headers=agent)
    assert added.status_code == 201 and "01065123456" in added.json["numbers"]
    removed = client.delete(f"{url}/numbers/01065123456", headers=agent)
    assert removed.json["numbers"] == ["13800138000"]


def test_bad_customer_input_is_named(
    client: FlaskClient, agent: dict[str, str], customer_id: int
) -> None:
    url = f"/api/v1/customers/{customer_id}"
    wrong_type = client.patch(url, json={"vip": "yes"}, headers=agent)
    assert wrong_type.status_code == 400 and "vip must be a bool" in wrong_type.json["message"]
    unknown = client.patch(url, json={"id": 5}, headers=agent)
    assert unknown.status_code == 400 and "cannot change id" in unknown.json["message"]
    assert client.patch(url, json={}, headers=agent).status_code == 400
    assert client.get("/api/v1/customers/999999", headers=agent).status_code == 404
    assert client.post(f"{url}/numbers", json={}, headers=agent).status_code == 400
    assert client.get("/api/v1/customers").status_code == 401


def test_search_also_finds_transcripts_of_calls_without_a_ticket(
    app: Flask, client: FlaskClient, data: Data, agent: dict[str, str]
) -> None:
    call_id = data.call(linkedid="t.1")
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        row = session.get(CallRow, call_id)
        assert row is not None
        row.transcript = "您好,我家的空调不制冷了,麻烦派人来看看"
    answer: Any = client.get("/api/v1/tickets/search?q=空调不制冷", headers=agent).json
    assert answer["results"] == []
    (call,) = answer["calls"]
    assert call["id"] == call_id and "空调不制冷" in call["snippet"]


def test_openapi_customer_schemas_are_the_dicts(
    app: Flask, client: FlaskClient, agent: dict[str, str], customer_id: int
) -> None:
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        repo = CustomerRepository(session)
        row = repo.get(customer_id)
        assert row is not None
        summary = customer_to_dict(row, repo.numbers(customer_id))
        detail = customer_detail(session, row)
        hits = [call_hit_to_dict(h) for h in search_unticketed_calls(session, "x")]
    document: Any = client.get("/api/v1/openapi.json", headers=agent).json
    schemas = document["components"]["schemas"]
    assert set(schemas["Customer"]["properties"]) == set(summary)
    extra = schemas["CustomerDetail"]["allOf"][1]["properties"]
    assert set(summary) | set(extra) == set(detail)
    assert hits == [] and set(schemas["CallHit"]["properties"]) == {
        "id", "started_at", "caller_number", "caller_name", "agent", "snippet",
    }  # fmt: skip
    for path in ("/api/v1/customers", "/api/v1/customers/{customer_id}"):
        assert path in document["paths"]
