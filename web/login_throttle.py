"""Slowing down password guessing: failed logins counted per (username, address).

After ``limit`` failures for one username from one address within ``window`` seconds,
further attempts for that pair are refused until the oldest failure leaves the window.
A second, wider budget per address alone (``address_limit``) stops one client from
spraying many usernames. A successful login clears the pair's failures.

The counts live in this process's memory: right for the single waitress process the console
runs as today. Several console processes would share them through Redis instead.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the next attempt is allowed, when refused


class LoginThrottle:
    """Thread-safe sliding-window failure counter (waitress serves requests on threads)."""

    SWEEP_ABOVE = 10_000

    def __init__(
        self,
        *,
        limit: int = 5,
        window: float = 300.0,
        address_limit: int = 50,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window = window
        self._address_limit = address_limit
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, ...], deque[float]] = {}

    @staticmethod
    def _pair(username: str, address: str) -> tuple[str, ...]:
        return ("pair", username.strip().casefold(), address)

    @staticmethod
    def _address(address: str) -> tuple[str, ...]:
        return ("address", address)

    def check(self, username: str, address: str) -> Verdict:
        """May this attempt go ahead? Call before checking the password."""
        now = self._clock()
        with self._lock:
            waits = [
                self._wait(self._pair(username, address), self._limit, now),
                self._wait(self._address(address), self._address_limit, now),
            ]
        wait = max(waits)
        return Verdict(allowed=wait == 0, retry_after=wait)

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key in (self._pair(username, address), self._address(address)):
                self._failures.setdefault(key, deque()).append(now)
            if len(self._failures) > self.SWEEP_ABOVE:
                self._sweep(now)

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop(self._pair(username, address), None)

    def _sweep(self, now: float) -> None:
        """Forget keys whose failures have all left the window (bounds memory)."""
        stale = [k for k, v in self._failures.items() if not v or v[-1] <= now - self._window]
        for key in stale:
            del self._failures[key]

    def _wait(self, key: tuple[str, ...], limit: int, now: float) -> int:
        stamps = self._failures.get(key)
        if not stamps:
            return 0
        while stamps and stamps[0] <= now - self._window:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
            return 0
        if len(stamps) < limit:
            return 0
        # Refused until enough failures age out to bring the count under the limit.
        oldest_that_matters = stamps[len(stamps) - limit]
        return max(1, int(oldest_that_matters + self._window - now + 0.999))
