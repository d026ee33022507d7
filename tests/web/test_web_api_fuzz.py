"""The API fuzzed from its own OpenAPI document: schemathesis generates requests for every
operation (in-process, against the Flask app, with an admin's token) and no answer may be
a server error. Bounded: a few examples per operation, the same every run."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import Data

schemathesis = pytest.importorskip("schemathesis", reason="pip install -e .[dev] (schemathesis)")
from hypothesis import HealthCheck, given, settings  # noqa: E402

EXAMPLES = 5  # per operation; derandomized so a run repeats exactly


@pytest.fixture
def api_token(app: Flask, data: Data) -> str:
    data.user("fuzzer", "admin", extension="1009")
    for minutes in (5, 65):
        data.call(linkedid=f"fuzz.{minutes}")
    return data.token("fuzzer")


@pytest.fixture
def api_schema(app: Flask, api_token: str) -> Any:
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, headers={"Authorization": f"Bearer {api_token}"}
    )
    return schema


def test_no_request_makes_the_api_fail(api_schema: Any, api_token: str) -> None:
    """Every operation of the document, each with EXAMPLES generated requests."""
    headers = {"Authorization": f"Bearer {api_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 3
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        )
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                response.text[:500],
            )

        check()
