"""Writes calls to the database off the event loop, in order, without losing any.

Saving is an upsert of a call's whole state, so while the database is slow or down the
latest state per call is all that needs keeping: pending writes coalesce per linkedid and
are retried until they land. One writer thread keeps the writes of one call in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.call_repository import CallRepository
from callcenter.db.models import CallRow
from callcenter.domain.call import Call, Disposition, TimelineEntry, Transfer

log = logging.getLogger(__name__)


def call_from_row(row: CallRow) -> Call:
    """Rebuild the domain call of a stored row (to take over calls after a restart)."""
    timeline = tuple(
        TimelineEntry(datetime.fromisoformat(e["at"]), e["kind"], e.get("detail", ""))
        for e in (row.timeline or [])
    )
    return Call(
        linkedid=row.linkedid,
        caller_number=row.caller_number,
        caller_name=row.caller_name,
        dialed=row.dialed,
        started_at=row.started_at,
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        queue=row.queue,
        agent=row.agent,
        language=row.language,
        disposition=Disposition(row.disposition) if row.disposition else None,
        ivr_path=tuple(row.ivr_path or ()),
        timeline=timeline,
        transfers=tuple(
            Transfer(datetime.fromisoformat(e["at"]), e["from"], e["to"], e["kind"])
            for e in (row.transfers or [])
        ),
        csat=row.csat,
    )


class CallStore:
    """The controller's way to the ``calls`` table."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        retry_seconds: float = 2.0,
        on_saved: Callable[[Call, int], Any] | None = None,
    ) -> None:
        self._sessions = sessions
        self._retry = retry_seconds
        self._on_saved = on_saved
        self._pending: dict[str, Call] = {}
        self._wake = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="call-store")
        self._idle = asyncio.Event()
        self._idle.set()

    def save(self, call: Call) -> None:
        """Queue the call's latest state for writing; never blocks the event loop."""
        self._pending[call.linkedid] = call
        self._idle.clear()
        self._wake.set()

    @property
    def backlog(self) -> int:
        return len(self._pending)

    async def flushed(self, timeout: float | None = None) -> None:
        """Wait until every queued call is written."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def open_calls(self) -> list[Call]:
        def load() -> list[Call]:
            with self._sessions() as session:
                return [call_from_row(r) for r in CallRepository(session).open_calls()]

        return await asyncio.get_running_loop().run_in_executor(self._executor, load)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, {}
            try:
                ids = await loop.run_in_executor(self._executor, self._write, list(batch.values()))
            except SQLAlchemyError as exc:
                log.error(
                    "could not store %d call(s), retrying in %.0f s: %s",
                    len(batch),
                    self._retry,
                    exc,
                )
                # Newer states that arrived meanwhile win over the batch that failed.
                self._pending = {**batch, **self._pending}
                await asyncio.sleep(self._retry)
                self._wake.set()
                continue
            if self._on_saved is not None:
                for call, row_id in zip(batch.values(), ids, strict=True):
                    self._on_saved(call, row_id)
            if not self._pending:
                self._idle.set()

    def _write(self, calls: list[Call]) -> list[int]:
        with self._sessions() as session, session.begin():
            repo = CallRepository(session)
            return [repo.save(call) for call in calls]

    def close(self) -> None:
        self._executor.shutdown(wait=True)
