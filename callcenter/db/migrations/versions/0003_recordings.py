"""Recordings of calls and transcription jobs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

``recordings``: one row per recorded file of a call (mix, caller leg, agent leg).
``transcription_jobs``: the durable transcription job of a call (state, attempts, lease).
``calls`` gains ``recording_error``, ``keyword_flags`` and ``transcript_segments``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from callcenter.db.base import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
KINDS = "'mix', 'caller', 'agent'"
STATES = "'queued', 'running', 'done', 'failed'"
CALL_COLUMNS = ("recording_error", "keyword_flags", "transcript_segments")


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("recording_error", sa.UnicodeText(), nullable=True))
        batch.add_column(sa.Column("keyword_flags", JSON, nullable=True))
        batch.add_column(sa.Column("transcript_segments", JSON, nullable=True))

    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("path", sa.UnicodeText(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("purged_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_recordings_kind")),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_recordings_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.UniqueConstraint("call_id", "kind", name=op.f("uq_recordings_call_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_recordings_call_id"), "recordings", ["call_id"], unique=False)
    op.create_index(op.f("ix_recordings_created_at"), "recordings", ["created_at"], unique=False)

    op.create_table(
        "transcription_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("reason", sa.UnicodeText(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("dispatched_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"state IN ({STATES})", name=op.f("ck_transcription_jobs_state")),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_transcription_jobs_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcription_jobs")),
        sa.UniqueConstraint("call_id", name=op.f("uq_transcription_jobs_call_id")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_transcription_jobs_state"), "transcription_jobs", ["state"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_transcription_jobs_state"), table_name="transcription_jobs")
    op.drop_table("transcription_jobs")
    op.drop_index(op.f("ix_recordings_created_at"), table_name="recordings")
    op.drop_index(op.f("ix_recordings_call_id"), table_name="recordings")
    op.drop_table("recordings")
    with op.batch_alter_table("calls") as batch:
        for column in reversed(CALL_COLUMNS):
            batch.drop_column(column)
