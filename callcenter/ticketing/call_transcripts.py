"""Transcripts of calls that have no ticket: the other half of a combined search.

A call answered on the spot (an inquiry) often never gets a ticket, yet its transcript is
what a supervisor looks for. ``search_unticketed_calls`` finds calls without a ticket
whose transcript holds every term, newest first. It reuses the call log's ``LIKE`` match
(``callcenter.db.call_search``): there is no full-text index on ``calls.transcript``, so
this scans the newest calls until it has ``limit`` matches (see docs/tickets.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.db.models import CallRow
from callcenter.ticketing.search import MAX_RESULTS, _like, _snippet, _terms


@dataclass(frozen=True)
class CallHit:
    id: int
    started_at: datetime
    caller_number: str
    caller_name: str
    agent: str | None
    snippet: str


def search_unticketed_calls(session: Session, query: str, *, limit: int = 20) -> list[CallHit]:
    terms = _terms(query)
    if not terms:
        return []
    statement = select(CallRow).where(CallRow.ticket_id.is_(None), CallRow.transcript.is_not(None))
    for term in terms:
        statement = statement.where(CallRow.transcript.ilike(_like(term), escape="\\"))
    limit = max(1, min(limit, MAX_RESULTS))
    rows = session.scalars(statement.order_by(CallRow.id.desc()).limit(limit)).all()
    return [
        CallHit(
            row.id,
            row.started_at,
            row.caller_number or "",
            row.caller_name or "",
            row.agent,
            _snippet(row.transcript or "", terms),
        )
        for row in rows
    ]


def call_hit_to_dict(hit: CallHit) -> dict[str, object]:
    return {
        "id": hit.id,
        "started_at": hit.started_at.isoformat(),
        "caller_number": hit.caller_number,
        "caller_name": hit.caller_name,
        "agent": hit.agent,
        "snippet": hit.snippet,
    }
