"""Callbacks of callers who pressed * to keep their place in a queue (``callcenter/callbacks``).

Created by migration ``0006_queue_callbacks``. One row per number while a callback is open:
a second request from the same number is merged into it. Rows stay after they end (``done``
or ``unreached``) as the record of what was tried.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.db.base import Base, UTCDateTime, utcnow


class QueueCallbackRow(Base):
    __tablename__ = "queue_callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), index=True)  # to call back (pstn trunk)
    caller_name: Mapped[str] = mapped_column(Unicode(200), default="", server_default="")
    queue: Mapped[str] = mapped_column(String(80))  # the desk's queue name
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # The virtual place in line: when the caller joined the queue.
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # pending -> calling (ringing agents) -> connected (agent answered, customer dialed)
    # -> done | pending again (retry) | unreached (attempts used up: left open, see docs).
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    requests: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str] = mapped_column(String(32), default="", server_default="")
    agent: Mapped[str | None] = mapped_column(String(32))  # who took the last callback call
    linkedid: Mapped[str] = mapped_column(String(64))  # the call that asked (first request)
    callback_linkedid: Mapped[str | None] = mapped_column(String(64))  # the last callback call
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"QueueCallbackRow({self.id} {self.number} {self.queue} {self.status})"


__all__ = ["QueueCallbackRow"]
