"""The agent desk (``/desk``): my state, the call ringing my phone with its caller's record,
tickets from the call, transfers, my tickets and my calls today.

An agent sees and works only their own desk (the extension on their account); supervisors
and admins may look at any agent's desk, but only the agent acts on it. The page follows
``/live/stream`` (``static/desk.js``): the agent's state and calls arrive as events, and a
call ringing or talking on the extension fetches its screen pop (``/desk/<ext>/pop/<id>``,
HTML drawn here) without a reload.

State changes and transfers go through ``callcenter.agents.commands``, the code behind
``callcenter agent pause`` and ``callcenter transfer``, run on the controller's AMI client
(``LiveLink.run``). Tickets go through ``callcenter.ticketing.call_intake``, as the API's
``/api/v1/calls/<id>/ticket`` and ``/append``. The forms post with ``fetch`` and get JSON;
without script they post normally and come back to the desk with a message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, cast

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from callcenter.agents import commands
from callcenter.agents.store import AgentRepository
from callcenter.ami.client import AmiClient
from callcenter.db.call_repository import CallRepository
from callcenter.live.controller_link import AmiUnavailableError
from callcenter.ticketing.call_intake import append_call_to_ticket, ticket_from_call
from callcenter.ticketing.repository import TicketNotFoundError
from callcenter.tickets.code_catalog import UnknownCodeError
from callcenter.tickets.ticket import TransitionError
from callcenter.tickets.ticket_fields import Priority
from web.api.tickets import rules
from web.database import db_session
from web.desk_data import (
    agent_status,
    desk_extensions,
    my_calls_today,
    my_open_tickets,
    reaches,
    screen_pop,
)
from web.desk_labels import pause_reason_label, template_helpers, ticket_url
from web.live import live_link
from web.users import ConsoleUser

log = logging.getLogger(__name__)

bp = Blueprint("desk", __name__, url_prefix="/desk")
bp.context_processor(template_helpers)

_EXTENSION = re.compile(r"^[0-9]{2,8}$")
STATE_ACTIONS = ("login", "logout", "pause", "ready")
TRANSFER_KINDS = ("blind", "attended", "queue")


def _user() -> ConsoleUser:
    return cast(ConsoleUser, current_user)


def _may_view(extension: str) -> None:
    """404 for what is not an extension; 403 for an agent looking at another's desk."""
    if not _EXTENSION.match(extension):
        abort(404)
    user = _user()
    if not (user.has_role("supervisor", "admin") or user.extension == extension):
        abort(403)


def _may_act(extension: str) -> None:
    """Only the agent whose extension it is acts on a desk (supervisors look)."""
    _may_view(extension)
    if _user().extension != extension:
        abort(403)


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _answer(extension: str, status: int, message: str, **extra: Any) -> ResponseReturnValue:
    """JSON for the page's script; for a plain form post, back to the desk with a message."""
    if _wants_json():
        response = jsonify(ok=status < 400, message=message, **extra)
        response.status_code = status
        return response
    flash(message, "info" if status < 400 else "error")
    return redirect(url_for("desk.view", extension=extension))


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    user = _user()
    if user.extension and not user.has_role("supervisor", "admin"):
        return redirect(url_for("desk.view", extension=user.extension))
    if not user.has_role("supervisor", "admin"):
        return render_template("desk/no_extension.html"), 200
    agents = desk_extensions(db_session(), list(current_app.config["AGENT_EXTENSIONS"]))
    return render_template("desk/choose.html", agents=agents)


@bp.get("/<extension>")
@login_required
def view(extension: str) -> ResponseReturnValue:
    _may_view(extension)
    session = db_session()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    agent = AgentRepository(session).get(extension)
    reasons = list(current_app.config["PAUSE_REASONS"])
    return render_template(
        "desk/desk.html",
        extension=extension,
        agent_name=agent.name if agent else "",
        acting=_user().extension == extension,
        status=agent_status(app, session, extension),
        reasons=reasons,
        reason_labels={r: pause_reason_label(r) for r in reasons},
        **_lists(extension),
    )


def _lists(extension: str) -> dict[str, Any]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session = db_session()
    return {
        "tickets": my_open_tickets(session, extension),
        "calls": my_calls_today(app, session, extension),
    }


@bp.get("/<extension>/lists")
@login_required
def lists(extension: str) -> ResponseReturnValue:
    """My open tickets and my calls today (an HTML fragment the page fetches again)."""
    _may_view(extension)
    return render_template("desk/_lists.html", extension=extension, **_lists(extension))


@bp.get("/<extension>/pop/<linkedid>")
@login_required
def pop(extension: str, linkedid: str) -> ResponseReturnValue:
    """The screen pop of a call (an HTML fragment); 404 until the call is logged."""
    _may_view(extension)
    found = screen_pop(db_session(), linkedid, extension)
    if found is None:
        abort(404)
    if not found.reaches_agent:
        abort(403)  # a desk pops only the calls that ring or reach its extension
    return render_template(
        "desk/_pop.html",
        pop=found,
        extension=extension,
        acting=_user().extension == extension,
        categories=list(rules().categories),
        priorities=[p.value for p in Priority],
        queues=list(current_app.config["QUEUES"]),
    )


def _run(work: Callable[[AmiClient], Awaitable[Any]]) -> str | None:
    """Run an agent command on the controller; the error to show, or None when done."""
    try:
        live_link().run(work)
    except (AmiUnavailableError, TimeoutError):
        return _("Asterisk cannot be reached right now. Try again shortly.")
    except commands.AgentCommandError as exc:
        return _("Asterisk refused: %(reason)s", reason=str(exc))
    return None


@bp.post("/<extension>/state")
@login_required
def state(extension: str) -> ResponseReturnValue:
    _may_act(extension)
    action = request.form.get("action", "")
    reason = request.form.get("reason", "").strip()
    if action not in STATE_ACTIONS:
        return _answer(extension, 400, _("Choose log in, pause, ready or log out."))
    if action == "pause" and reason not in current_app.config["PAUSE_REASONS"]:
        return _answer(extension, 400, _("Choose a reason for the pause."))
    asterisk_queues: dict[str, str] = current_app.config["ASTERISK_QUEUES"]
    if action == "login":
        mine, skills = AgentRepository(db_session()).queues_and_skills(
            extension, list(asterisk_queues)
        )
        chosen = {q: asterisk_queues[q] for q in mine if q in asterisk_queues}
        error = _run(lambda ami: commands.log_in(ami, extension, chosen, penalties=skills))
        done = _("Logged in to %(queues)s.", queues=", ".join(chosen))
    elif action == "logout":
        error = _run(lambda ami: commands.log_out(ami, extension, asterisk_queues))
        done = _("Logged out.")
    elif action == "pause":
        error = _run(lambda ami: commands.set_paused(ami, extension, True, reason))
        done = _("Paused: %(reason)s.", reason=pause_reason_label(reason))
    else:
        error = _run(lambda ami: commands.set_paused(ami, extension, False))
        done = _("Ready for calls.")
    log.info("desk %s: %s %s -> %s", extension, action, reason, error or "done")
    return _answer(extension, 502 if error else 200, error or done)


@bp.post("/<extension>/transfer")
@login_required
def transfer(extension: str) -> ResponseReturnValue:
    _may_act(extension)
    kind = request.form.get("kind", "")
    to = request.form.get("queue" if kind == "queue" else "to", "").strip()
    if kind not in TRANSFER_KINDS:
        return _answer(extension, 400, _("Choose a blind, attended or queue transfer."))
    written = f"queue:{to}" if kind == "queue" else to
    try:
        target = commands.transfer_target(written, current_app.config["ASTERISK_QUEUES"])
    except ValueError:
        if kind == "queue":
            return _answer(extension, 400, _("Choose one of the queues."))
        return _answer(extension, 400, _("Enter the extension to transfer to, e.g. 1002."))
    attended = kind == "attended"
    error = _run(lambda ami: commands.transfer(ami, extension, target, attended=attended))
    log.info("desk %s: %s transfer to %s -> %s", extension, kind, target.shown, error or "done")
    if error:
        return _answer(extension, 502, error)
    return _answer(extension, 200, _("Transferring the call to %(target)s.", target=to))


def _call_of_mine(extension: str, call_id: int) -> None:
    row = CallRepository(db_session()).get(call_id)
    if row is None:
        abort(404)
    if not reaches(row, extension):
        abort(403)


def _ticket_errors(extension: str, work: Callable[[], str]) -> ResponseReturnValue:
    """Run a ticket change; the desk's rules refusing it is a 400/409 with their message."""
    try:
        number = work()
    except TicketNotFoundError as exc:
        db_session().rollback()
        return _answer(extension, 404, str(exc))
    except TransitionError as exc:
        db_session().rollback()
        return _answer(extension, 409, str(exc))
    except (UnknownCodeError, ValueError, LookupError) as exc:
        db_session().rollback()
        return _answer(extension, 400, str(exc))
    db_session().commit()
    url = ticket_url(number)
    return _answer(extension, 200, _("Ticket %(number)s saved.", number=number), ticket=number,
                   url=url)  # fmt: skip


@bp.post("/<extension>/calls/<int:call_id>/ticket")
@login_required
def create_ticket(extension: str, call_id: int) -> ResponseReturnValue:
    _may_act(extension)
    _call_of_mine(extension, call_id)
    description = request.form.get("description", "").strip()
    if not description:
        return _answer(extension, 400, _("Describe what the caller needs."))

    def work() -> str:
        row = ticket_from_call(
            db_session(),
            rules(),
            call_id,
            by=extension,
            description=description,
            category=request.form.get("category", "inquiry"),
            priority=request.form.get("priority", "normal"),
            assignee=extension,
        )
        return row.number

    return _ticket_errors(extension, work)


@bp.post("/<extension>/calls/<int:call_id>/append")
@login_required
def append_note(extension: str, call_id: int) -> ResponseReturnValue:
    _may_act(extension)
    _call_of_mine(extension, call_id)
    number = request.form.get("ticket", "").strip()
    note = request.form.get("note", "").strip()
    if not number or not note:
        return _answer(extension, 400, _("Choose a ticket and write the note."))

    def work() -> str:
        row = append_call_to_ticket(
            db_session(), rules(), call_id, by=extension, number=number, note=note
        )
        return row.number

    return _ticket_errors(extension, work)
