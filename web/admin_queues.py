"""Admin: queues (strategy, wrap-up, ring time, overflow, announcements, survey) and their
members with penalties. Settings are saved to the admin overrides and applied to the
running Asterisk at once (``queue reload parameters``, ``dialplan reload``); members change
live over AMI. See docs/admin.md."""

from __future__ import annotations

from typing import get_args

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from callcenter.admin.asterisk_apply import apply_to_asterisk
from callcenter.admin.overrides import OverridesError, save_queue_settings
from callcenter.admin.queue_members import MemberChangeError, change_member, live_members
from callcenter.config import QueueSettings
from callcenter.sandbox.errors import SandboxError
from web.admin_agents import applied_message
from web.admin_common import CsrfForm, current_settings, queue_label
from web.auth import role_required
from web.database import db_session

bp = Blueprint("queues", __name__, url_prefix="/queues")

STRATEGIES = get_args(QueueSettings.model_fields["strategy"].annotation)
STRATEGY_LABELS = {
    "ringall": _l("Ring all agents at once"),
    "leastrecent": _l("Agent idle longest"),
    "fewestcalls": _l("Agent with fewest calls"),
    "random": _l("Random agent"),
    "rrmemory": _l("Round robin (remembers where it stopped)"),
    "linear": _l("In order of login"),
    "wrandom": _l("Random, weighted by penalty"),
}


def _seconds(label: str, low: int, high: int) -> IntegerField:
    message = _l("A whole number of seconds from %(low)d to %(high)d.", low=low, high=high)
    return IntegerField(
        label,
        validators=[InputRequired(message=message), NumberRange(low, high, message=message)],
    )


class QueueForm(CsrfForm):
    strategy = SelectField(_l("Strategy"))
    ring_seconds = _seconds(_l("Ring each agent for (seconds)"), 1, 300)
    wrapup_seconds = _seconds(_l("Wrap-up after a call (seconds)"), 0, 3600)
    overflow_seconds = _seconds(_l("Overflow after waiting (seconds)"), 5, 86400)
    overflow_to = SelectField(_l("Overflow to"))
    announce_position = BooleanField(_l("Announce the caller's position"))
    announce_holdtime = BooleanField(_l("Announce the expected wait"))
    announce_frequency = _seconds(_l("Repeat those every (seconds, 0 = never)"), 0, 3600)
    periodic_announce_seconds = _seconds(_l('"Please hold" every (seconds, 0 = never)'), 0, 3600)
    survey = BooleanField(_l("Satisfaction survey after the call"))
    keep_place = BooleanField(_l('Offer "press * to keep your place" (we call back)'))
    keep_place_announce_seconds = _seconds(_l("Offer it every (seconds)"), 5, 3600)
    announce_to_first = BooleanField(_l("Announce to the caller at the head of the queue too"))


class MemberForm(CsrfForm):
    penalty = IntegerField(
        _l("Penalty"),
        default=0,
        validators=[NumberRange(0, 100, message=_l("A penalty is a whole number 0 to 100."))],
    )


def _queue_form(queue: str, queues: list[str], current: QueueSettings) -> QueueForm:
    form = QueueForm(data=current.model_dump())
    form.strategy.choices = [(s, f"{STRATEGY_LABELS[s]} ({s})") for s in STRATEGIES]
    others = [(q, queue_label(q)) for q in queues if q != queue]
    form.overflow_to.choices = [
        ("", _("Nobody: the call ends")),
        *others,
        ("voicemail", _("Voicemail (becomes a ticket)")),
        ("callback", _("Callback request (becomes a ticket)")),
    ]
    return form


@bp.get("/")
@role_required("admin")
def index() -> ResponseReturnValue:
    settings = current_settings()
    return render_template(
        "admin/queues.html",
        queues=[(q, settings.queue(q)) for q in settings.queues],
        members=live_members(settings),
        strategy_labels=STRATEGY_LABELS,
        asterisk_names=settings.asterisk_queues,
        member_form=MemberForm(formdata=None),
    )


@bp.route("/<queue>", methods=["GET", "POST"])
@role_required("admin")
def edit(queue: str) -> ResponseReturnValue:
    settings = current_settings()
    if queue not in settings.queues:
        abort(404)
    form = _queue_form(queue, settings.queues, settings.queue(queue))
    error = None
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in QueueSettings.model_fields}
        try:
            save_queue_settings(settings, queue, values)
            applied = apply_to_asterisk(current_settings())
        except OverridesError as exc:
            error = str(exc)
        except SandboxError as exc:
            error = _("Saved, but Asterisk refused the reload: %(why)s", why=exc)
        else:
            flash(
                _("Queue %(queue)s saved.", queue=queue_label(queue))
                + " "
                + applied_message(applied),
                "info",
            )
            return redirect(url_for("admin.queues.index"))
    status = 400 if error or form.errors else 200
    return render_template("admin/queue_edit.html", form=form, queue=queue, error=error), status


@bp.post("/<queue>/members")
@role_required("admin")
def member(queue: str) -> ResponseReturnValue:
    settings = current_settings()
    form = MemberForm()
    if not form.validate_on_submit():
        abort(400)
    if queue not in settings.queues:
        abort(404)
    extension = (request.form.get("extension") or "").strip()
    op = request.form.get("op") or ""
    if not extension.isdigit() or op not in ("add", "penalty", "remove"):
        flash(_("Choose an agent's extension (digits)."), "error")
        return redirect(url_for("admin.queues.index"))
    try:
        change_member(
            settings, db_session(), queue, extension, op=op, penalty=form.penalty.data or 0
        )
    except MemberChangeError as exc:
        db_session().rollback()
        flash(_("Asterisk refused the change: %(why)s", why=exc), "error")
    else:
        db_session().commit()
        messages = {
            "add": _("%(ext)s logged in to %(queue)s."),
            "penalty": _("Penalty of %(ext)s in %(queue)s changed."),
            "remove": _("%(ext)s logged out of %(queue)s."),
        }
        flash(messages[op] % {"ext": extension, "queue": queue_label(queue)}, "info")
    return redirect(url_for("admin.queues.index"))
