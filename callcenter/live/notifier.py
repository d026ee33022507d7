"""An in-process publish/subscribe of live changes (calls, agents, queues).

The publisher is the controller's event loop, so ``publish`` must never wait: it appends to
each subscriber's bounded queue under a short lock and wakes the subscriber. A subscriber
that falls behind loses its *oldest* entries, and ``Subscription.dropped`` says how many —
the console then asks for a fresh snapshot rather than showing a board with holes.

Besides the stream of events the notifier keeps the *latest* payload per ``(kind, key)``
of what is live now (``snapshot``), so that a page opened mid-shift starts from the
present; a payload with ``"ended": True`` removes its key from the snapshot and goes into a
short list of recently ended items (``recently_ended``) — the wallboard counts them before
the call store has written them.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

DEFAULT_QUEUE_SIZE = 1000
RECENTLY_ENDED = 500


@dataclass(frozen=True, slots=True)
class LiveEvent:
    seq: int
    kind: str  # "call", "agent", "queue", ... or "snapshot" (made by the console)
    key: str  # what it is about: a call's linkedid, an agent's extension
    payload: Mapping[str, Any]
    published_at: float  # time.time() when published


class Subscription:
    """One reader's bounded queue. Use as an iterator via ``get``; ``close`` when done."""

    def __init__(self, notifier: LiveNotifier, maxsize: int) -> None:
        self._notifier = notifier
        self._items: deque[LiveEvent] = deque()
        self._maxsize = maxsize
        self._ready = threading.Condition(threading.Lock())
        self.dropped = 0
        self.closed = False

    def _offer(self, event: LiveEvent) -> None:
        with self._ready:
            if len(self._items) >= self._maxsize:
                self._items.popleft()
                self.dropped += 1
            self._items.append(event)
            self._ready.notify()

    def get(self, timeout: float) -> list[LiveEvent]:
        """Everything queued, waiting up to ``timeout`` s for the first; [] on timeout."""
        with self._ready:
            if not self._items and not self.closed:
                self._ready.wait(timeout)
            items = list(self._items)
            self._items.clear()
            return items

    def take_dropped(self) -> int:
        """How many were dropped since the last call (and reset the count)."""
        with self._ready:
            dropped, self.dropped = self.dropped, 0
            return dropped

    def close(self) -> None:
        with self._ready:
            self.closed = True
            self._ready.notify_all()
        self._notifier._remove(self)


class LiveNotifier:
    """Thread-safe pub/sub with a snapshot of what is live now."""

    def __init__(
        self, *, queue_size: int = DEFAULT_QUEUE_SIZE, clock: Callable[[], float] = time.time
    ) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscription] = []
        self._seq = itertools.count(1)
        self._live: dict[tuple[str, str], LiveEvent] = {}
        self._ended: deque[LiveEvent] = deque(maxlen=RECENTLY_ENDED)
        self._queue_size = queue_size
        self._clock = clock
        self.published = 0
        # True once something (the controller) feeds it: the snapshot is then the truth.
        self.fed = False

    def publish(self, kind: str, payload: Mapping[str, Any], *, key: str = "") -> LiveEvent:
        """Tell every subscriber; never blocks longer than a list append per subscriber."""
        with self._lock:
            event = LiveEvent(next(self._seq), kind, key, payload, self._clock())
            self.published += 1
            if key:
                if payload.get("ended"):
                    self._live.pop((kind, key), None)
                    self._ended.append(event)
                else:
                    self._live[(kind, key)] = event
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            subscriber._offer(event)
        return event

    def snapshot(self, kind: str) -> list[LiveEvent]:
        """The latest event of every live ``kind`` item, oldest first."""
        with self._lock:
            items = [e for (k, _), e in self._live.items() if k == kind]
        return sorted(items, key=lambda e: e.seq)

    def recently_ended(self, kind: str) -> list[LiveEvent]:
        with self._lock:
            return [e for e in self._ended if e.kind == kind]

    def subscribe(self, *, maxsize: int | None = None) -> Subscription:
        subscription = Subscription(self, maxsize or self._queue_size)
        with self._lock:
            self._subscribers.append(subscription)
        return subscription

    @contextmanager
    def subscription(self, *, maxsize: int | None = None) -> Iterator[Subscription]:
        sub = self.subscribe(maxsize=maxsize)
        try:
            yield sub
        finally:
            sub.close()

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def _remove(self, subscription: Subscription) -> None:
        with self._lock:
            if subscription in self._subscribers:
                self._subscribers.remove(subscription)
