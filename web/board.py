"""The supervisor's live board: calls in progress, the queue wallboard, the agents.

The page is drawn by ``static/board.js`` from the ``/live/stream`` events (first a
snapshot, then each change); ``/board/queues.json`` gives today's figures, which the
script fetches again when a call ends. Listen / whisper / barge ring the supervisor's own
extension and spy on the agent's call (``callcenter.live.spy``).
"""

from __future__ import annotations

import logging
from typing import cast

from flask import Blueprint, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from callcenter.live.controller_link import AmiUnavailableError
from callcenter.live.spy import SpyMode, spy_action
from web.auth import role_required
from web.board_data import current_wallboard
from web.database import db_session
from web.live import live_link
from web.users import ConsoleUser

log = logging.getLogger(__name__)

bp = Blueprint("board", __name__, url_prefix="/board")

SUPERVISORS = ("supervisor", "admin")


@bp.get("/")
@role_required(*SUPERVISORS)
def index() -> ResponseReturnValue:
    figures = current_wallboard(db_session())
    return render_template(
        "board/board.html",
        figures=figures,
        threshold=current_app.config["SERVICE_LEVEL_SECONDS"],
        can_spy=bool(cast(ConsoleUser, current_user).extension),
    )


@bp.get("/queues.json")
@role_required(*SUPERVISORS)
def queues() -> ResponseReturnValue:
    return jsonify(queues=[f.as_dict() for f in current_wallboard(db_session())])


def _answer(status: int, message: str) -> ResponseReturnValue:
    response = jsonify(ok=status == 200, message=message)
    response.status_code = status
    return response


@bp.post("/spy")
@role_required(*SUPERVISORS)
def spy() -> ResponseReturnValue:
    """Ring my phone and listen to (or whisper to, or barge into) an agent's call."""
    user = cast(ConsoleUser, current_user)
    agent = request.form.get("agent", "").strip()
    try:
        mode = SpyMode(request.form.get("mode", ""))
    except ValueError:
        return _answer(400, _("Choose listen, whisper or barge."))
    if not user.extension:
        return _answer(400, _("Your account has no extension to ring."))
    try:
        action = spy_action(supervisor=user.extension, agent=agent, mode=mode)
    except ValueError:
        return _answer(400, _("That is not an agent's extension."))
    try:
        response = live_link().send(action)
    except (AmiUnavailableError, TimeoutError):
        return _answer(503, _("Asterisk cannot be reached right now. Try again shortly."))
    if response.get("Response") != "Success":
        log.warning("ChanSpy originate refused: %s", response.get("Message"))
        return _answer(502, _("Asterisk refused: %(reason)s", reason=response.get("Message")))
    log.info("%s: %s on agent %s via %s", user.username, mode.value, agent, user.extension)
    return _answer(200, _("Your phone %(ext)s is ringing.", ext=user.extension))
