"""Actions waiting for their answer: ActionID -> Future (panoramisk's idea, typed).

A plain ``send`` ends with its one response. A ``collect`` (EventList action) ends with the
``EventList: Complete`` event; the item events in between are its result.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from callcenter.ami.errors import AmiActionError, AmiConnectionLost
from callcenter.ami.message import Message


@dataclass(slots=True)
class _Waiter:
    name: str
    collect: bool
    future: asyncio.Future[list[Message]]
    response: Message | None = None
    items: list[Message] = field(default_factory=list)


def _header(message: Message, key: str) -> str:
    return (message.get(key) or "").lower()


class PendingActions:
    def __init__(self) -> None:
        self._waiters: dict[str, _Waiter] = {}

    def __len__(self) -> int:
        return len(self._waiters)

    def add(self, action_id: str, name: str, *, collect: bool) -> asyncio.Future[list[Message]]:
        future: asyncio.Future[list[Message]] = asyncio.get_running_loop().create_future()
        self._waiters[action_id] = _Waiter(name, collect, future)
        return future

    def discard(self, action_id: str) -> None:
        self._waiters.pop(action_id, None)

    def route(self, message: Message) -> bool:
        """Give ``message`` to the action waiting for it; False if nobody takes it."""
        action_id = message.action_id
        waiter = None if action_id is None else self._waiters.get(action_id)
        if waiter is None or waiter.future.done():
            return False
        if waiter.response is None:
            if message.is_event and not waiter.collect:
                return False  # an event tagged with our ActionID: an event, not the answer
            waiter.response = message
            if not waiter.collect:
                waiter.future.set_result([message])
            elif _header(message, "Response") == "error":
                waiter.future.set_exception(AmiActionError(waiter.name, message))
            elif _header(message, "EventList") != "start":
                waiter.future.set_result([])
            return True
        if _header(message, "EventList") == "complete":
            waiter.future.set_result(waiter.items)
        else:
            waiter.items.append(message)
        return True

    def fail_all(self, reason: str) -> None:
        for action_id, waiter in self._waiters.items():
            if not waiter.future.done():
                waiter.future.set_exception(
                    AmiConnectionLost(
                        f"{reason} before the answer to {waiter.name} (ActionID {action_id})"
                    )
                )
        self._waiters.clear()
