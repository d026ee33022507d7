"""Helpers of the ticket storage tests: a settable clock, calls in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callcenter.db.call_repository import CallRepository
from callcenter.domain.call import Call, Disposition

SH = ZoneInfo("Asia/Shanghai")


def local(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


_count = 0


def save_call(session: Session, **overrides: Any) -> int:
    """An answered call (fields overridable) saved in ``session``; returns its id."""
    global _count
    _count += 1
    start: datetime = overrides.pop("started_at", local(3, 2, 10))
    wait = overrides.pop("wait", 10.0)
    talk = overrides.pop("talk", 120.0)
    answered = overrides.pop("answered", True)
    values: dict[str, Any] = {
        "linkedid": f"t.{_count}.{start.timestamp()}",
        "caller_number": "13800138000",
        "caller_name": "王小明",
        "dialed": "8000",
        "started_at": start,
        "queue_joined_at": start,
        "queue": "general",
    }
    if answered:
        values |= {
            "answered_at": start + timedelta(seconds=wait),
            "ended_at": start + timedelta(seconds=wait + talk),
            "agent": "1001",
            "disposition": Disposition.ANSWERED,
        }
    else:
        values |= {
            "ended_at": start + timedelta(seconds=wait),
            "disposition": Disposition.ABANDONED,
        }
    values.update(overrides)
    return CallRepository(session).save(Call(**values))
