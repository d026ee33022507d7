"""Whose callback is due. Pure: no I/O, no clock (``now`` is given).

A caller who kept their place keeps their *virtual* place: the moment they joined the queue.
Their callback is due when no caller still waiting in that queue joined before them, the
queue is staffed (an agent logged in and not paused), and no other callback of the queue is
waiting for an agent. It then enters the queue ahead of everyone who joined after its place
(the feature gives it a high priority), so app_queue hands it the next free agent: no caller
behind it can take that agent first. Callbacks of one queue go in the order of their places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CallbackStatus(StrEnum):
    PENDING = "pending"  # waiting for its turn (or for its retry time)
    CALLING = "calling"  # in the queue for an agent (Local channel originated)
    CONNECTED = "connected"  # an agent answered; the customer is dialed / talking
    DONE = "done"  # the customer answered
    UNREACHED = "unreached"  # every attempt went unanswered: left open for a person


OPEN_STATUSES = (CallbackStatus.PENDING, CallbackStatus.CALLING, CallbackStatus.CONNECTED)

# Dial results that count as one try at the customer; anything else (no agent, a hang-up
# before the customer was dialed) is not the customer's fault and is simply tried again.
CUSTOMER_NOT_REACHED = frozenset({"NOANSWER", "BUSY", "CONGESTION", "CHANUNAVAIL", "CANCEL"})


@dataclass(frozen=True, slots=True)
class Waiting:
    """A callback request as the turn logic sees it."""

    id: int
    queue: str
    joined_at: datetime
    status: CallbackStatus
    next_try_at: datetime | None = None


def callbacks_due(
    callbacks: Sequence[Waiting],
    queue_callers: Mapping[str, Iterable[datetime]],
    staffed: Mapping[str, int],
    now: datetime,
) -> list[int]:
    """Ids of the callbacks to start now, at most one per queue."""
    due: list[int] = []
    for queue in sorted({c.queue for c in callbacks}):
        mine = sorted((c for c in callbacks if c.queue == queue), key=lambda c: c.joined_at)
        if staffed.get(queue, 0) <= 0:
            continue
        if any(c.status is CallbackStatus.CALLING for c in mine):
            continue
        earliest_caller = min(queue_callers.get(queue, ()), default=None)
        for callback in mine:
            if callback.status is not CallbackStatus.PENDING:
                continue
            if earliest_caller is not None and earliest_caller < callback.joined_at:
                break  # a caller on the line is ahead of this place (and of every later one)
            if callback.next_try_at is not None and callback.next_try_at > now:
                continue  # waiting to retry: the next place may go meanwhile
            due.append(callback.id)
            break
    return due


@dataclass(frozen=True, slots=True)
class Outcome:
    status: CallbackStatus
    attempts: int
    retry_in_seconds: float | None  # set when it goes back to pending


def after_result(result: str, *, attempts: int, max_attempts: int, retry_seconds: float) -> Outcome:
    """What a callback becomes after its call ended with Dial status ``result``."""
    if result == "ANSWER":
        return Outcome(CallbackStatus.DONE, attempts + 1, None)
    if result in CUSTOMER_NOT_REACHED:
        tried = attempts + 1
        if tried >= max_attempts:
            return Outcome(CallbackStatus.UNREACHED, tried, None)
        return Outcome(CallbackStatus.PENDING, tried, retry_seconds)
    return Outcome(CallbackStatus.PENDING, attempts, 2.0)  # no agent: try again shortly
