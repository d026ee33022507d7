"""The wallboard's figures per queue, from today's calls (ended and live). Pure.

Definitions (the usual contact-center ones, stated so that nobody has to guess):

* **waiting** — live calls in the queue (phase ``queue`` or ``ringing``);
  **longest wait** — the longest of their waits so far.
* **offered** — calls of today that reached the queue and ended answered or abandoned.
* **service level** — the share of offered calls answered within the threshold
  (setting ``service_level_seconds``, default 20 s): answered-within / offered.
* **ASA** (average speed of answer) — mean wait of the answered calls.
* **abandon rate** — abandoned / offered.
* **callbacks pending** — calls of today that ended asking for a callback, from a number
  that has not had an answered call since.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ALL_QUEUES = ""


@dataclass(frozen=True, slots=True)
class QueueFigures:
    queue: str  # "" for all queues together
    waiting: int = 0
    longest_wait: float | None = None
    talking: int = 0
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_in_threshold: int = 0
    total_answer_wait: float = 0.0
    callbacks_pending: int = 0

    @property
    def service_level(self) -> float | None:
        return None if not self.offered else self.answered_in_threshold / self.offered

    @property
    def average_speed_of_answer(self) -> float | None:
        return None if not self.answered else self.total_answer_wait / self.answered

    @property
    def abandon_rate(self) -> float | None:
        return None if not self.offered else self.abandoned / self.offered

    def as_dict(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "waiting": self.waiting,
            "longest_wait": self.longest_wait,
            "talking": self.talking,
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "service_level": self.service_level,
            "average_speed_of_answer": self.average_speed_of_answer,
            "abandon_rate": self.abandon_rate,
            "callbacks_pending": self.callbacks_pending,
        }


@dataclass
class _Tally:
    waiting: int = 0
    longest_wait: float | None = None
    talking: int = 0
    answered: int = 0
    abandoned: int = 0
    in_threshold: int = 0
    answer_wait: float = 0.0
    callbacks: int = 0

    def figures(self, queue: str) -> QueueFigures:
        return QueueFigures(
            queue=queue,
            waiting=self.waiting,
            longest_wait=self.longest_wait,
            talking=self.talking,
            offered=self.answered + self.abandoned,
            answered=self.answered,
            abandoned=self.abandoned,
            answered_in_threshold=self.in_threshold,
            total_answer_wait=self.answer_wait,
            callbacks_pending=self.callbacks,
        )


def _pending_callbacks(calls: list[Mapping[str, Any]]) -> set[str]:
    """linkedids of callback requests not followed by an answered call from that number."""
    pending: dict[str, str] = {}  # number -> linkedid
    for call in sorted(calls, key=lambda c: c.get("started") or 0.0):
        number = str(call.get("caller_number") or "")
        if call.get("disposition") == "callback":
            pending[number] = str(call.get("linkedid"))
        elif call.get("disposition") == "answered" or call.get("phase") == "talking":
            pending.pop(number, None)
    return set(pending.values())


def queue_figures(
    calls: Iterable[Mapping[str, Any]],
    *,
    queues: Iterable[str],
    now: float,
    threshold_seconds: float,
) -> list[QueueFigures]:
    """One ``QueueFigures`` per queue in ``queues`` (plus any other seen), then all of them.

    ``calls`` are live-board payloads (``call_payload``) of today, each call once.
    """
    calls = list(calls)
    pending = _pending_callbacks(calls)
    tallies: dict[str, _Tally] = {name: _Tally() for name in queues}
    total = _Tally()
    for call in calls:
        queue = call.get("queue")
        if not queue:
            continue
        for tally in (tallies.setdefault(str(queue), _Tally()), total):
            _count(tally, call, now, threshold_seconds, pending)
    result = [tally.figures(name) for name, tally in tallies.items()]
    result.append(total.figures(ALL_QUEUES))
    return result


def _count(
    tally: _Tally, call: Mapping[str, Any], now: float, threshold: float, pending: set[str]
) -> None:
    phase = call.get("phase")
    if phase in ("queue", "ringing"):
        tally.waiting += 1
        since = call.get("queued") or call.get("started")
        if since is not None:
            waited = max(0.0, now - float(since))
            tally.longest_wait = max(tally.longest_wait or 0.0, waited)
    elif phase == "talking":
        tally.talking += 1
    disposition = call.get("disposition")
    if disposition == "answered" or phase == "talking":
        wait = float(call.get("wait_seconds") or 0.0)
        tally.answered += 1
        tally.answer_wait += wait
        if wait <= threshold:
            tally.in_threshold += 1
    elif disposition == "abandoned":
        tally.abandoned += 1
    elif disposition == "callback" and str(call.get("linkedid")) in pending:
        tally.callbacks += 1
