"""The call log: the list (refreshed by polling ``/calls/feed.json``) and one call's page."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from markupsafe import Markup

from callcenter.db.call_repository import CallRepository, call_to_dict
from web.call_view import CallView
from web.database import db_session
from web.i18n import local_time

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

bp = Blueprint("calls", __name__, url_prefix="/calls")


def list_limit() -> int:
    """``?limit=N`` clamped to 1..MAX_LIMIT (a page, not an API: no error for odd values)."""
    limit = request.args.get("limit", DEFAULT_LIMIT, type=int) or DEFAULT_LIMIT
    return max(1, min(limit, MAX_LIMIT))


def recent_calls(limit: int) -> list[CallView]:
    rows = CallRepository(db_session()).recent(limit)
    return [CallView.from_contract(call_to_dict(row)) for row in rows]


def _rows_html(calls: list[CallView]) -> Markup:
    return Markup(render_template("calls/_rows.html", calls=calls))


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    limit = list_limit()
    rows_html = _rows_html(recent_calls(limit))
    return render_template(
        "calls/list.html",
        rows_html=rows_html,
        fingerprint=_fingerprint(rows_html),
        limit=limit,
        refresh_ms=current_app.config["CALLS_REFRESH_MS"],
        updated_at=local_time(datetime.now(UTC), "HH:mm:ss"),
    )


@bp.get("/feed.json")
@login_required
def feed() -> ResponseReturnValue:
    """The list's rows, rendered, for the poller in static/calls.js to swap in.

    Rendering here keeps one template, one set of translations and one time zone for the
    first page load and every refresh; live push (later) can send the same fragment.
    """
    rows_html = _rows_html(recent_calls(list_limit()))
    return {
        "html": rows_html,
        "fingerprint": _fingerprint(rows_html),
        "updated_at": local_time(datetime.now(UTC), "HH:mm:ss"),
    }


@bp.get("/<int:call_id>")
@login_required
def detail(call_id: int) -> ResponseReturnValue:
    row = CallRepository(db_session()).get(call_id)
    if row is None:
        abort(404)
    return render_template("calls/detail.html", call=CallView.from_contract(call_to_dict(row)))


def _fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]


def index_redirect() -> ResponseReturnValue:
    """``/``: the call log is the console's first page (until the live board exists)."""
    return redirect(url_for("calls.index"))
