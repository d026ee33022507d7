"""The call log: search with filters and pages (refreshed by polling ``/calls/feed.json``),
one call's page with its recording and transcript, and the recording itself.

Filters (all in the query string, so a search is a link one can share): ``from`` / ``to``
(local dates, inclusive), ``number`` (part of the caller's number), ``agent``, ``queue``,
``disposition`` (or ``in_progress``), ``q`` (words in the transcript); ``page`` and
``limit`` (rows per page).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from markupsafe import Markup

from callcenter.db.call_repository import CallRepository, call_to_dict
from callcenter.db.call_search import (
    IN_PROGRESS,
    CallFilter,
    CallPage,
    distinct_values,
    search_calls,
)
from callcenter.db.models import DISPOSITION_VALUES
from web.call_view import CallView, format_duration
from web.database import db_session
from web.i18n import local_time
from web.recording_files import AUDIO_TYPES, may_hear, recording_file
from web.users import ConsoleUser

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_TEXT = 100

bp = Blueprint("calls", __name__, url_prefix="/calls")


def list_limit() -> int:
    """``?limit=N`` clamped to 1..MAX_LIMIT (a page, not an API: no error for odd values)."""
    limit = request.args.get("limit", DEFAULT_LIMIT, type=int) or DEFAULT_LIMIT
    return max(1, min(limit, MAX_LIMIT))


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Search:
    """The filters as the person typed them (for the form) and as the database needs them."""

    args: dict[str, str]
    filter: CallFilter
    page: int
    limit: int

    @property
    def active(self) -> bool:
        return any(self.args.values())

    def query(self, **extra: Any) -> dict[str, Any]:
        """Query-string arguments of this search (for links), without empty ones."""
        out: dict[str, Any] = {k: v for k, v in self.args.items() if v}
        out["limit"] = self.limit
        out.update({k: v for k, v in extra.items() if not (k == "page" and v == 1)})
        return out


def current_search() -> Search:
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    start, end = _date("from"), _date("to")
    text = {
        name: request.args.get(name, "").strip()[:MAX_TEXT]
        for name in ("number", "agent", "queue", "disposition", "q")
    }
    if text["disposition"] not in (*DISPOSITION_VALUES, IN_PROGRESS):
        text["disposition"] = ""
    args = {
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
        **text,
    }
    flt = CallFilter(
        started_from=datetime.combine(start, time(), zone).astimezone(UTC) if start else None,
        started_before=(
            datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC) if end else None
        ),
        number=text["number"],
        agent=text["agent"],
        queue=text["queue"],
        disposition=text["disposition"],
        keyword=text["q"],
    )
    page = max(1, request.args.get("page", 1, type=int) or 1)
    return Search(args=args, filter=flt, page=page, limit=list_limit())


def _search_page(search: Search) -> tuple[CallPage, list[CallView]]:
    result = search_calls(db_session(), search.filter, page=search.page, per_page=search.limit)
    return result, [CallView.from_contract(call_to_dict(row)) for row in result.rows]


def recent_calls(limit: int) -> list[CallView]:
    rows = CallRepository(db_session()).recent(limit)
    return [CallView.from_contract(call_to_dict(row)) for row in rows]


def _rows_html(calls: list[CallView]) -> Markup:
    return Markup(render_template("calls/_rows.html", calls=calls))


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    search = current_search()
    result, calls = _search_page(search)
    rows_html = _rows_html(calls)
    session = db_session()
    return render_template(
        "calls/list.html",
        rows_html=rows_html,
        fingerprint=_fingerprint(rows_html),
        limit=search.limit,
        search=search,
        result=result,
        agents=distinct_values(session, "agent"),
        queues=distinct_values(session, "queue"),
        dispositions=DISPOSITION_VALUES,
        refresh_ms=current_app.config["CALLS_REFRESH_MS"],
        updated_at=local_time(datetime.now(UTC), "HH:mm:ss"),
    )


@bp.get("/feed.json")
@login_required
def feed() -> ResponseReturnValue:
    """The list's rows, rendered, for the poller in static/calls.js to swap in.

    Rendering here keeps one template, one set of translations and one time zone for the
    first page load and every refresh. The same filters and page as the list apply.
    """
    _result, calls = _search_page(current_search())
    rows_html = _rows_html(calls)
    return {
        "html": rows_html,
        "fingerprint": _fingerprint(rows_html),
        "updated_at": local_time(datetime.now(UTC), "HH:mm:ss"),
    }


def _segments(row: Any) -> list[dict[str, Any]]:
    """The transcript's segments (speaker, start, text) when the recordings work stored them."""
    segments = getattr(row, "transcript_segments", None) or []
    out = []
    for segment in segments:
        if not isinstance(segment, dict) or not segment.get("text"):
            continue
        start = segment.get("start")
        out.append(
            {
                "speaker": str(segment.get("speaker") or ""),
                "start": float(start) if isinstance(start, int | float) else None,
                "at": format_duration(start) if isinstance(start, int | float) else "",
                "text": str(segment["text"]),
            }
        )
    return out


@bp.get("/<int:call_id>")
@login_required
def detail(call_id: int) -> ResponseReturnValue:
    session = db_session()
    row = CallRepository(session).get(call_id)
    if row is None:
        abort(404)
    user = cast(ConsoleUser, current_user)
    audible = may_hear(user, row) and recording_file(session, row) is not None
    return render_template(
        "calls/detail.html",
        call=CallView.from_contract(call_to_dict(row)),
        recording_url=url_for("calls.recording", call_id=call_id) if audible else None,
        recording_hidden=not may_hear(user, row),
        segments=_segments(row),
        flags=getattr(row, "keyword_flags", None) or [],
    )


@bp.get("/<int:call_id>/recording")
@login_required
def recording(call_id: int) -> ResponseReturnValue:
    """The recording, with Range requests (the audio player seeks), never cached."""
    session = db_session()
    row = CallRepository(session).get(call_id)
    if row is None:
        abort(404)
    if not may_hear(cast(ConsoleUser, current_user), row):
        abort(403)
    path = recording_file(session, row)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype=AUDIO_TYPES[path.suffix.lower()],
        conditional=True,
        download_name=f"call-{call_id}{path.suffix.lower()}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]


def index_redirect() -> ResponseReturnValue:
    """``/``: supervisors and admins start on the live board, agents on the call log."""
    from web.auth import home_url

    return redirect(home_url(current_user))
