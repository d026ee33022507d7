"""One agent's state, as the desk sees it. Pure: no I/O, no clock; times come from events.

An :class:`Agent` is immutable. Each method is named after the AMI event that moves it and
returns the agent after that event. The state a person sees (:attr:`Agent.state`) is derived
from what the agent is doing with a call (:class:`Phase`) and from its queue memberships:

* ``ringing``, ``on_call`` and ``wrap_up`` follow the agent's call, whatever else holds;
* otherwise ``logged_out`` when the agent is a member of no queue,
* ``paused`` when it is paused in every queue it is logged in to,
* else ``available``.

Wrap-up is applied by app_queue (``wrapuptime`` per queue: it does not ring the member for
that long after a call) and mirrored here: ``agent_complete`` starts it, ``wrap_up_ended``
ends it when the time has come (the owner schedules that call).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


class Phase(StrEnum):
    """What the agent is doing with a call."""

    IDLE = "idle"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"


# Asterisk device states (the ``State`` of DeviceStateChange, by name and by number).
BUSY_DEVICE_STATES = frozenset({"INUSE", "BUSY", "ONHOLD"})
RINGING_DEVICE_STATES = frozenset({"RINGING", "RINGINUSE"})
DEVICE_STATE_NAMES = {
    0: "UNKNOWN",
    1: "NOT_INUSE",
    2: "INUSE",
    3: "BUSY",
    4: "INVALID",
    5: "UNAVAILABLE",
    6: "RINGING",
    7: "RINGINUSE",
    8: "ONHOLD",
}


@dataclass(frozen=True, slots=True)
class Agent:
    extension: str
    queues: frozenset[str] = frozenset()  # the desk's queue names it is logged in to
    paused_in: frozenset[str] = frozenset()
    pause_reason: str = ""
    phase: Phase = Phase.IDLE
    call: str | None = None  # linkedid of the call it rings for, talks on, wraps up
    call_queue: str | None = None  # None: a direct call (not through a queue)
    wrap_up_until: datetime | None = None
    device: str = "UNKNOWN"
    since: datetime | None = None  # when ``state`` last changed

    @property
    def state(self) -> AgentState:
        if self.phase is not Phase.IDLE:
            return AgentState(self.phase.value)
        if not self.queues:
            return AgentState.LOGGED_OUT
        if self.queues <= self.paused_in:
            return AgentState.PAUSED
        return AgentState.AVAILABLE

    @property
    def reason(self) -> str:
        """The pause reason while paused, else empty."""
        return self.pause_reason if self.state is AgentState.PAUSED else ""

    # -- queue membership -----------------------------------------------------------------

    def queue_member_added(self, queue: str, *, paused: bool, reason: str) -> Agent:
        return self._pause(queue, paused, reason, queues=self.queues | {queue})

    def queue_member_removed(self, queue: str) -> Agent:
        queues = self.queues - {queue}
        paused_in = self.paused_in - {queue}
        return replace(
            self,
            queues=queues,
            paused_in=paused_in,
            pause_reason=self.pause_reason if paused_in else "",
        )

    def queue_member_pause(self, queue: str, *, paused: bool, reason: str) -> Agent:
        return self._pause(queue, paused, reason, queues=self.queues | {queue})

    def queue_member_status(self, queue: str, *, paused: bool, reason: str, device: str) -> Agent:
        """A member's periodic status: membership and pause as Asterisk has them."""
        return replace(
            self._pause(queue, paused, reason, queues=self.queues | {queue}), device=device
        )

    def _pause(self, queue: str, paused: bool, reason: str, *, queues: frozenset[str]) -> Agent:
        paused_in = self.paused_in | {queue} if paused else self.paused_in - {queue}
        if paused:
            pause_reason = reason or self.pause_reason
        else:
            pause_reason = self.pause_reason if paused_in else ""
        return replace(self, queues=queues, paused_in=paused_in, pause_reason=pause_reason)

    # -- calls ----------------------------------------------------------------------------

    def agent_called(self, queue: str, linkedid: str) -> Agent:
        if self.phase is Phase.ON_CALL:
            return self
        return replace(self, phase=Phase.RINGING, call=linkedid, call_queue=queue)

    def agent_ring_no_answer(self, linkedid: str) -> Agent:
        if self.phase is Phase.RINGING and self.call == linkedid:
            return self._idle()
        return self

    def agent_connect(self, queue: str, linkedid: str) -> Agent:
        return replace(
            self, phase=Phase.ON_CALL, call=linkedid, call_queue=queue, wrap_up_until=None
        )

    def agent_complete(self, queue: str, linkedid: str, at: datetime, wrap_up: float) -> Agent:
        if self.call not in (None, linkedid):
            return self  # a late event of an earlier call
        if wrap_up <= 0:
            return self._idle()
        return replace(
            self,
            phase=Phase.WRAP_UP,
            call=linkedid,
            call_queue=queue,
            wrap_up_until=at + timedelta(seconds=wrap_up),
        )

    def wrap_up_ended(self, at: datetime) -> Agent:
        """The wrap-up time is over (the owner calls this when ``wrap_up_until`` has come)."""
        if self.phase is Phase.WRAP_UP and (self.wrap_up_until is None or at >= self.wrap_up_until):
            return self._idle()
        return self

    def device_state_change(self, device_state: str) -> Agent:
        """The phone's own state: direct calls (not through a queue) show here only."""
        agent = replace(self, device=device_state)
        if not self.queues:
            return agent  # a logged-out agent's own calls are not desk work
        if self.phase is Phase.IDLE and device_state in BUSY_DEVICE_STATES:
            return replace(agent, phase=Phase.ON_CALL, call=None, call_queue=None)
        if self.phase is Phase.IDLE and device_state in RINGING_DEVICE_STATES:
            return replace(agent, phase=Phase.RINGING, call=None, call_queue=None)
        # A queue call ends with AgentComplete (and wrap-up); a ring that stopped because the
        # caller gave up, or a direct call, ends here.
        ended = device_state in ("NOT_INUSE", "UNAVAILABLE")
        direct_call = self.phase is Phase.ON_CALL and self.call_queue is None
        if ended and (self.phase is Phase.RINGING or direct_call):
            return agent._idle()
        return agent

    def _idle(self) -> Agent:
        return replace(self, phase=Phase.IDLE, call=None, call_queue=None, wrap_up_until=None)


@dataclass(frozen=True, slots=True)
class StateChange:
    """One entry of an agent's timeline."""

    extension: str
    at: datetime
    previous: AgentState
    state: AgentState
    cause: str  # the event that moved it, e.g. ``AgentCalled``
    reason: str = ""  # the pause reason when paused
    queue: str | None = None
    linkedid: str | None = None

    def __str__(self) -> str:
        reason = f" [{self.reason}]" if self.reason else ""
        return f"agent {self.extension}: {self.previous} -> {self.state} ({self.cause}){reason}"
