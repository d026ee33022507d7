"""What the console shows of a call, built from the contract dict (``call_to_dict``).

The pages read the same shape the JSON API and ``callcenter calls --json`` give, so the
three never disagree. Formatting that depends on the language or the time zone happens in
the templates (filters from ``web.i18n``); this module only prepares values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


def parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def format_duration(seconds: float | None) -> str:
    """``0:07``, ``3:25``, ``1:02:03``; empty for nothing measured."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


@dataclass(frozen=True, slots=True)
class TimelineStep:
    at: datetime | None
    kind: str
    detail: str
    offset: str = ""  # time since the call started, e.g. "0:12"


@dataclass(frozen=True, slots=True)
class CallView:
    id: int
    caller_name: str
    caller_number: str
    dialed: str
    started_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    wait: str
    talk: str
    disposition: str | None
    queue: str | None
    agent: str | None
    ivr_path: tuple[str, ...]
    recording: str | None
    transcript: str | None
    ticket: int | None
    timeline: tuple[TimelineStep, ...]

    @property
    def in_progress(self) -> bool:
        return self.ended_at is None

    @classmethod
    def from_contract(cls, data: dict[str, Any]) -> CallView:
        started = parse_time(data.get("started_at"))
        ended = parse_time(data.get("ended_at"))
        answered = parse_time(data.get("answered_at"))
        # A call still ringing or in the queue has no wait yet, not a wait of 0:00.
        waited = ended is not None or answered is not None
        return cls(
            id=int(data["id"]),
            caller_name=data.get("caller_name") or "",
            caller_number=data.get("caller_number") or "",
            dialed=data.get("dialed") or "",
            started_at=started,
            answered_at=answered,
            ended_at=ended,
            wait=format_duration(data.get("wait_seconds")) if waited else "",
            talk=format_duration(data.get("talk_seconds")) if answered is not None else "",
            disposition=data.get("disposition"),
            queue=data.get("queue"),
            agent=data.get("agent"),
            ivr_path=tuple(str(step) for step in data.get("ivr_path") or ()),
            recording=data.get("recording"),
            transcript=data.get("transcript"),
            ticket=data.get("ticket"),
            timeline=tuple(_step(entry, started) for entry in data.get("timeline") or ()),
        )


def _step(entry: dict[str, Any], started: datetime | None) -> TimelineStep:
    at = parse_time(entry.get("at"))
    offset = ""
    if at is not None and started is not None:
        offset = format_duration(max(0.0, (at - started).total_seconds()))
    return TimelineStep(
        at=at, kind=str(entry.get("kind", "")), detail=str(entry.get("detail", "")), offset=offset
    )
