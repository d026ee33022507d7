"""Live updates for the browser: ``/live/stream``, server-sent events from the notifier.

The stream opens with a ``snapshot`` event (everything live now, so a page or a reconnect
starts from the present), then sends each change as it is published (``call``, ``agent``,
``queue``, ``ami``) and a heartbeat comment every ``LIVE_HEARTBEAT_SECONDS`` (15 s).
A reader that fell behind gets a fresh snapshot instead of the events it lost.

Waitress serves each open stream with one of its worker threads for as long as the stream
lives, so streams are capped: at most ``LIVE_MAX_STREAMS`` at a time (the runner gives
waitress that many threads on top of its usual ones); one more gets 503 with Retry-After,
and the page's script retries later. A stream ends after ``LIVE_STREAM_SECONDS`` (5 min);
the browser reconnects at once (``retry:``), which also re-checks the login. A browser that
went away is noticed at the next heartbeat at the latest (waitress raises on the write).

Agents get only their own calls and their own agent state; supervisors and admins get all.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user

from callcenter.live.controller_link import LiveLink
from callcenter.live.notifier import LiveEvent, LiveNotifier
from web.users import ConsoleUser

EXTENSION_KEY = "callcenter.live"
DEFAULT_MAX_STREAMS = 16
RETRY_MS = 2000

bp = Blueprint("live", __name__, url_prefix="/live")


class StreamSlots:
    """A counter of open streams that refuses, rather than waits, when full."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._open >= self.limit:
                return False
            self._open += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self._open -= 1

    @property
    def open(self) -> int:
        with self._lock:
            return self._open


def init_live(app: Flask, link: LiveLink | None) -> LiveLink:
    link = link or LiveLink(LiveNotifier())
    app.config.setdefault("LIVE_HEARTBEAT_SECONDS", 15.0)
    app.config.setdefault("LIVE_STREAM_SECONDS", 300.0)
    app.config.setdefault("LIVE_MAX_STREAMS", DEFAULT_MAX_STREAMS)
    app.extensions[EXTENSION_KEY] = link
    app.extensions[EXTENSION_KEY + ".slots"] = StreamSlots(int(app.config["LIVE_MAX_STREAMS"]))
    app.register_blueprint(bp)
    return link


def live_link() -> LiveLink:
    link: LiveLink = current_app.extensions[EXTENSION_KEY]
    return link


def stream_slots() -> StreamSlots:
    slots: StreamSlots = current_app.extensions[EXTENSION_KEY + ".slots"]
    return slots


def visible_to(user: ConsoleUser) -> Callable[[LiveEvent], bool]:
    """Which events ``user`` may see: everything, or (agents) their own calls and state."""
    if user.has_role("supervisor", "admin"):
        return lambda event: True
    mine = user.extension or "\0"

    def agents_own(event: LiveEvent) -> bool:
        if event.kind == "call":
            return event.payload.get("agent") == mine
        if event.kind == "agent":
            return event.key == mine
        return event.kind == "ami"

    return agents_own


def sse(event: str, data: Any) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {text}\n\n".encode()


def _event_data(event: LiveEvent) -> dict[str, Any]:
    return {"seq": event.seq, "key": event.key, "at": event.published_at, **event.payload}


class _Stream:
    """The stream's body; ``close`` (waitress calls it, even when the body never started)
    gives back the slot and the subscription exactly once."""

    def __init__(self, body: Iterator[bytes], release: Callable[[], None]) -> None:
        self._body = body
        self._release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        return self._body

    def close(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


@bp.get("/stream")
def stream() -> ResponseReturnValue:
    if not current_user.is_authenticated:
        response = jsonify(error="unauthorized", message="log in first")
        response.status_code = 401
        return response
    slots = stream_slots()
    if not slots.take():
        response = jsonify(error="busy", message="too many live streams open; retrying later")
        response.status_code = 503
        response.headers["Retry-After"] = "10"
        return response
    from web.board_data import live_snapshot

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    user: ConsoleUser = current_user._get_current_object()
    allowed = visible_to(user)
    link = live_link()
    subscription = link.notifier.subscribe()
    try:
        first = live_snapshot(app, allowed)
    except BaseException:
        subscription.close()
        slots.give_back()
        raise
    heartbeat = float(app.config["LIVE_HEARTBEAT_SECONDS"])
    lifetime = float(app.config["LIVE_STREAM_SECONDS"])

    def events() -> Iterator[bytes]:
        yield f"retry: {RETRY_MS}\n\n".encode() + sse("snapshot", first)
        ends_at = time.monotonic() + lifetime
        while time.monotonic() < ends_at:
            batch = subscription.get(timeout=heartbeat)
            if subscription.take_dropped():
                yield sse("snapshot", live_snapshot(app, allowed))
                continue
            if not batch:
                yield b": heartbeat\n\n"
                continue
            chunk = b"".join(sse(e.kind, _event_data(e)) for e in batch if allowed(e))
            if chunk:
                yield chunk

    def release() -> None:
        subscription.close()
        slots.give_back()

    response = Response(_Stream(events(), release), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # a proxy in front must not buffer it
    return response
