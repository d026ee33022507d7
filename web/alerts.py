"""The supervisors' alerts in the console: a banner on every page (``tickets/_alerts.html``)
and a count on the Tickets link, refreshed without a reload by ``static/alerts.js`` when
the live stream (``/live/stream``) announces a ``notification``; acknowledged one by one.

Alerts are made by the escalation loop (``callcenter.ticketing.notifications``) and kept
per recipient, so a supervisor who was away finds them on their next page."""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from callcenter.db.notification_models import NotificationRow
from callcenter.ticketing.notifications import acknowledge, count_unacknowledged, unacknowledged
from web.auth import role_required
from web.database import db_session
from web.security import safe_next_url
from web.ticket_access import SUPERVISORS, actor_of, lang
from web.tickets import bp, user

SHOWN = 5


def describe(alert: NotificationRow) -> str:
    if alert.kind == "visit_overdue":
        return _("The callback visit of ticket %(number)s is overdue.", number=alert.ticket_number)
    reasons = {"response": _("response"), "resolution": _("resolution")}
    levels = {"supervisor": _("the supervisor"), "manager": _("the manager")}
    joiner = "、" if lang() == "zh" else " and "
    missed = joiner.join(reasons.get(r, r) for r in alert.reasons.split(",") if r)
    return _(
        "Ticket %(number)s missed its %(missed)s deadline: escalated to %(level)s.",
        number=alert.ticket_number,
        missed=missed,
        level=levels.get(alert.level, alert.level),
    )


def alert_state() -> dict[str, Any]:
    """What the banner shows for the logged-in supervisor."""
    me = current_user.username
    session = db_session()
    return {
        "alerts": unacknowledged(session, me, limit=SHOWN),
        "alert_count": count_unacknowledged(session, me),
        "describe_alert": describe,
    }


def _inject() -> dict[str, Any]:
    if not current_user.is_authenticated or not current_user.has_role(*SUPERVISORS):
        return {}
    if request.endpoint in (None, "static") or request.path.startswith("/api/"):
        return {}
    return alert_state()


@bp.get("/alerts.json")
@role_required(*SUPERVISORS)
def alerts() -> ResponseReturnValue:
    state = alert_state()
    return {
        "count": state["alert_count"],
        "html": render_template("tickets/_alerts.html", **state),
        "alerts": [
            {"id": a.id, "kind": a.kind, "ticket": a.ticket_number, "text": describe(a)}
            for a in state["alerts"]
        ],
    }


@bp.post("/alerts/<int:alert_id>/ack")
@role_required(*SUPERVISORS)
def ack_alert(alert_id: int) -> ResponseReturnValue:
    me = user()
    try:
        acknowledge(db_session(), alert_id, recipient=me.username, by=actor_of(me))
    except LookupError:
        db_session().rollback()
        flash(_("That alert is not yours or no longer exists."), "error")
    else:
        db_session().commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("tickets.index"))


def init_alerts(app: Flask) -> None:
    app.context_processor(_inject)
