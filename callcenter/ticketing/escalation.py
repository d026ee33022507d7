"""The periodic SLA check: breaches go up to the supervisor (主管), then the manager (经理).

``check_escalations`` is one pass (``callcenter tickets escalate`` runs it by hand);
``escalation_loop`` runs it every ``tickets.escalation_check_seconds`` next to the
controller, off the event loop. An escalation is stored three ways: the ticket's
``escalation_level``, a ``ticket_escalations`` row (the supervisors' list, acknowledged
there) and a system note plus audit row on the ticket.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.base import utcnow
from callcenter.db.engine import session_scope
from callcenter.db.ticket_models import EscalationRow, TicketRow
from callcenter.ticketing.repository import OPEN_STATUSES
from callcenter.ticketing.rules import DeskRules
from callcenter.ticketing.service import TicketService, write_audit
from callcenter.ticketing.ticket_mapping import ticket_from_row
from callcenter.tickets.audit import AuditEntry
from callcenter.tickets.sla import EscalationLevel, evaluate

log = logging.getLogger(__name__)
SYSTEM = "system"
_RANK = {EscalationLevel.NONE: 0, EscalationLevel.SUPERVISOR: 1, EscalationLevel.MANAGER: 2}


@dataclass(frozen=True)
class Escalated:
    number: str
    level: str
    reasons: tuple[str, ...]
    since: datetime


def check_escalations(
    session: Session, rules: DeskRules, now: datetime | None = None, *, batch: int = 1000
) -> list[Escalated]:
    """Raise the escalation of every open ticket whose deadline passed; returns the changes."""
    now = now or utcnow()
    candidates = (
        select(TicketRow)
        .where(
            TicketRow.status.in_(OPEN_STATUSES),
            TicketRow.escalation_level != EscalationLevel.MANAGER.value,
            or_(
                TicketRow.resolution_due <= now,
                and_(TicketRow.first_response_at.is_(None), TicketRow.response_due <= now),
            ),
        )
        .order_by(TicketRow.resolution_due)
        .limit(batch)
    )
    service = TicketService(session, rules=rules, clock=lambda: now)
    done: list[Escalated] = []
    for row in session.scalars(candidates).all():
        decision = evaluate(ticket_from_row(row), now, policy=rules.sla, calendar=rules.calendar)
        level = decision.escalation.level
        old = EscalationLevel(row.escalation_level)
        if _RANK[level] <= _RANK[old] or decision.escalation.since is None:
            continue
        reasons = tuple(r.value for r in decision.escalation.reasons)
        row.escalation_level, row.escalated_at = level.value, now
        session.add(
            EscalationRow(
                ticket_id=row.id,
                level=level.value,
                reasons=",".join(reasons),
                since=decision.escalation.since,
                created_at=now,
            )
        )
        why = "、".join(r.zh for r in decision.escalation.reasons)
        entry = AuditEntry(row.number, now, SYSTEM, "escalation_level", old.value, level.value, why)
        write_audit(session, row.id, [entry])
        service.add_note(
            row,
            f"超时升级至{level.zh}({why}) / escalated to {level.value}",
            by=SYSTEM,
            kind="system",
            at=now,
        )
        done.append(Escalated(row.number, level.value, reasons, decision.escalation.since))
    session.flush()
    return done


def open_escalations(
    session: Session, *, include_acknowledged: bool = False, limit: int = 200
) -> list[tuple[EscalationRow, TicketRow]]:
    """Escalations for the supervisors' list, newest first (open tickets only)."""
    query = (
        select(EscalationRow, TicketRow)
        .join(TicketRow, TicketRow.id == EscalationRow.ticket_id)
        .where(TicketRow.status.in_(OPEN_STATUSES))
    )
    if not include_acknowledged:
        query = query.where(EscalationRow.acknowledged_at.is_(None))
    query = query.order_by(EscalationRow.created_at.desc(), EscalationRow.id.desc()).limit(limit)
    return [(e, t) for e, t in session.execute(query).all()]


def acknowledge(
    session: Session, escalation_id: int, *, by: str, at: datetime | None = None
) -> EscalationRow:
    row = session.get(EscalationRow, escalation_id)
    if row is None:
        raise LookupError(f"no escalation {escalation_id}")
    if row.acknowledged_at is None:
        row.acknowledged_by, row.acknowledged_at = by, at or utcnow()
        ticket = session.get(TicketRow, row.ticket_id)
        number = ticket.number if ticket is not None else "?"
        entry = AuditEntry(
            number, row.acknowledged_at, by, "escalation_acknowledged", None, row.level
        )
        write_audit(session, row.ticket_id, [entry])
        session.flush()
    return row


Publish = Callable[..., object]  # LiveNotifier.publish(kind, payload)


def escalation_pass(
    sessions: sessionmaker[Session],
    rules: DeskRules,
    now: datetime,
    *,
    publish: Publish | None = None,
    webhook_url: str = "",
) -> list[Escalated]:
    """One SLA check plus the supervisors' alerts (escalations, overdue 回访), in one
    transaction; the alerts go on the live stream once committed, and to the webhook when
    one is set (``tickets.alert_webhook_url``)."""
    from callcenter.ticketing.notifications import LIVE_KIND, notify_supervisors

    with session_scope(sessions) as session:
        escalated = check_escalations(session, rules, now)
        alerts = notify_supervisors(session, now)
    if publish is not None:
        for alert in alerts:
            publish(LIVE_KIND, alert.payload())
    if webhook_url:
        from callcenter.ticketing.alert_webhook import deliver_alerts

        deliver_alerts(sessions, webhook_url, now=now)
    return escalated


async def escalation_loop(
    sessions: sessionmaker[Session],
    rules: DeskRules,
    *,
    every_seconds: float = 60.0,
    clock: Callable[[], datetime] = utcnow,
    publish: Callable[[], Publish | None] = lambda: None,
    webhook_url: str = "",
) -> None:
    """Run ``escalation_pass`` every ``every_seconds`` until cancelled. A failed pass
    (database down) is logged and tried again at the next tick. ``publish`` is asked each
    time (the console's notifier may be plugged in after the loop started)."""

    while True:
        try:
            done = await asyncio.to_thread(
                escalation_pass,
                sessions,
                rules,
                clock(),
                publish=publish(),
                webhook_url=webhook_url,
            )
            for item in done:
                log.warning(
                    "ticket %s escalated to %s (%s)",
                    item.number,
                    item.level,
                    ",".join(item.reasons),
                )
        except SQLAlchemyError as exc:  # the database may be down: the next tick retries
            log.error("escalation check failed, retrying in %.0f s: %s", every_seconds, exc)
        await asyncio.sleep(every_seconds)
