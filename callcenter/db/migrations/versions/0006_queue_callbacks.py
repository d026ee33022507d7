"""Callbacks of callers who pressed * to keep their place in a queue.

Revision ID: 0006_queue_callbacks
Revises: 0005_notifications
Create Date: 2026-11-26

``queue_callbacks``: one row per callback (pending, calling, connected, done, unreached).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callcenter.db.base import UTCDateTime

revision: str = "0006_queue_callbacks"
down_revision: str | None = "0005_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "queue_callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("caller_name", sa.Unicode(length=200), server_default="", nullable=False),
        sa.Column("queue", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=8), server_default="en", nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("requests", sa.Integer(), server_default="1", nullable=False),
        sa.Column("next_try_at", UTCDateTime(), nullable=True),
        sa.Column("last_result", sa.String(length=32), server_default="", nullable=False),
        sa.Column("agent", sa.String(length=32), nullable=True),
        sa.Column("linkedid", sa.String(length=64), nullable=False),
        sa.Column("callback_linkedid", sa.String(length=64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_callbacks")),
    )
    for column in ("number", "status"):
        op.create_index(op.f(f"ix_queue_callbacks_{column}"), "queue_callbacks", [column])


def downgrade() -> None:
    op.drop_table("queue_callbacks")
