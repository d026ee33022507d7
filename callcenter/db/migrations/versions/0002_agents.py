"""Agents, their state timeline, and transfers + satisfaction score on calls.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

``agents``: extension, name, default queues, skills (penalty per queue).
``agent_state_changes``: every visible state change of an agent (the timeline).
``calls`` gains ``transfers`` (JSON list) and ``csat`` (1-5 from the survey).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from callcenter.db.base import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("extension", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Unicode(length=200), server_default="", nullable=False),
        sa.Column("queues", JSON, nullable=False),
        sa.Column("skills", JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("extension", name=op.f("uq_agents_extension")),
    )
    op.create_table(
        "agent_state_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("extension", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("previous", sa.String(length=16), nullable=False),
        sa.Column("cause", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Unicode(length=200), server_default="", nullable=False),
        sa.Column("queue", sa.String(length=80), nullable=True),
        sa.Column("linkedid", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_state_changes")),
    )
    for column in ("extension", "at", "linkedid"):
        op.create_index(op.f(f"ix_agent_state_changes_{column}"), "agent_state_changes", [column])
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("transfers", JSON, nullable=True))
        batch.add_column(sa.Column("csat", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("csat")
        batch.drop_column("transfers")
    for column in ("linkedid", "at", "extension"):
        op.drop_index(op.f(f"ix_agent_state_changes_{column}"), table_name="agent_state_changes")
    op.drop_table("agent_state_changes")
    op.drop_table("agents")
