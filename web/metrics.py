"""``/metrics``: figures for Prometheus, in its text format (written by hand: six gauges).

Protected like the API: ``Authorization: Bearer <token>`` of a supervisor or admin (a
Prometheus scrape job sets ``authorization: {credentials: <token>}``), or a supervisor's
console login. Nothing here is personal, but it tells an outsider how busy the desk is.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from callcenter.db.user_repository import ApiTokenRepository
from recordings.jobs import backlog
from web.api import api_error
from web.board_data import live_calls
from web.database import db_session
from web.live import live_link, stream_slots
from web.users import ConsoleUser

bp = Blueprint("metrics", __name__)

ALLOWED_ROLES = ("supervisor", "admin")


def _caller() -> ConsoleUser | None:
    auth = request.headers.get("Authorization")
    if auth is not None:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer":
            return None
        row = ApiTokenRepository(db_session()).user_for_token(token.strip())
        if row is None:
            return None
        db_session().commit()
        return ConsoleUser.from_row(row)
    if current_user.is_authenticated:
        user: ConsoleUser = current_user._get_current_object()
        return user
    return None


def _lines(name: str, help_text: str, kind: str, samples: Iterable[tuple[str, float]]) -> str:
    out = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        out.append(f"{name}{labels} {value:g}")
    return "\n".join(out)


def _label(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{{queue="{escaped}"}}'


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    user = _caller()
    if user is None:
        return api_error(401, "unauthorized", "send Authorization: Bearer <token>")
    if not user.has_role(*ALLOWED_ROLES):
        return api_error(403, "forbidden", "metrics need a supervisor's or admin's token")
    g.api_user = user
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    calls = live_calls(app)
    queues = list(app.config.get("QUEUES") or [])
    waiting = {q: 0 for q in queues}
    for call in calls:
        if call.get("phase") in ("queue", "ringing") and call.get("queue"):
            waiting[call["queue"]] = waiting.get(call["queue"], 0) + 1
    link = live_link()
    parts = [
        _lines(
            "callcenter_calls_in_progress",
            "Calls in progress (IVR, queue, ringing, talking).",
            "gauge",
            [("", len(calls))],
        ),
        _lines(
            "callcenter_waiting_callers",
            "Callers waiting in a queue for an agent.",
            "gauge",
            [(_label(q), n) for q, n in sorted(waiting.items())],
        ),
        _lines(
            "callcenter_ami_connected",
            "1 while the controller is logged in to Asterisk's AMI (in this process).",
            "gauge",
            [("", 1 if link.ami_connected else 0)],
        ),
        _lines(
            "callcenter_call_store_backlog",
            "Changed calls not yet written to the database.",
            "gauge",
            [("", link.store_backlog)],
        ),
        _lines(
            "callcenter_transcription_jobs",
            "Transcription jobs by state: pending (queued), running, failed (gave up).",
            "gauge",
            [(f'{{state="{state}"}}', n) for state, n in backlog(db_session()).items()],
        ),
        _lines(
            "callcenter_live_streams",
            "Browsers following the live board (server-sent event streams open).",
            "gauge",
            [("", stream_slots().open)],
        ),
    ]
    body = "\n".join(parts) + "\n"
    return Response(body, mimetype="text/plain; version=0.0.4; charset=utf-8")
