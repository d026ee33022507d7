"""``AgentsFeature``: the agents' live state in the controller, and its timeline.

Events go through the pure :class:`AgentBook`; each visible change is logged (``agent 1001:
available -> ringing (AgentCalled)``) and written to the timeline. After every (re)connect
the book is rebuilt from ``QueueStatus``; wrap-ups end on a timer (app_queue applies the
same ``wrapuptime`` and sends no event when it is over).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from callcenter.agents.book import AgentBook
from callcenter.agents.state import AgentState, StateChange
from callcenter.agents.store import TimelineWriter
from callcenter.ami import actions
from callcenter.ami.client import AmiClient
from callcenter.ami.events import Event, QueueMemberEvent, event_from_message
from callcenter.config import Settings
from callcenter.domain.call import Call

log = logging.getLogger(__name__)


class AgentsFeature:
    name = "agents"

    def __init__(
        self,
        *,
        settings: Settings,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        queue_names = {ast: desk for desk, ast in settings.asterisk_queues.items()}
        wrap_up = {q: float(settings.queue(q).wrapup_seconds) for q in settings.queues}
        self.book = AgentBook(queue_names=queue_names, wrap_up=wrap_up)
        self.timeline = TimelineWriter(sessions)
        self._clock = clock
        self._timer: asyncio.TimerHandle | None = None
        self._first_connect = True

    async def on_connect(self, ami: AmiClient) -> None:
        items = await ami.collect(actions.queue_status())
        members = [
            e
            for e in (event_from_message(m, now=self._clock) for m in items)
            if isinstance(e, QueueMemberEvent)
        ]
        if self._first_connect:
            self._first_connect = False
            await self._load_stored_states()
        self._record(self.book.resync(members, self._clock()))
        self._schedule_wrap_up()
        log.info("agents resynced: %d agent(s) in the queues", len(self.book.agents))

    async def on_event(self, event: Event, calls: Sequence[Call], ami: AmiClient) -> None:
        changes = self.book.apply(event)
        if changes:
            self._record(changes)
            self._schedule_wrap_up()

    async def _load_stored_states(self) -> None:
        """Start from the stored timeline, so a restart records only real changes."""
        stored = await asyncio.to_thread(self.timeline.latest_states)
        for ext, (state, _since) in stored.items():
            self.book.remember(ext, AgentState(state))

    def _record(self, changes: list[StateChange]) -> None:
        for change in changes:
            log.info("%s", change)
        self.timeline.write(changes)

    def _schedule_wrap_up(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        due = self.book.next_wrap_up_end()
        if due is None:
            return
        delay = max(0.0, (due - self._clock()).total_seconds())
        self._timer = asyncio.get_running_loop().call_later(delay, self._wrap_up_due)

    def _wrap_up_due(self) -> None:
        self._timer = None
        self._record(self.book.wrap_up_due(self._clock()))
        self._schedule_wrap_up()
