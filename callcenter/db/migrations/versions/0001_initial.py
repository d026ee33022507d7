"""Initial schema: calls, users, api_tokens.

Revision ID: 0001
Revises:
Create Date: 2026-05-09
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from callcenter.db.base import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
DISPOSITIONS = "'answered', 'abandoned', 'voicemail', 'callback', 'failed', 'busy'"
ROLES = "'agent', 'supervisor', 'admin'"


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("linkedid", sa.String(length=64), nullable=False),
        sa.Column("caller_number", sa.UnicodeText(), nullable=False),
        sa.Column("caller_name", sa.UnicodeText(), nullable=False),
        sa.Column("dialed", sa.UnicodeText(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("wait_seconds", sa.Float(), server_default="0", nullable=False),
        sa.Column("talk_seconds", sa.Float(), server_default="0", nullable=False),
        sa.Column("disposition", sa.String(length=16), nullable=True),
        sa.Column("queue", sa.String(length=80), nullable=True),
        sa.Column("agent", sa.String(length=80), nullable=True),
        sa.Column("ivr_path", JSON, nullable=False),
        sa.Column("timeline", JSON, nullable=False),
        sa.Column("recording", sa.UnicodeText(), nullable=True),
        sa.Column("transcript", sa.UnicodeText(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("created_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            f"disposition IS NULL OR disposition IN ({DISPOSITIONS})",
            name=op.f("ck_calls_disposition"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("linkedid", name=op.f("uq_calls_linkedid")),
    )
    for column in ("started_at", "caller_number", "agent", "queue", "disposition"):
        op.create_index(op.f(f"ix_calls_{column}"), "calls", [column], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.Unicode(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("extension", sa.String(length=32), nullable=True),
        sa.Column("display_name", sa.Unicode(length=200), server_default="", nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("last_login_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(f"role IN ({ROLES})", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("extension", name=op.f("uq_users_extension")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Unicode(length=100), server_default="", nullable=False),
        sa.Column("created_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_api_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")
    for column in ("disposition", "queue", "agent", "caller_number", "started_at"):
        op.drop_index(op.f(f"ix_calls_{column}"), table_name="calls")
    op.drop_table("calls")
