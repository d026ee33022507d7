"""The JSON API under /api/v1."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from callcenter.db.call_repository import CallRepository, call_to_dict
from callcenter.db.engine import session_scope
from tests.web.conftest import AuthActions, Data
from web.database import EXTENSION_KEY


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token(data: Data) -> str:
    data.user("robot", "agent")
    return data.token("robot")


def stored(app: Flask, call_id: int) -> dict[str, Any]:
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        row = CallRepository(session).get(call_id)
        assert row is not None
        return call_to_dict(row)


def test_calls_are_the_contract_dicts(
    app: Flask, client: FlaskClient, data: Data, token: str
) -> None:
    call_id = data.call()
    response = client.get("/api/v1/calls?limit=10", headers=bearer(token))
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert "王小明".encode() in response.data  # readable UTF-8, not \\u escapes
    assert response.json == {"calls": [stored(app, call_id)]}


def test_limit_is_honoured_newest_first(client: FlaskClient, data: Data, token: str) -> None:
    ids = [data.call(linkedid=f"x.{i}", caller_number=str(i)) for i in range(3)]
    body: Any = client.get("/api/v1/calls?limit=2", headers=bearer(token)).json
    assert [c["id"] for c in body["calls"]] == sorted(ids, reverse=True)[:2]


@pytest.mark.parametrize("limit", ["0", "501", "ten"])
def test_a_bad_limit_is_400(client: FlaskClient, token: str, limit: str) -> None:
    response = client.get(f"/api/v1/calls?limit={limit}", headers=bearer(token))
    assert response.status_code == 400
    assert response.json is not None and response.json["error"] == "bad_request"


def test_one_call(app: Flask, client: FlaskClient, data: Data, token: str) -> None:
    call_id = data.call()
    response = client.get(f"/api/v1/calls/{call_id}", headers=bearer(token))
    assert response.json == stored(app, call_id)
    missing = client.get("/api/v1/calls/999", headers=bearer(token))
    assert missing.status_code == 404 and missing.json is not None
    assert missing.json["error"] == "not_found"


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic YTpi", "token"])
def test_a_bad_token_is_401(client: FlaskClient, header: str) -> None:
    response = client.get("/api/v1/calls", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json is not None and response.json["error"] == "unauthorized"


def test_a_bad_token_is_401_even_with_a_login(logged_in: AuthActions, client: FlaskClient) -> None:
    assert client.get("/api/v1/calls").status_code == 200
    assert client.get("/api/v1/calls", headers=bearer("nope")).status_code == 401


def test_a_deactivated_users_token_stops_working(
    client: FlaskClient, data: Data, token: str
) -> None:
    data.deactivate("robot")
    assert client.get("/api/v1/calls", headers=bearer(token)).status_code == 401


def test_unknown_api_paths_answer_json(client: FlaskClient, token: str) -> None:
    response = client.get("/api/v1/nothing", headers=bearer(token))
    assert response.status_code == 404
    assert response.json is not None and response.json["error"] == "not_found"


def test_openapi_document_describes_the_endpoints(client: FlaskClient, token: str) -> None:
    response = client.get("/api/v1/openapi.json", headers=bearer(token))
    document = json.loads(response.data)
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/calls", "/api/v1/calls/{call_id}", "/api/v1/openapi.json"} <= set(
        document["paths"]
    )
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_openapi_call_schema_is_the_contract(
    app: Flask, client: FlaskClient, data: Data, token: str
) -> None:
    call = stored(app, data.call())
    schema = client.get("/api/v1/openapi.json", headers=bearer(token)).json
    assert schema is not None
    call_schema = schema["components"]["schemas"]["Call"]
    assert set(call_schema["properties"]) == set(call)
    assert set(call_schema["required"]) <= set(call)


def test_openapi_references_all_resolve(client: FlaskClient, token: str) -> None:
    document: Any = client.get("/api/v1/openapi.json", headers=bearer(token)).json
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs
    for ref in refs:
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
