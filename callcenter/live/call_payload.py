"""A call as the live board shows it: who, where in its path (phase), since when.

Built from the contract dict (``call_to_dict`` shape: ISO times, timeline as dicts), so a
call from the controller (``from_call``) and one read back from the database
(``from_contract``) look the same to the board.

Phases: ``ivr`` (in the menu, or not yet anywhere), ``queue`` (waiting for an agent),
``ringing`` (an agent's phone rings), ``talking`` (answered), ``ended``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from callcenter.db.base import as_utc
from callcenter.domain.call import Call

PHASES = ("ivr", "queue", "ringing", "talking", "ended")
_RING_KINDS = {"agent_ring", "agent_no_answer"}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else as_utc(value).isoformat()


def _epoch(value: str | None) -> float | None:
    return None if not value else datetime.fromisoformat(value).timestamp()


def from_call(call: Call) -> dict[str, Any]:
    """The payload of a domain call (the controller's side)."""
    return from_contract(
        {
            "linkedid": call.linkedid,
            "caller_number": call.caller_number,
            "caller_name": call.caller_name,
            "dialed": call.dialed,
            "started_at": _iso(call.started_at),
            "answered_at": _iso(call.answered_at),
            "ended_at": _iso(call.ended_at),
            "wait_seconds": call.wait_seconds,
            "talk_seconds": call.talk_seconds,
            "disposition": None if call.disposition is None else call.disposition.value,
            "queue": call.queue,
            "agent": call.agent,
            "timeline": [
                {"at": _iso(e.at), "kind": e.kind, "detail": e.detail} for e in call.timeline
            ],
        }
    )


def _ringing_agent(timeline: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """(extension, since) when the last agent step is a ring that is still ringing."""
    for entry in reversed(timeline):
        kind = entry.get("kind")
        if kind == "agent_ring":
            return str(entry.get("detail") or "") or None, entry.get("at")
        if kind in _RING_KINDS or kind in {"answer", "queue_abandon", "hangup"}:
            return None, None
    return None, None


def _last(timeline: list[dict[str, Any]], kind: str) -> str | None:
    for entry in reversed(timeline):
        if entry.get("kind") == kind:
            at = entry.get("at")
            return None if at is None else str(at)
    return None


def from_contract(data: dict[str, Any]) -> dict[str, Any]:
    """The payload of a contract-shaped call dict (the database's side)."""
    timeline: list[dict[str, Any]] = list(data.get("timeline") or [])
    started = data.get("started_at")
    agent = data.get("agent")
    queued_at = _last(timeline, "queue_join")
    if data.get("ended_at"):
        phase, since = "ended", data.get("ended_at")
    elif data.get("answered_at"):
        phase, since = "talking", data.get("answered_at")
    else:
        ringing, ring_at = _ringing_agent(timeline)
        if ringing is not None and data.get("queue"):
            phase, since, agent = "ringing", ring_at, ringing
        elif data.get("queue"):
            phase, since = "queue", queued_at or started
        else:
            phase, since = "ivr", started
    last_at = timeline[-1].get("at") if timeline else started
    return {
        "linkedid": data.get("linkedid") or "",
        "id": data.get("id"),
        "caller_number": data.get("caller_number") or "",
        "caller_name": data.get("caller_name") or "",
        "dialed": data.get("dialed") or "",
        "queue": data.get("queue"),
        "agent": agent,
        "phase": phase,
        "started": _epoch(started),
        "since": _epoch(since),
        "queued": _epoch(queued_at),
        "answered": _epoch(data.get("answered_at")),
        "wait_seconds": float(data.get("wait_seconds") or 0.0),
        "disposition": data.get("disposition"),
        # When Asterisk said what last changed (the AMI event's Timestamp): the latency
        # of the board is measured from here.
        "event_at": _epoch(last_at),
        "ended": bool(data.get("ended_at")),
    }
