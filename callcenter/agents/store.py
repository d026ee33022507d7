"""Agents in the database: the ``agents`` table and the state timeline.

``AgentRepository`` works in the caller's session (the caller commits). ``TimelineWriter``
is the controller's way to the timeline: one writer thread keeps the changes in order and
off the event loop; a change that cannot be written is retried, never dropped silently.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callcenter.agents.state import StateChange
from callcenter.db.agent_models import AgentRow, AgentStateChangeRow
from callcenter.db.engine import session_scope

log = logging.getLogger(__name__)


class AgentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, extension: str) -> AgentRow | None:
        return self.session.scalars(select(AgentRow).where(AgentRow.extension == extension)).first()

    def all(self) -> list[AgentRow]:
        return list(self.session.scalars(select(AgentRow).order_by(AgentRow.extension)))

    def queues_and_skills(
        self, extension: str, all_queues: Sequence[str]
    ) -> tuple[list[str], dict[str, int]]:
        """The queues the agent logs in to (every queue if none recorded) and its penalties."""
        row = self.get(extension)
        if row is None or not row.queues:
            return list(all_queues), dict(row.skills) if row else {}
        return list(row.queues), dict(row.skills)

    def save(
        self, extension: str, *, name: str, queues: Sequence[str], skills: dict[str, int]
    ) -> AgentRow:
        """Create the agent, or update its name, queues and skills."""
        row = self.get(extension)
        if row is None:
            row = AgentRow(extension=extension)
            self.session.add(row)
        row.name, row.queues, row.skills = name, list(queues), dict(skills)
        self.session.flush()
        return row

    def record(self, change: StateChange) -> None:
        self.session.add(
            AgentStateChangeRow(
                extension=change.extension,
                at=change.at,
                state=change.state.value,
                previous=change.previous.value,
                cause=change.cause,
                reason=change.reason,
                queue=change.queue,
                linkedid=change.linkedid,
            )
        )

    def timeline(self, extension: str, limit: int = 100) -> list[AgentStateChangeRow]:
        """The agent's latest changes, oldest first."""
        query = (
            select(AgentStateChangeRow)
            .where(AgentStateChangeRow.extension == extension)
            .order_by(AgentStateChangeRow.at.desc(), AgentStateChangeRow.id.desc())
            .limit(limit)
        )
        return list(reversed(list(self.session.scalars(query))))

    def latest(self) -> dict[str, AgentStateChangeRow]:
        """The last change of every agent."""
        newest = (
            select(func.max(AgentStateChangeRow.id).label("id"))
            .group_by(AgentStateChangeRow.extension)
            .subquery()
        )
        query = select(AgentStateChangeRow).join(newest, AgentStateChangeRow.id == newest.c.id)
        return {row.extension: row for row in self.session.scalars(query)}


class TimelineWriter:
    """Writes state changes in order on one thread; retries while the database is away."""

    def __init__(self, sessions: sessionmaker[Session], *, retry_seconds: float = 2.0) -> None:
        self._sessions = sessions
        self._retry = retry_seconds
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agent-timeline")
        self._closed = threading.Event()

    def write(self, changes: Sequence[StateChange]) -> None:
        if changes:
            self._executor.submit(self._write, list(changes))

    def latest_states(self) -> dict[str, tuple[str, datetime]]:
        """extension -> (state, since) as last stored (blocking: call it off the loop)."""
        with self._sessions() as session:
            return {
                ext: (row.state, row.at) for ext, row in AgentRepository(session).latest().items()
            }

    def close(self, timeout: float = 10.0) -> None:
        self._closed.set()
        self._executor.shutdown(wait=True, cancel_futures=False)

    def _write(self, changes: list[StateChange]) -> None:
        while True:
            try:
                with session_scope(self._sessions) as session:
                    repo = AgentRepository(session)
                    for change in changes:
                        repo.record(change)
                return
            except SQLAlchemyError as exc:
                if self._closed.is_set():
                    log.error("agent timeline: %d change(s) not stored: %s", len(changes), exc)
                    return
                log.warning("agent timeline not stored yet (%s); retrying", exc)
                time.sleep(self._retry)
