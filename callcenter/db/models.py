"""The tables: calls, users and their API tokens.

The schema itself is created and changed only by the Alembic migrations in
``callcenter/db/migrations``; these classes must match them (a test compares the two).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Unicode,
    UnicodeText,
    func,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.db.base import Base, UTCDateTime, utcnow
from callcenter.domain.call import Disposition

# JSON on every backend, JSONB on PostgreSQL.
JsonType = JSON().with_variant(JSONB(), "postgresql")


class Role(StrEnum):
    """What a console user may do."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


def _in_list(column: str, values: list[str]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


DISPOSITION_VALUES = [d.value for d in Disposition]
ROLE_VALUES = [r.value for r in Role]


class CallRow(Base):
    """One call (all channels sharing an Asterisk linkedid), as logged."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint(
            "disposition IS NULL OR " + _in_list("disposition", DISPOSITION_VALUES),
            name="disposition",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    linkedid: Mapped[str] = mapped_column(String(64), unique=True)
    # Exactly as the caller's phone sent them: any length, any characters.
    caller_number: Mapped[str] = mapped_column(UnicodeText, index=True)
    caller_name: Mapped[str] = mapped_column(UnicodeText)
    dialed: Mapped[str] = mapped_column(UnicodeText)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wait_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    talk_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    disposition: Mapped[str | None] = mapped_column(String(16), index=True)
    queue: Mapped[str | None] = mapped_column(String(80), index=True)
    agent: Mapped[str | None] = mapped_column(String(80), index=True)
    ivr_path: Mapped[list[str]] = mapped_column(JsonType, default=list)
    # [{"at": ISO 8601, "kind": str, "detail": str}, ...]
    timeline: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    recording: Mapped[str | None] = mapped_column(UnicodeText)
    transcript: Mapped[str | None] = mapped_column(UnicodeText)
    ticket_id: Mapped[int | None] = mapped_column(Integer)  # a foreign key once tickets exist
    language: Mapped[str | None] = mapped_column(String(16))
    # Migration 0002 (agents): [{"from", "to", "kind", "at"}, ...] and the survey's 1-5.
    transfers: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    csat: Mapped[int | None] = mapped_column(Integer)
    # Migration 0003 (recordings): why the call could not be recorded (names the path),
    # keyword flags for supervisors and the transcript's segments (speaker, times, text).
    recording_error: Mapped[str | None] = mapped_column(UnicodeText)
    keyword_flags: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    transcript_segments: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    def __repr__(self) -> str:
        return f"CallRow(id={self.id!r}, linkedid={self.linkedid!r})"


class UserRow(Base):
    """A person who logs in to the console (agent, supervisor or admin)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in_list("role", ROLE_VALUES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(Unicode(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    extension: Mapped[str | None] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(Unicode(200), default="", server_default="")
    language: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now()
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list[ApiTokenRow]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"UserRow(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class ApiTokenRow(Base):
    """An API token of a user. Only the SHA-256 of the token is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Unicode(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now()
    )
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[UserRow] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"ApiTokenRow(id={self.id!r}, user_id={self.user_id!r}, name={self.name!r})"


__all__ = ["ApiTokenRow", "Base", "CallRow", "Role", "UserRow"]
