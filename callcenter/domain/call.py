"""The call as the desk sees it: one caller's whole path, grouped by Asterisk's linkedid."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Disposition(StrEnum):
    """How a call ended (``None`` on the call while it is in progress)."""

    ANSWERED = "answered"
    ABANDONED = "abandoned"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"
    FAILED = "failed"
    BUSY = "busy"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One step of a call's path, e.g. ``queue_join general`` or ``agent_connect 1001``."""

    at: datetime
    kind: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Transfer:
    """The call went from one agent to another party (``to``: an extension, ``queue:NAME``
    or a number); ``kind`` is ``blind`` or ``attended``."""

    at: datetime
    from_: str
    to: str
    kind: str


@dataclass(frozen=True, slots=True)
class Call:
    """A call; times are timezone-aware UTC datetimes taken from AMI event timestamps."""

    linkedid: str
    caller_number: str
    caller_name: str
    dialed: str
    started_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    queue: str | None = None
    queue_joined_at: datetime | None = None
    agent: str | None = None
    # When the agent's leg ended; the caller may stay on (survey, transfer) after that.
    talk_ended_at: datetime | None = None
    language: str | None = None
    # What the caller asked for in the IVR instead of an agent (a voicemail left, a callback
    # requested); it decides the disposition of a call no agent answered.
    requested: Disposition | None = None
    disposition: Disposition | None = None
    ivr_path: tuple[str, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    csat: int | None = None  # the caller's satisfaction score (1-5) from the survey
    # Unique ids of this call's channels still up; the call ends when the caller's is gone.
    live_channels: frozenset[str] = field(default_factory=frozenset)

    @property
    def in_progress(self) -> bool:
        return self.ended_at is None

    @property
    def wait_seconds(self) -> float:
        """From entering the queue (or the start, without a queue) to answer or hang-up."""
        begin = self.queue_joined_at or self.started_at
        end = self.answered_at or self.ended_at
        if end is None:
            return 0.0
        return max(0.0, (end - begin).total_seconds())

    @property
    def talk_seconds(self) -> float:
        end = self.talk_ended_at or self.ended_at
        if self.answered_at is None or end is None:
            return 0.0
        return max(0.0, (end - self.answered_at).total_seconds())
