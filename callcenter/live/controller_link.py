"""Between the controller (asyncio, main thread) and the console (waitress threads).

``LiveLink.attach(controller)`` subscribes to every changed call and publishes it on the
notifier, and plugs itself in as a controller feature (the last one) to learn the event loop
and the AMI client after each login. When the agents feature runs, the link publishes each
agent whose state changed (kind ``agent``, key the extension): after every event, and once a
second for what changes without an event (a wrap-up running out). The console sends AMI
actions back with ``send`` (from any thread): the action runs on the controller's loop, and
``send`` waits for Asterisk's answer. ``run`` does the same for a whole command that takes
the AMI client (``callcenter.agents.commands``: the agent desk's log in, pause, transfer).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from callcenter.ami.actions import Action
from callcenter.ami.events import Event
from callcenter.domain.call import Call
from callcenter.live import call_payload
from callcenter.live.notifier import LiveNotifier

if TYPE_CHECKING:
    from callcenter.ami.client import AmiClient
    from callcenter.controller.service import Controller

log = logging.getLogger(__name__)

SEND_TIMEOUT = 10.0
T = TypeVar("T")


class AmiUnavailableError(RuntimeError):
    """The controller is not connected to Asterisk (or not running in this process)."""


class LiveLink:
    """The console's handle on the live controller (a controller feature, too)."""

    name = "live"

    def __init__(self, notifier: LiveNotifier) -> None:
        self.notifier = notifier
        self._controller: Controller | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ami: AmiClient | None = None
        self._agents_feature: Any = None
        self._agents_seen: dict[str, dict[str, Any]] = {}
        self._callers: dict[str, str] = {}  # linkedid -> the caller's name or number
        self._poller: asyncio.Task[None] | None = None

    def attach(self, controller: Controller) -> None:
        self._controller = controller
        controller.subscribe(self.publish_call)
        self._agents_feature = next(
            (f for f in controller.features if getattr(f, "name", "") == "agents"), None
        )
        controller.features.append(self)
        self.notifier.fed = True

    def publish_call(self, call: Call) -> None:
        if call.ended_at is None:
            self._callers[call.linkedid] = call.caller_name or call.caller_number
        else:
            self._callers.pop(call.linkedid, None)
        self.notifier.publish("call", call_payload.from_call(call), key=call.linkedid)

    def publish_agents(self) -> None:
        """Publish every agent whose state changed since the last time (agents feature)."""
        feature = self._agents_feature
        if feature is None:
            return
        now: dict[str, dict[str, Any]] = {}
        for extension, agent in feature.book.agents.items():
            now[extension] = {
                "extension": extension,
                "state": str(agent.state),
                "since": None if agent.since is None else agent.since.timestamp(),
                "queues": sorted(agent.queues),
                "queue": agent.call_queue,
                "reason": agent.reason,
                "call": agent.call,
                "caller": self._callers.get(agent.call or "", None),
            }
        for extension, payload in now.items():
            if self._agents_seen.get(extension) != payload:
                self.notifier.publish("agent", payload, key=extension)
        for extension in set(self._agents_seen) - set(now):
            self.notifier.publish("agent", {"extension": extension, "ended": True}, key=extension)
        self._agents_seen = now

    async def _poll_agents(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self.publish_agents()

    @property
    def ami_connected(self) -> bool:
        return self._controller is not None and self._controller.ami_connected

    @property
    def store_backlog(self) -> int:
        return 0 if self._controller is None else int(self._controller.store.backlog)

    # -- the Feature protocol --------------------------------------------------------------

    async def on_connect(self, ami: AmiClient) -> None:
        self._loop = asyncio.get_running_loop()
        self._ami = ami
        self.notifier.publish("ami", {"connected": True}, key="ami")
        self.publish_agents()
        if self._agents_feature is not None and (self._poller is None or self._poller.done()):
            self._poller = asyncio.create_task(self._poll_agents(), name="live-agents")

    async def on_event(self, event: Event, calls: Sequence[Call], ami: AmiClient) -> None:
        self.publish_agents()

    # -- commands from the console ------------------------------------------------------------

    def send(self, action: Action, *, timeout: float = SEND_TIMEOUT) -> Any:
        """Send ``action`` from a console thread; returns Asterisk's response message."""
        if self._loop is None or self._ami is None or not self.ami_connected:
            raise AmiUnavailableError("the controller is not connected to Asterisk")
        future = asyncio.run_coroutine_threadsafe(self._ami.send(action), self._loop)
        return future.result(timeout)

    def run(
        self, work: Callable[[AmiClient], Awaitable[T]], *, timeout: float = SEND_TIMEOUT
    ) -> T:
        """Run ``work(ami)`` on the controller's loop from a console thread; its result."""
        if self._loop is None or self._ami is None or not self.ami_connected:
            raise AmiUnavailableError("the controller is not connected to Asterisk")
        ami = self._ami

        async def call() -> T:
            return await work(ami)

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout)
