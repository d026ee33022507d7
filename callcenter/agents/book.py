"""The agent reducer: typed AMI events in, agent state changes out. Pure: no I/O, no clock.

`AgentBook.apply` moves the agents an event is about and returns one :class:`StateChange`
per agent whose visible state changed (the timeline). `resync` rebuilds every agent from a
``QueueStatus`` list after a (re)connect; `wrap_up_due` ends the wrap-ups whose time came.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from callcenter.agents.state import (
    BUSY_DEVICE_STATES,
    DEVICE_STATE_NAMES,
    RINGING_DEVICE_STATES,
    Agent,
    AgentState,
    Phase,
    StateChange,
)
from callcenter.ami import events as ev

_Transition = Callable[[Agent], Agent]


class AgentBook:
    def __init__(
        self,
        *,
        queue_names: Mapping[str, str] | None = None,
        wrap_up: Mapping[str, float] | None = None,
    ) -> None:
        # app_queue name -> the desk's queue name; the desk's queue name -> wrap-up seconds.
        self._queue_names = dict(queue_names or {})
        self._wrap_up = dict(wrap_up or {})
        self._agents: dict[str, Agent] = {}
        # The state last recorded for agents not seen since start (from the stored timeline).
        self._recorded: dict[str, AgentState] = {}

    @property
    def agents(self) -> dict[str, Agent]:
        return dict(self._agents)

    def get(self, extension: str) -> Agent:
        return self._agents.get(extension) or Agent(extension)

    def staffed(self, queue: str) -> int:
        """Agents logged in to ``queue`` and not paused there (busy or not)."""
        return sum(
            1
            for agent in self._agents.values()
            if queue in agent.queues and queue not in agent.paused_in
        )

    def queue(self, asterisk_name: str) -> str:
        return self._queue_names.get(asterisk_name, asterisk_name)

    def wrap_up_seconds(self, queue: str | None) -> float:
        return self._wrap_up.get(queue or "", 0.0)

    def remember(self, extension: str, state: AgentState) -> None:
        """The state last recorded for ``extension`` (e.g. before a restart): the next
        change of that agent is measured against it, so only real changes are recorded."""
        self._recorded[extension] = state

    def apply(self, event: ev.Event) -> list[StateChange]:
        """Fold one event in; return the visible state changes it caused."""
        match event:
            case ev.QueueMemberAdded():
                q = self.queue(event.queue)
                return self._move(
                    event.extension,
                    event.at,
                    "QueueMemberAdded",
                    lambda a: a.queue_member_added(
                        q, paused=event.paused, reason=event.paused_reason
                    ),
                    queue=q,
                )
            case ev.QueueMemberRemoved():
                q = self.queue(event.queue)
                return self._move(
                    event.extension,
                    event.at,
                    "QueueMemberRemoved",
                    lambda a: a.queue_member_removed(q),
                    queue=q,
                )
            case ev.QueueMemberPause():
                q = self.queue(event.queue)
                return self._move(
                    event.extension,
                    event.at,
                    "QueueMemberPause",
                    lambda a: a.queue_member_pause(
                        q, paused=event.paused, reason=event.paused_reason
                    ),
                    queue=q,
                )
            case ev.AgentCalled():
                q, lid = self.queue(event.queue), event.chan.linkedid
                return self._move(
                    event.extension,
                    event.at,
                    "AgentCalled",
                    lambda a: a.agent_called(q, lid),
                    queue=q,
                    linkedid=lid,
                )
            case ev.AgentRingNoAnswer():
                lid = event.chan.linkedid
                return self._move(
                    event.extension,
                    event.at,
                    "AgentRingNoAnswer",
                    lambda a: a.agent_ring_no_answer(lid),
                    queue=self.queue(event.queue),
                    linkedid=lid,
                )
            case ev.AgentConnect():
                q, lid = self.queue(event.queue), event.chan.linkedid
                return self._move(
                    event.extension,
                    event.at,
                    "AgentConnect",
                    lambda a: a.agent_connect(q, lid),
                    queue=q,
                    linkedid=lid,
                )
            case ev.AgentComplete():
                q, lid, at = self.queue(event.queue), event.chan.linkedid, event.at
                wrap = self.wrap_up_seconds(q)
                return self._move(
                    event.extension,
                    at,
                    "AgentComplete",
                    lambda a: a.agent_complete(q, lid, at, wrap),
                    queue=q,
                    linkedid=lid,
                )
            case ev.DeviceStateChange() if event.device.startswith("PJSIP/"):
                ext = ev.extension_of(event.device)
                if ext not in self._agents:
                    return []
                state = event.state
                return self._move(
                    ext, event.at, "DeviceStateChange", lambda a: a.device_state_change(state)
                )
            case _:
                return []

    def wrap_up_due(self, at: datetime) -> list[StateChange]:
        """End every wrap-up whose time has come by ``at``."""
        changes: list[StateChange] = []
        for ext, agent in list(self._agents.items()):
            if agent.phase is Phase.WRAP_UP:
                changes += self._move(ext, at, "WrapUpEnded", lambda a: a.wrap_up_ended(at))
        return changes

    def next_wrap_up_end(self) -> datetime | None:
        ends = [a.wrap_up_until for a in self._agents.values() if a.wrap_up_until is not None]
        return min(ends, default=None)

    def resync(self, members: Iterable[ev.QueueMemberEvent], at: datetime) -> list[StateChange]:
        """Rebuild every agent from a QueueStatus list (its ``QueueMember`` items)."""
        known = set(self._agents) | set(self._recorded)
        rebuilt = {ext: Agent(ext, device=self.get(ext).device) for ext in known}
        for member in members:
            ext, q = member.extension, self.queue(member.queue)
            agent = rebuilt.get(ext) or Agent(ext)
            device = DEVICE_STATE_NAMES.get(member.status, "UNKNOWN")
            agent = agent.queue_member_status(
                q, paused=member.paused, reason=member.paused_reason, device=device
            )
            agent = _phase_from_status(agent, member, q, at, self.wrap_up_seconds(q))
            rebuilt[ext] = agent
        changes: list[StateChange] = []
        for ext, agent in rebuilt.items():
            changes += self._move(ext, at, "QueueStatus", _becomes(agent))
        return changes

    def _move(
        self,
        extension: str,
        at: datetime,
        cause: str,
        transition: _Transition,
        *,
        queue: str | None = None,
        linkedid: str | None = None,
    ) -> list[StateChange]:
        before = self.get(extension)
        previous = self._recorded.pop(extension, before.state)
        after = transition(before)
        if after.state is previous:
            self._agents[extension] = after
            return []
        after = replace(after, since=at)
        self._agents[extension] = after
        return [
            StateChange(
                extension=extension,
                at=at,
                previous=previous,
                state=after.state,
                cause=cause,
                reason=after.reason,
                queue=queue or after.call_queue,
                linkedid=linkedid or after.call,
            )
        ]


def _phase_from_status(
    agent: Agent, member: ev.QueueMemberEvent, queue: str, at: datetime, wrap_up: float
) -> Agent:
    """Ringing, talking or wrapping up, as far as a QueueMember item tells."""
    device = DEVICE_STATE_NAMES.get(member.status, "UNKNOWN")
    if agent.phase is not Phase.IDLE:
        return agent  # already known from another queue's item
    if device in RINGING_DEVICE_STATES:
        return replace(agent, phase=Phase.RINGING, call_queue=queue)
    if member.in_call or device in BUSY_DEVICE_STATES:
        return replace(agent, phase=Phase.ON_CALL, call_queue=queue)
    if member.last_call and wrap_up > 0:
        until = datetime.fromtimestamp(member.last_call, tz=UTC) + timedelta(seconds=wrap_up)
        if until > at:
            return replace(agent, phase=Phase.WRAP_UP, call_queue=queue, wrap_up_until=until)
    return agent


def _becomes(agent: Agent) -> _Transition:
    return lambda _before: agent
