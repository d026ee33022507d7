"""The tables of recordings and transcription jobs (migration 0003).

A call's recording is three files (the mix and one per leg); each file is a row here with
what is known once Asterisk closed it (size, duration, SHA-256). A transcription job is the
durable record of turning a call's two legs into text: the database row, not a broker
message, says whether it is queued, running (and until when its worker's lease holds),
done or failed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UnicodeText,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.db.base import Base, UTCDateTime, utcnow


class RecordingKind(StrEnum):
    MIX = "mix"  # both directions mixed: what a supervisor listens to
    CALLER = "caller"  # MixMonitor r(): what the caller's channel received from the caller
    AGENT = "agent"  # MixMonitor t(): what was sent to the caller (the agent, prompts)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _in_list(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


KIND_VALUES = [k.value for k in RecordingKind]
STATE_VALUES = [s.value for s in JobState]


class RecordingRow(Base):
    """One recorded file of a call; ``size`` is None until the call ended and the file
    was checked, ``purged_at`` is set when retention removed the file."""

    __tablename__ = "recordings"
    __table_args__ = (
        CheckConstraint(_in_list("kind", KIND_VALUES), name="kind"),
        UniqueConstraint("call_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(UnicodeText)  # on this host
    size: Mapped[int | None] = mapped_column(BigInteger)
    duration: Mapped[float | None] = mapped_column(Float)
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now(), index=True
    )
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"RecordingRow(call_id={self.call_id!r}, kind={self.kind!r}, path={self.path!r})"


class TranscriptionJobRow(Base):
    """The transcription of one call. ``worker`` holds the claim token of the worker whose
    lease runs until ``lease_until``; only that worker may write the result."""

    __tablename__ = "transcription_jobs"
    __table_args__ = (CheckConstraint(_in_list("state", STATE_VALUES), name="state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(
        String(16), default=JobState.QUEUED.value, server_default=JobState.QUEUED.value,
        index=True,
    )  # fmt: skip
    reason: Mapped[str | None] = mapped_column(UnicodeText)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str | None] = mapped_column(String(200))
    # When the Celery lane last sent this job to the broker (None: in-process lane only).
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    def __repr__(self) -> str:
        return f"TranscriptionJobRow(id={self.id!r}, call_id={self.call_id!r}, {self.state})"


__all__ = ["JobState", "RecordingKind", "RecordingRow", "TranscriptionJobRow"]
