"""The JSON API, ``/api/v1``: calls as in the ``callcenter calls --json`` contract.

Authentication: ``Authorization: Bearer <token>`` (tokens from ``ApiTokenRepository``),
or the console's own login session (the pages' scripts use that). A bearer header that is
present but wrong is refused even when a session exists, so a script never silently runs
as the person whose browser it borrowed. The document is ``/api/v1/openapi.json`` (behind
the same authentication as the rest).
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from callcenter.db.call_repository import CallRepository, call_to_dict
from callcenter.db.user_repository import ApiTokenRepository
from web.api.openapi import openapi_document
from web.database import db_session
from web.extensions import csrf
from web.users import ConsoleUser

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def api_error(status: int, error: str, message: str) -> ResponseReturnValue:
    response = jsonify(error=error, message=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="callcenter"'
    return response


def _bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header; "" when the header is malformed."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@bp.before_request
def authenticate() -> ResponseReturnValue | None:
    token = _bearer_token()
    if token is not None:
        row = ApiTokenRepository(db_session()).user_for_token(token)
        if row is None:
            return api_error(401, "unauthorized", "the bearer token is not valid")
        db_session().commit()  # user_for_token() recorded when the token was used
        g.api_user = ConsoleUser.from_row(row)
        return None
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            # A session is a cookie the browser sends by itself: writes need the CSRF token.
            csrf.protect()
        g.api_user = current_user
        return None
    return api_error(401, "unauthorized", "send Authorization: Bearer <token> or log in")


@bp.get("/calls")
def list_calls() -> ResponseReturnValue:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(raw)
    except ValueError:
        return api_error(400, "bad_request", f"limit must be an integer, got {raw!r}")
    if not 1 <= limit <= MAX_LIMIT:
        return api_error(400, "bad_request", f"limit must be between 1 and {MAX_LIMIT}")
    rows = CallRepository(db_session()).recent(limit)
    return jsonify(calls=[call_to_dict(row) for row in rows])


@bp.get("/calls/<int:call_id>")
def get_call(call_id: int) -> ResponseReturnValue:
    row = CallRepository(db_session()).get(call_id)
    if row is None:
        return api_error(404, "not_found", f"no call with id {call_id}")
    return jsonify(call_to_dict(row))


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_document(MAX_LIMIT, DEFAULT_LIMIT))


from web.api import desk_state  # noqa: E402, F401  (adds /agents and /queues to ``bp``)
