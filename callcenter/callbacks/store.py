"""The callback requests in the database: taken, merged, started, finished.

Every function works in the caller's session (the caller commits); the controller feature
calls them from a worker thread. The controller is the only writer of this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.callbacks.turns import OPEN_STATUSES, CallbackStatus, Outcome, Waiting
from callcenter.db.callback_models import QueueCallbackRow


@dataclass(frozen=True, slots=True)
class Request:
    number: str
    caller_name: str
    queue: str
    language: str
    joined_at: datetime
    linkedid: str
    at: datetime


class CallbackRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_for_number(self, number: str) -> QueueCallbackRow | None:
        query = select(QueueCallbackRow).where(
            QueueCallbackRow.number == number,
            QueueCallbackRow.status.in_([s.value for s in OPEN_STATUSES]),
        )
        return self.session.scalars(query.order_by(QueueCallbackRow.id).limit(1)).first()

    def request(self, request: Request) -> tuple[QueueCallbackRow, bool]:
        """Store a request; (row, merged). A number with an open callback gets no second
        one: the request is merged into it and keeps the earlier of the two places."""
        row = self.open_for_number(request.number)
        if row is not None:
            row.requests += 1
            if request.joined_at < row.joined_at and row.queue == request.queue:
                row.joined_at = request.joined_at
            row.updated_at = request.at
            return row, True
        row = QueueCallbackRow(
            number=request.number,
            caller_name=request.caller_name,
            queue=request.queue,
            language=request.language,
            joined_at=request.joined_at,
            requested_at=request.at,
            status=CallbackStatus.PENDING.value,
            linkedid=request.linkedid,
            updated_at=request.at,
        )
        self.session.add(row)
        self.session.flush()
        return row, False

    def get(self, callback_id: int) -> QueueCallbackRow | None:
        return self.session.get(QueueCallbackRow, callback_id)

    def open(self) -> list[QueueCallbackRow]:
        query = select(QueueCallbackRow).where(
            QueueCallbackRow.status.in_([s.value for s in OPEN_STATUSES])
        )
        return list(self.session.scalars(query.order_by(QueueCallbackRow.joined_at)))

    def recent(self, limit: int = 100) -> list[QueueCallbackRow]:
        query = select(QueueCallbackRow).order_by(QueueCallbackRow.id.desc()).limit(limit)
        return list(self.session.scalars(query))

    def set_status(
        self, callback_id: int, status: CallbackStatus, at: datetime, **changes: object
    ) -> QueueCallbackRow | None:
        row = self.get(callback_id)
        if row is None:
            return None
        row.status = status.value
        row.updated_at = at
        for name, value in changes.items():
            setattr(row, name, value)
        return row

    def finish(
        self, callback_id: int, outcome: Outcome, result: str, at: datetime
    ) -> QueueCallbackRow | None:
        retry = outcome.retry_in_seconds
        return self.set_status(
            callback_id,
            outcome.status,
            at,
            attempts=outcome.attempts,
            last_result=result,
            next_try_at=None if retry is None else at + timedelta(seconds=retry),
        )


def as_waiting(row: QueueCallbackRow) -> Waiting:
    return Waiting(
        id=row.id,
        queue=row.queue,
        joined_at=row.joined_at,
        status=CallbackStatus(row.status),
        next_try_at=row.next_try_at,
    )


def callback_to_dict(row: QueueCallbackRow) -> dict[str, object]:
    def iso(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": row.id,
        "number": row.number,
        "caller_name": row.caller_name,
        "queue": row.queue,
        "language": row.language,
        "status": row.status,
        "attempts": row.attempts,
        "requests": row.requests,
        "joined_at": iso(row.joined_at),
        "requested_at": iso(row.requested_at),
        "next_try_at": iso(row.next_try_at),
        "last_result": row.last_result,
        "agent": row.agent,
        "linkedid": row.linkedid,
        "callback_linkedid": row.callback_linkedid,
    }
