"""Notifications to supervisors (an escalated ticket, an overdue 回访) and the customers'
change log. Created by migration 0005; these classes must match it (tests/storage compares).

A notification is stored once per recipient: ``dedup_key`` (``escalation:<id>``,
``visit:<id>``) is unique per recipient, so a check that runs twice notifies once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Unicode,
    UnicodeText,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.db.base import Base, UTCDateTime
from callcenter.db.ticket_models import in_list

NOTIFICATION_KINDS = ("escalation", "visit_overdue")


class NotificationRow(Base):
    """One alert for one console user; acknowledged by that user from the console."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(in_list("kind", NOTIFICATION_KINDS), name="kind"),
        UniqueConstraint("recipient", "dedup_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(64), index=True)  # a console username
    kind: Mapped[str] = mapped_column(String(20))
    dedup_key: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    ticket_number: Mapped[str] = mapped_column(String(13))
    level: Mapped[str] = mapped_column(String(16), default="", server_default="")
    reasons: Mapped[str] = mapped_column(String(40), default="", server_default="")
    escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_escalations.id", ondelete="CASCADE"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("callback_visits.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # webhook/mail sent
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CustomerAuditRow(Base):
    """One change of one field of a customer (who, when, old, new)."""

    __tablename__ = "customer_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(Unicode(80))
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str | None] = mapped_column(UnicodeText)
    new: Mapped[str | None] = mapped_column(UnicodeText)


__all__ = ["NOTIFICATION_KINDS", "CustomerAuditRow", "NotificationRow"]
