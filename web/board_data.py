"""What the live board shows, gathered from the notifier and the call log.

When the controller runs in this process (``callcenter run``) the notifier is the truth of
what is live; otherwise (the console on its own, tests) the open calls of the database are.
Today's figures count the calls of the log since local midnight, overlaid with the calls
the notifier saw end or still sees live (the store writes a moment later).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.call_repository import CallRepository, call_to_dict
from callcenter.db.call_search import calls_between
from callcenter.live import call_payload
from callcenter.live.notifier import LiveEvent
from callcenter.live.queue_stats import QueueFigures, queue_figures
from web.database import EXTENSION_KEY as SESSIONS_KEY

LIVE_KEY = "callcenter.live"


def _sessions(app: Flask) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = app.extensions[SESSIONS_KEY]
    return factory


def live_calls(app: Flask) -> list[dict[str, Any]]:
    """Calls in progress, oldest first, as live-board payloads."""
    notifier = app.extensions[LIVE_KEY].notifier
    if notifier.fed:
        return [dict(e.payload) for e in notifier.snapshot("call")]
    with _sessions(app)() as session:
        rows = CallRepository(session).open_calls()
        return [call_payload.from_contract(call_to_dict(row)) for row in rows]


def live_agents(app: Flask) -> list[dict[str, Any]]:
    """Agent states the agents feature published (extension, state, since, queue, caller)."""
    notifier = app.extensions[LIVE_KEY].notifier
    return [{"extension": e.key, **e.payload} for e in notifier.snapshot("agent")]


def live_snapshot(app: Flask, allowed: Callable[[LiveEvent], bool]) -> dict[str, Any]:
    """The first event of a stream: everything live now that the reader may see."""

    def keep(kind: str, key: str, payload: dict[str, Any]) -> bool:
        return allowed(LiveEvent(0, kind, key, payload, 0.0))

    calls = [c for c in live_calls(app) if keep("call", c["linkedid"], c)]
    agents = [a for a in live_agents(app) if keep("agent", a["extension"], a)]
    link = app.extensions[LIVE_KEY]
    return {
        "now": time.time(),
        "calls": calls,
        "agents": agents,
        "agents_live": bool(agents),
        "ami_connected": link.ami_connected if link.notifier.fed else None,
    }


def local_midnight(timezone: str, now: datetime | None = None) -> datetime:
    zone = ZoneInfo(timezone)
    local = (now or datetime.now(UTC)).astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def todays_calls(app: Flask, session: Session) -> list[dict[str, Any]]:
    """Every call of today (local), each once, the freshest version of each."""
    start = local_midnight(app.config["TIMEZONE"])
    rows = calls_between(session, start.astimezone(UTC), start.astimezone(UTC) + timedelta(days=1))
    by_id = {row.linkedid: call_payload.from_contract(call_to_dict(row)) for row in rows}
    notifier = app.extensions[LIVE_KEY].notifier
    since = start.timestamp()
    for event in (*notifier.recently_ended("call"), *notifier.snapshot("call")):
        if (event.payload.get("started") or 0.0) >= since:
            by_id[event.key] = dict(event.payload)
    if notifier.fed:  # the notifier knows which calls are still live; the rows may lag
        live = {e.key for e in notifier.snapshot("call")}
        for key, payload in by_id.items():
            if payload["phase"] != "ended" and key not in live:
                payload["phase"] = "ended"
    return list(by_id.values())


def wallboard(app: Flask, session: Session) -> list[QueueFigures]:
    settings_queues = app.config.get("QUEUES") or []
    return queue_figures(
        todays_calls(app, session),
        queues=settings_queues,
        now=time.time(),
        threshold_seconds=float(app.config["SERVICE_LEVEL_SECONDS"]),
    )


def current_wallboard(session: Session) -> list[QueueFigures]:
    return wallboard(current_app._get_current_object(), session)  # type: ignore[attr-defined]
