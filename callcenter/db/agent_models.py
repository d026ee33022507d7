"""The agents' tables: who they are (``agents``) and every state change (the timeline).

Created by migration 0002 (``callcenter/db/migrations/versions/0002_agents.py``); a storage
test compares these classes with the migrated schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Unicode, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.db.base import Base, UTCDateTime, utcnow

JsonType = JSON().with_variant(JSONB(), "postgresql")


class AgentRow(Base):
    """An agent: extension, name, the queues it logs in to and its skill per queue."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    extension: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Unicode(200), default="", server_default="")
    # Queue names it logs in to by default (empty: every queue).
    queues: Mapped[list[str]] = mapped_column(JsonType, default=list)
    # {queue: penalty}: app_queue rings lower penalties first, so skills are penalties.
    skills: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now()
    )

    def __repr__(self) -> str:
        return f"AgentRow(extension={self.extension!r}, name={self.name!r})"


class AgentStateChangeRow(Base):
    """One step of an agent's timeline: it feeds attendance and reports."""

    __tablename__ = "agent_state_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    extension: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    state: Mapped[str] = mapped_column(String(16))
    previous: Mapped[str] = mapped_column(String(16))
    cause: Mapped[str] = mapped_column(String(40))  # the AMI event, e.g. AgentCalled
    reason: Mapped[str] = mapped_column(Unicode(200), default="", server_default="")
    queue: Mapped[str | None] = mapped_column(String(80))
    linkedid: Mapped[str | None] = mapped_column(String(64), index=True)

    def __repr__(self) -> str:
        return f"AgentStateChangeRow({self.extension!r} {self.previous}->{self.state} {self.at})"


__all__ = ["AgentRow", "AgentStateChangeRow"]
