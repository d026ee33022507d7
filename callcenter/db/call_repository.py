"""Calls in the database: saving the domain ``Call`` and reading rows back.

``call_to_dict`` is the one place that shapes a call for ``callcenter calls --json`` and
the JSON API, so the two never drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from callcenter.db.base import as_utc, utcnow
from callcenter.db.models import CallRow
from callcenter.domain.call import Call, TimelineEntry, Transfer

# Columns save() writes; the rest (recording, transcript, ticket_id, created_at)
# are filled by other parts of the system and kept when a call is saved again.
_CALL_COLUMNS = (
    "caller_number",
    "caller_name",
    "dialed",
    "started_at",
    "answered_at",
    "ended_at",
    "wait_seconds",
    "talk_seconds",
    "disposition",
    "queue",
    "agent",
    "ivr_path",
    "timeline",
    "language",
    "transfers",
    "csat",
)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else as_utc(value).isoformat()


def timeline_to_json(entries: tuple[TimelineEntry, ...]) -> list[dict[str, Any]]:
    return [{"at": _iso(e.at), "kind": e.kind, "detail": e.detail} for e in entries]


def transfers_to_json(transfers: tuple[Transfer, ...]) -> list[dict[str, Any]]:
    return [{"from": t.from_, "to": t.to, "kind": t.kind, "at": _iso(t.at)} for t in transfers]


def call_values(call: Call) -> dict[str, Any]:
    """The column values of ``call`` (everything ``save`` writes)."""
    return {
        "linkedid": call.linkedid,
        "caller_number": call.caller_number,
        "caller_name": call.caller_name,
        "dialed": call.dialed,
        "started_at": call.started_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "wait_seconds": call.wait_seconds,
        "talk_seconds": call.talk_seconds,
        "disposition": None if call.disposition is None else call.disposition.value,
        "queue": call.queue,
        "agent": call.agent,
        "ivr_path": list(call.ivr_path),
        "timeline": timeline_to_json(call.timeline),
        "language": call.language,
        "transfers": transfers_to_json(call.transfers),
        "csat": call.csat,
    }


def _upsert(dialect: str, values: dict[str, Any]) -> Insert | None:
    """INSERT ... ON CONFLICT (linkedid) DO UPDATE, where the backend has it."""
    if dialect == "postgresql":
        pg = pg_insert(CallRow).values(**values)
        return pg.on_conflict_do_update(
            index_elements=[CallRow.linkedid],
            set_={c: pg.excluded[c] for c in (*_CALL_COLUMNS, "updated_at")},
        )
    if dialect == "sqlite":
        lite = sqlite_insert(CallRow).values(**values)
        return lite.on_conflict_do_update(
            index_elements=[CallRow.linkedid],
            set_={c: lite.excluded[c] for c in (*_CALL_COLUMNS, "updated_at")},
        )
    return None


class CallRepository:
    """Reads and writes ``calls`` in the caller's session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, call: Call) -> int:
        """Insert the call, or update the row with the same linkedid; returns the row id."""
        values = call_values(call)
        now = utcnow()
        statement = _upsert(
            self.session.get_bind().dialect.name, {**values, "created_at": now, "updated_at": now}
        )
        if statement is not None:
            row = self.session.scalars(
                statement.returning(CallRow), execution_options={"populate_existing": True}
            ).one()
            return row.id
        existing = self.by_linkedid(call.linkedid)
        if existing is None:
            existing = CallRow(**values)
            self.session.add(existing)
        else:
            for column in _CALL_COLUMNS:
                setattr(existing, column, values[column])
        self.session.flush()
        return existing.id

    def get(self, call_id: int) -> CallRow | None:
        return self.session.get(CallRow, call_id)

    def by_linkedid(self, linkedid: str) -> CallRow | None:
        return self.session.scalars(select(CallRow).where(CallRow.linkedid == linkedid)).first()

    def recent(self, limit: int = 50) -> list[CallRow]:
        """The latest ``limit`` calls, newest first."""
        if limit < 0:
            raise ValueError(f"limit must be 0 or more, got {limit}")
        query = select(CallRow).order_by(CallRow.started_at.desc(), CallRow.id.desc())
        return list(self.session.scalars(query.limit(limit)))

    def open_calls(self) -> list[CallRow]:
        """Calls not ended yet (e.g. after a controller restart), oldest first."""
        query = (
            select(CallRow)
            .where(CallRow.ended_at.is_(None))
            .order_by(CallRow.started_at, CallRow.id)
        )
        return list(self.session.scalars(query))

    def set_recording(self, call_id: int, path: str | None) -> CallRow | None:
        return self._set(call_id, recording=path)

    def set_transcript(
        self, call_id: int, text: str | None, *, language: str | None = None
    ) -> CallRow | None:
        # The call's language comes from the IVR; only an explicit one replaces it.
        extra = {"language": language} if language else {}
        return self._set(call_id, transcript=text, **extra)

    def set_ticket(self, call_id: int, ticket_id: int | None) -> CallRow | None:
        return self._set(call_id, ticket_id=ticket_id)

    def _set(self, call_id: int, **values: Any) -> CallRow | None:
        row = self.get(call_id)
        if row is None:
            return None
        for name, value in values.items():
            setattr(row, name, value)
        self.session.flush()
        return row


def call_to_dict(row: CallRow) -> dict[str, Any]:
    """A call as in ``callcenter calls --json`` (see DESIGN.md, "Contracts")."""
    return {
        "id": row.id,
        "linkedid": row.linkedid,
        "caller_number": row.caller_number,
        "caller_name": row.caller_name,
        "dialed": row.dialed,
        "started_at": _iso(row.started_at),
        "answered_at": _iso(row.answered_at),
        "ended_at": _iso(row.ended_at),
        "wait_seconds": round(float(row.wait_seconds or 0.0), 3),
        "talk_seconds": round(float(row.talk_seconds or 0.0), 3),
        "disposition": row.disposition,
        "queue": row.queue,
        "agent": row.agent,
        "ivr_path": list(row.ivr_path or []),
        "language": row.language,
        "recording": row.recording,
        "transcript": row.transcript,
        "ticket": row.ticket_id,
        "timeline": [dict(entry) for entry in (row.timeline or [])],
        # Recordings (recordings/): why the call could not be recorded, naming the path;
        # keywords heard (who, when); the transcript's segments (speaker, times, text).
        "recording_error": row.recording_error,
        "keyword_flags": list(row.keyword_flags or []),
        "transcript_segments": list(row.transcript_segments or []),
        # Agents (callcenter/agents/): transfers between agents, the survey's score (1-5).
        "transfers": [dict(entry) for entry in (row.transfers or [])],
        "csat": row.csat,
    }
