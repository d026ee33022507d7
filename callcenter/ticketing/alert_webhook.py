"""Supervisors' alerts sent out, too: one JSON ``POST`` per alert (not per recipient) to
``tickets.alert_webhook_url`` (off when empty), for a chat bot or a mail gateway.

Runs after the escalation pass committed, in the same worker thread. An alert is marked
``delivered_at`` once the endpoint answered 2xx; a failure is logged and retried at the
next pass, for alerts of the last ``RETRY_HOURS`` only, at most ``BATCH`` per pass.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.base import utcnow
from callcenter.db.engine import session_scope
from callcenter.db.notification_models import NotificationRow

log = logging.getLogger(__name__)
BATCH = 50
RETRY_HOURS = 24
TIMEOUT = 5.0

Post = Callable[[str, dict[str, Any]], None]


def post_json(url: str, body: dict[str, Any]) -> None:
    """POST ``body``; raises OSError (urllib's errors) unless the answer is 2xx."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
        if not 200 <= answer.status < 300:
            raise urllib.error.HTTPError(url, answer.status, "not 2xx", answer.headers, None)


def _body(row: NotificationRow) -> dict[str, Any]:
    if row.kind == "visit_overdue":
        text = f"工单 {row.ticket_number} 回访已逾期 / callback visit overdue"
    else:
        text = f"工单 {row.ticket_number} 超时升级({row.reasons}) / ticket escalated to {row.level}"
    return {
        "kind": row.kind,
        "ticket": row.ticket_number,
        "level": row.level or None,
        "reasons": [r for r in row.reasons.split(",") if r],
        "created_at": row.created_at.isoformat(),
        "text": text,
    }


def deliver_alerts(
    sessions: sessionmaker[Session],
    url: str,
    *,
    now: datetime | None = None,
    post: Post = post_json,
) -> int:
    """Send the undelivered alerts of the last day; returns how many were delivered."""
    now = now or utcnow()
    with session_scope(sessions) as session:
        rows = session.scalars(
            select(NotificationRow)
            .where(
                NotificationRow.delivered_at.is_(None),
                NotificationRow.created_at >= now - timedelta(hours=RETRY_HOURS),
            )
            .order_by(NotificationRow.id)
            .limit(BATCH * 10)
        ).all()
        first_of_key: dict[str, dict[str, Any]] = {}
        for row in rows:
            first_of_key.setdefault(row.dedup_key, _body(row))
    delivered = 0
    for key, body in list(first_of_key.items())[:BATCH]:
        try:
            post(url, body)
        except OSError as exc:  # unreachable, refused, 5xx: the next pass retries
            log.warning("alert %s not delivered to the webhook: %s", key, exc)
            continue
        with session_scope(sessions) as session:
            session.execute(
                update(NotificationRow)
                .where(NotificationRow.dedup_key == key, NotificationRow.delivered_at.is_(None))
                .values(delivered_at=now)
            )
        delivered += 1
    return delivered
