"""Searching the call log: filters, paging, and the counts reports are drawn from.

Times are UTC instants; the console turns the local dates a person picks into them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from callcenter.db.models import CallRow

IN_PROGRESS = "in_progress"  # a "disposition" filter value: calls not ended yet


@dataclass(frozen=True, slots=True)
class CallFilter:
    started_from: datetime | None = None  # inclusive
    started_before: datetime | None = None  # exclusive
    number: str = ""  # part of the caller's number
    agent: str = ""
    queue: str = ""
    disposition: str = ""  # a Disposition value, or IN_PROGRESS
    keyword: str = ""  # part of the transcript


@dataclass(frozen=True, slots=True)
class CallPage:
    rows: Sequence[CallRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(query: Select[tuple[CallRow]], f: CallFilter) -> Select[tuple[CallRow]]:
    if f.started_from is not None:
        query = query.where(CallRow.started_at >= f.started_from)
    if f.started_before is not None:
        query = query.where(CallRow.started_at < f.started_before)
    if f.number:
        query = query.where(CallRow.caller_number.like(_like(f.number), escape="\\"))
    if f.agent:
        query = query.where(CallRow.agent == f.agent)
    if f.queue:
        query = query.where(CallRow.queue == f.queue)
    if f.disposition == IN_PROGRESS:
        query = query.where(CallRow.ended_at.is_(None))
    elif f.disposition:
        query = query.where(CallRow.disposition == f.disposition)
    if f.keyword:
        query = query.where(CallRow.transcript.ilike(_like(f.keyword), escape="\\"))
    return query


def search_calls(session: Session, f: CallFilter, *, page: int = 1, per_page: int = 50) -> CallPage:
    """One page of the calls matching ``f``, newest first, and how many match in all."""
    if page < 1 or per_page < 1:
        raise ValueError("page and per_page start at 1")
    base = _where(select(CallRow), f)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    query = base.order_by(CallRow.started_at.desc(), CallRow.id.desc())
    rows = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return CallPage(rows=rows, total=int(total), page=page, per_page=per_page)


def calls_between(session: Session, start: datetime, end: datetime) -> list[CallRow]:
    """Every call started in ``[start, end)``, oldest first."""
    query = (
        select(CallRow)
        .where(CallRow.started_at >= start, CallRow.started_at < end)
        .order_by(CallRow.started_at, CallRow.id)
    )
    return list(session.scalars(query))


def distinct_values(session: Session, column: str) -> list[str]:
    """The agents or queues that appear in the log (for the filter menus)."""
    field = {"agent": CallRow.agent, "queue": CallRow.queue}[column]
    query = select(field).where(field.is_not(None)).distinct().order_by(field)
    return [str(v) for v in session.scalars(query)]


@dataclass(frozen=True, slots=True)
class CallFacts:
    """The few columns reports count with."""

    started_at: datetime
    disposition: str | None
    queue: str | None
    agent: str | None
    wait_seconds: float
    talk_seconds: float


def call_facts(session: Session, start: datetime, end: datetime) -> list[CallFacts]:
    """Facts of every call started in ``[start, end)``, oldest first (no row objects)."""
    query = (
        select(
            CallRow.started_at,
            CallRow.disposition,
            CallRow.queue,
            CallRow.agent,
            CallRow.wait_seconds,
            CallRow.talk_seconds,
        )
        .where(CallRow.started_at >= start, CallRow.started_at < end)
        .order_by(CallRow.started_at, CallRow.id)
    )
    return [
        CallFacts(r[0], r[1], r[2], r[3], float(r[4] or 0.0), float(r[5] or 0.0))
        for r in session.execute(query)
    ]
