"""Words of the agent desk: pause reasons, agent states, ticket fields, and ticket links."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from callcenter.tickets.ticket_fields import Priority, Status

# The default pause reasons (``Settings.pause_reasons``); a configured reason not listed
# here is shown as written.
PAUSE_REASONS = {
    "break": _l("Short break"),
    "lunch": _l("Lunch"),
    "training": _l("Training"),
    "meeting": _l("Meeting"),
    "after_call_work": _l("After-call work"),
}

AGENT_STATES = {
    "logged_out": _l("Logged out"),
    "available": _l("Available"),
    "ringing": _l("Ringing"),
    "on_call": _l("Talking"),
    "wrap_up": _l("Wrap-up"),
    "paused": _l("Paused"),
}

TICKET_DETAIL = "tickets.detail"  # web.tickets; a console built without it shows bare numbers


def pause_reason_label(reason: str) -> str:
    label = PAUSE_REASONS.get(reason)
    return str(label) if label is not None else reason


def agent_state_label(state: str) -> str:
    label = AGENT_STATES.get(state)
    return str(label) if label is not None else state


def _lang() -> str:
    from web.i18n import current_locale_code

    return "zh" if current_locale_code().startswith("zh") else "en"


def _shown(label: str) -> str:
    """The catalogues' English labels are lower case (as in sentences); a cell starts upper."""
    return label[:1].upper() + label[1:]


def priority_label(priority: str) -> str:
    try:
        return _shown(Priority(priority).label(_lang()))
    except ValueError:
        return priority


def status_label(status: str) -> str:
    try:
        return _shown(Status(status).label(_lang()))
    except ValueError:
        return status


def ticket_url(number: str) -> str | None:
    """The ticket's page, when the ticket pages exist in this console; else None."""
    if TICKET_DETAIL in current_app.view_functions:
        return url_for(TICKET_DETAIL, number=number)
    return None


def category_label(code: str) -> str:
    from web.api.tickets import rules

    catalog = rules().categories
    if code not in catalog:
        return code
    entry = catalog.get(code)
    return entry.zh if _lang() == "zh" else _shown(entry.en)


def template_helpers() -> dict[str, object]:
    """What the desk's templates use (a context processor of the ``desk`` blueprint)."""
    return {
        "pause_reason_label": pause_reason_label,
        "agent_state_label": agent_state_label,
        "priority_label": priority_label,
        "status_label": status_label,
        "category_label": category_label,
        "ticket_url": ticket_url,
        "agent_states": AGENT_STATES,
    }
