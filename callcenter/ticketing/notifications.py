"""Alerts to the supervisors: an escalated ticket, an overdue 回访 (callback visit).

``notify_supervisors`` is one bounded, idempotent pass: every unacknowledged escalation and
every pending visit past its due time that has no notification yet gets one row per
supervisor/admin (``notifications``; unique per recipient and ``dedup_key``, so a second
pass, or a second process, adds nothing). The escalation loop runs it after each SLA check
and publishes what it made on the live notifier (kind ``notification``) once committed:
the console's pages then show the alert without a reload (``web/static/alerts.js``).
A supervisor acknowledges from the console; acknowledging an escalation's notification
also acknowledges the escalation (the supervisors' list in ``escalation``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter.db.base import utcnow
from callcenter.db.models import UserRow
from callcenter.db.notification_models import NotificationRow
from callcenter.db.ticket_models import CallbackVisitRow, EscalationRow, TicketRow
from callcenter.ticketing.escalation import acknowledge as acknowledge_escalation

RECIPIENT_ROLES = ("supervisor", "admin")
LIVE_KIND = "notification"


@dataclass(frozen=True)
class Alert:
    """What one pass created for one recipient (published on the live stream)."""

    id: int
    recipient: str
    kind: str
    ticket: str
    level: str
    reasons: str

    def payload(self) -> Mapping[str, Any]:
        return {
            "id": self.id,
            "recipient": self.recipient,
            "kind": self.kind,
            "ticket": self.ticket,
            "level": self.level,
            "reasons": self.reasons,
        }


def recipients(session: Session) -> list[str]:
    """Usernames of the active supervisors and admins."""
    query = select(UserRow.username).where(
        UserRow.active.is_(True), UserRow.role.in_(RECIPIENT_ROLES)
    )
    return list(session.scalars(query.order_by(UserRow.id)))


def _unnotified(column: Any, subject: Any) -> Any:
    return ~exists().where(column == subject)


def notify_supervisors(
    session: Session, now: datetime | None = None, *, batch: int = 200
) -> list[Alert]:
    """One pass (at most ``batch`` subjects of each kind); returns the alerts it stored."""
    now = now or utcnow()
    people = recipients(session)
    if not people:
        return []
    escalations = session.execute(
        select(EscalationRow, TicketRow.number)
        .join(TicketRow, TicketRow.id == EscalationRow.ticket_id)
        .where(
            EscalationRow.acknowledged_at.is_(None),
            _unnotified(NotificationRow.escalation_id, EscalationRow.id),
        )
        .order_by(EscalationRow.id)
        .limit(batch)
    ).all()
    visits = session.execute(
        select(CallbackVisitRow, TicketRow.number)
        .join(TicketRow, TicketRow.id == CallbackVisitRow.ticket_id)
        .where(
            CallbackVisitRow.outcome.is_(None),
            CallbackVisitRow.due_at < now,
            _unnotified(NotificationRow.visit_id, CallbackVisitRow.id),
        )
        .order_by(CallbackVisitRow.due_at)
        .limit(batch)
    ).all()
    made: list[Alert] = []
    for escalation, number in escalations:
        for person in people:
            row = NotificationRow(
                recipient=person,
                kind="escalation",
                dedup_key=f"escalation:{escalation.id}",
                ticket_id=escalation.ticket_id,
                ticket_number=number,
                level=escalation.level,
                reasons=escalation.reasons,
                escalation_id=escalation.id,
                created_at=now,
            )
            made.extend(_store(session, row))
    for visit, number in visits:
        for person in people:
            row = NotificationRow(
                recipient=person,
                kind="visit_overdue",
                dedup_key=f"visit:{visit.id}",
                ticket_id=visit.ticket_id,
                ticket_number=number,
                visit_id=visit.id,
                created_at=now,
            )
            made.extend(_store(session, row))
    return made


def _store(session: Session, row: NotificationRow) -> list[Alert]:
    """Insert unless another pass stored it first (the unique key says so)."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return []
    return [Alert(row.id, row.recipient, row.kind, row.ticket_number, row.level, row.reasons)]


def unacknowledged(session: Session, recipient: str, *, limit: int = 50) -> list[NotificationRow]:
    query = (
        select(NotificationRow)
        .where(NotificationRow.recipient == recipient, NotificationRow.acknowledged_at.is_(None))
        .order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def count_unacknowledged(session: Session, recipient: str) -> int:
    query = select(func.count(NotificationRow.id)).where(
        NotificationRow.recipient == recipient, NotificationRow.acknowledged_at.is_(None)
    )
    return int(session.scalar(query) or 0)


def acknowledge(
    session: Session, notification_id: int, *, recipient: str, by: str, at: datetime | None = None
) -> NotificationRow:
    """Acknowledge one of ``recipient``'s notifications (and the escalation behind it)."""
    row = session.get(NotificationRow, notification_id)
    if row is None or row.recipient != recipient:
        raise LookupError(f"no notification {notification_id} for {recipient}")
    if row.acknowledged_at is None:
        row.acknowledged_at = at or utcnow()
        if row.escalation_id is not None:
            acknowledge_escalation(session, row.escalation_id, by=by, at=row.acknowledged_at)
        session.flush()
    return row


__all__ = [
    "LIVE_KIND",
    "Alert",
    "acknowledge",
    "count_unacknowledged",
    "notify_supervisors",
    "recipients",
    "unacknowledged",
]
