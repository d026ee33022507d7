"""``/api/v1/agents`` and ``/api/v1/queues``: the live desk for scripts and wallboards.

Agents: live from the controller when this console runs inside ``callcenter run`` (the
agents feature publishes every change), else the last stored timeline entry of each agent,
with ``live: false`` so a reader knows which. The fields follow ``callcenter agents --json``.
Queues: today's wallboard figures, as the supervisor board shows them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue

from callcenter.agents.store import AgentRepository
from web.api import bp
from web.api.tickets import require_role
from web.board_data import current_wallboard, live_agents
from web.database import db_session

SUPERVISORS = ("supervisor", "admin")


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat()


@bp.get("/agents")
def list_agents() -> ResponseReturnValue:
    denied = require_role(*SUPERVISORS)
    if denied is not None:
        return denied
    repo = AgentRepository(db_session())
    names = {row.extension: row.name for row in repo.all()}
    stored = repo.latest()
    live = {a["extension"]: a for a in live_agents(current_app) if not a.get("ended")}
    rows: list[dict[str, Any]] = []
    for ext in sorted(set(names) | set(stored) | set(live)):
        if ext in live:
            now = live[ext]
            row = {
                "state": now["state"],
                "pause_reason": now.get("reason") or None,
                "queues": list(now.get("queues") or []),
                "since": _iso(now.get("since")),
            }
        else:
            last = stored.get(ext)
            row = {
                "state": last.state if last else "logged_out",
                "pause_reason": (last.reason or None) if last else None,
                "queues": [],
                "since": last.at.isoformat() if last else None,
            }
        rows.append({"extension": ext, "name": names.get(ext, ""), **row, "live": ext in live})
    return jsonify(agents=rows)


@bp.get("/queues")
def list_queues() -> ResponseReturnValue:
    denied = require_role(*SUPERVISORS)
    if denied is not None:
        return denied
    return jsonify(queues=[f.as_dict() for f in current_wallboard(db_session())])
