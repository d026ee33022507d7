"""The callbacks feature's database work, run in worker threads (``asyncio.to_thread``).

Each method is one transaction and returns what the event loop keeps in memory (``Waiting``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from callcenter.callbacks.store import CallbackRepository, Request, as_waiting
from callcenter.callbacks.ticket_notes import note_on_tickets
from callcenter.callbacks.turns import CallbackStatus, Waiting, after_result
from callcenter.config import CallbackSettings
from callcenter.db.engine import session_scope


class CallbackRecords:
    def __init__(self, sessions: sessionmaker[Session], config: CallbackSettings) -> None:
        self._sessions = sessions
        self._config = config

    def load(self, live: set[int], now: datetime) -> list[Waiting]:
        """Open callbacks; those whose call is gone since we last saw them wait again."""
        with session_scope(self._sessions) as session:
            rows = CallbackRepository(session).open()
            for row in rows:
                in_call = row.status != CallbackStatus.PENDING.value
                if in_call and row.id not in live:
                    row.status = CallbackStatus.PENDING.value
                    row.updated_at = now
            return [as_waiting(row) for row in rows]

    def store_request(self, request: Request) -> tuple[Waiting, bool]:
        with session_scope(self._sessions) as session:
            row, merged = CallbackRepository(session).request(request)
            return as_waiting(row), merged

    def update(
        self, cb_id: int, status: CallbackStatus, at: datetime, changes: dict[str, object]
    ) -> Waiting | None:
        with session_scope(self._sessions) as session:
            row = CallbackRepository(session).set_status(cb_id, status, at, **changes)
            return None if row is None else as_waiting(row)

    def begin(self, cb_id: int, at: datetime) -> tuple[Waiting, str, str, str, str] | None:
        with session_scope(self._sessions) as session:
            repo = CallbackRepository(session)
            row = repo.get(cb_id)
            if row is None or row.status != CallbackStatus.PENDING.value:
                return None
            repo.set_status(cb_id, CallbackStatus.CALLING, at)
            return as_waiting(row), row.number, row.caller_name, row.linkedid, row.language

    def finish(self, cb_id: int, result: str, at: datetime) -> Waiting | None:
        """The callback after its call; None once it is no longer open."""
        with session_scope(self._sessions) as session:
            repo = CallbackRepository(session)
            row = repo.get(cb_id)
            open_now = (CallbackStatus.CALLING.value, CallbackStatus.CONNECTED.value)
            if row is None or row.status not in open_now:
                return None
            outcome = after_result(
                result,
                attempts=row.attempts,
                max_attempts=self._config.attempts,
                retry_seconds=self._config.retry_seconds,
            )
            repo.finish(cb_id, outcome, result, at)
            if outcome.status is CallbackStatus.DONE:
                note_on_tickets(
                    session,
                    row.linkedid,
                    f"已回拨，坐席 {row.agent} / called back by agent "
                    f"{row.agent} (call {row.callback_linkedid})",
                    at,
                )
                return None
            if outcome.status is CallbackStatus.UNREACHED:
                note_on_tickets(
                    session,
                    row.linkedid,
                    f"回拨 {row.attempts} 次未接通，请人工处理 / callback not answered after "
                    f"{row.attempts} attempts ({result}): left open for a person",
                    at,
                )
                return None
            return as_waiting(row)
