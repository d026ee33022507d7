"""Notifications to supervisors (escalations, overdue 回访) and the customers' change log.

Revision ID: 0005_notifications
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callcenter.db.base import UTCDateTime

revision: str = "0005_notifications"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("dedup_key", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("ticket_number", sa.String(length=13), nullable=False),
        sa.Column("level", sa.String(length=16), server_default="", nullable=False),
        sa.Column("reasons", sa.String(length=40), server_default="", nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('escalation', 'visit_overdue')", name=op.f("ck_notifications_kind")
        ),
        _fk("notifications", "ticket_id", "tickets"),
        _fk("notifications", "escalation_id", "ticket_escalations"),
        _fk("notifications", "visit_id", "callback_visits"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("recipient", "dedup_key", name=op.f("uq_notifications_recipient")),
    )
    for column in ("recipient", "ticket_id", "escalation_id", "visit_id", "created_at"):
        op.create_index(op.f(f"ix_notifications_{column}"), "notifications", [column])
    op.create_table(
        "customer_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.Unicode(length=80), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old", sa.UnicodeText(), nullable=True),
        sa.Column("new", sa.UnicodeText(), nullable=True),
        _fk("customer_audit", "customer_id", "customers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_audit")),
    )
    op.create_index(op.f("ix_customer_audit_customer_id"), "customer_audit", ["customer_id"])


def downgrade() -> None:
    op.drop_table("customer_audit")
    op.drop_table("notifications")
