"""Admin: agents and their extensions. Adding an agent provisions its SIP endpoint (as
``callcenter agent add``: rendered include + PJSIP reload, no restart) and shows the
credentials a softphone needs once; "reset password" shows a new one once. The list never
shows a password; nothing here logs one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from callcenter.admin.agent_accounts import (
    AgentAccountError,
    AgentListing,
    SipCredentials,
    add_agent,
    list_agents,
    remove_agent,
    reset_password,
    update_agent,
)
from callcenter.admin.asterisk_apply import Applied
from callcenter.agents.store import AgentRepository
from callcenter.config import Settings
from callcenter.sandbox.errors import SandboxError
from web.admin_common import CsrfForm, current_settings
from web.auth import role_required
from web.database import db_session

bp = Blueprint("agents", __name__, url_prefix="/agents")


class AgentForm(CsrfForm):
    extension = StringField(
        _l("Extension"),
        validators=[
            DataRequired(message=_l("Enter the extension.")),
            Regexp(r"^[0-9]{2,8}$", message=_l("An extension is 2 to 8 digits.")),
        ],
    )
    name = StringField(_l("Name shown"), validators=[Optional(), Length(max=200)])


class AgentEditForm(CsrfForm):
    name = StringField(_l("Name shown"), validators=[Optional(), Length(max=200)])


def queue_choices(settings: Settings) -> tuple[list[str], dict[str, int], list[str]]:
    """The queues ticked and the penalty per queue from the posted form; errors."""
    chosen = [q for q in request.form.getlist("queue") if q in settings.queues]
    skills: dict[str, int] = {}
    errors: list[str] = []
    for queue in settings.queues:
        raw = (request.form.get(f"penalty_{queue}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) > 100:
            errors.append(_("Penalty for %(queue)s: a whole number 0 to 100.", queue=queue))
        else:
            skills[queue] = int(raw)
    return chosen, skills, errors


def account_error(exc: AgentAccountError) -> str:
    """The refusal in the user's language."""
    messages = {
        "extension": _("An extension is 2 to 8 digits."),
        "reserved": _("%(ext)s is the hotline or a queue's direct number.", ext=exc.extension),
        "exists": _(
            "Agent %(ext)s exists already: edit it, or reset its password.", ext=exc.extension
        ),
        "configured": _(
            "Agent %(ext)s is one of the configured agents (agent_first, agent_count): change "
            "those settings to remove it, or reset its password to lock the phone out.",
            ext=exc.extension,
        ),
        "unknown": _("There is no agent %(ext)s.", ext=exc.extension),
        "queue": _("Choose queues from the list."),
        "penalty": _("A penalty is a whole number 0 to 100."),
    }
    return messages.get(exc.kind, str(exc))


def applied_message(applied: Applied) -> str:
    if not applied.installed:
        return _("Saved. Asterisk is not installed here: the sandbox applies it when it starts.")
    if not applied.running:
        return _("Saved. Asterisk is not running: it reads the change when it starts.")
    return _("Saved and applied in Asterisk without a restart.")


def _states() -> dict[str, dict[str, Any]]:
    """extension -> live state (the controller in this process) or the last stored one."""
    from web.board_data import live_agents

    live = {a["extension"]: a for a in live_agents(current_app)}
    if live:
        return live
    stored = AgentRepository(db_session()).latest()
    return {
        ext: {"state": row.state, "since": row.at.timestamp(), "reason": row.reason}
        for ext, row in stored.items()
    }


def _page(
    form: AgentForm,
    *,
    credentials: SipCredentials | None = None,
    status: int = 200,
    error: str | None = None,
) -> ResponseReturnValue:
    settings = current_settings()
    agents: list[AgentListing] = list_agents(settings, db_session())
    return render_template(
        "admin/agents.html",
        form=form,
        agents=agents,
        states=_states(),
        queues=settings.queues,
        credentials=credentials,
        error=error,
        action_form=CsrfForm(),
        posted_queues=request.form.getlist("queue") if status >= 400 else None,
    ), status


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index() -> ResponseReturnValue:
    form = AgentForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.errors else 200)
    settings = current_settings()
    queues, skills, errors = queue_choices(settings)
    if errors:
        return _page(form, status=400, error=" ".join(errors))
    try:
        credentials, applied = add_agent(
            settings,
            db_session(),
            form.extension.data or "",
            name=form.name.data or "",
            queues=queues,
            skills=skills,
        )
    except AgentAccountError as exc:
        db_session().rollback()
        form.extension.errors = [account_error(exc)]
        return _page(form, status=400)
    except SandboxError as exc:
        db_session().rollback()
        return _page(form, status=500, error=_("Asterisk refused the change: %(why)s", why=exc))
    db_session().commit()
    flash(applied_message(applied), "info")
    return _page(AgentForm(formdata=None), credentials=credentials)


@bp.route("/<ext>", methods=["GET", "POST"])
@role_required("admin")
def edit(ext: str) -> ResponseReturnValue:
    settings = current_settings()
    agent = next((a for a in list_agents(settings, db_session()) if a.extension == ext), None)
    if agent is None:
        abort(404)
    form = AgentEditForm(data={"name": agent.name})
    error = None
    if form.validate_on_submit():
        queues, skills, errors = queue_choices(settings)
        if not errors:
            try:
                update_agent(
                    settings,
                    db_session(),
                    ext,
                    name=form.name.data or "",
                    queues=queues,
                    skills=skills,
                )
            except AgentAccountError as exc:
                errors = [account_error(exc)]
        if not errors:
            db_session().commit()
            flash(
                _("Agent %(ext)s saved; queues and penalties apply at its next login.", ext=ext),
                "info",
            )
            _apply_penalties_now(settings, ext, skills)
            return redirect(url_for("admin.agents.index"))
        error = " ".join(errors)
    return render_template(
        "admin/agent_edit.html",
        agent=agent,
        form=form,
        queues=settings.queues,
        error=error,
        action_form=CsrfForm(),
    ), 400 if error or form.errors else 200


def _apply_penalties_now(settings: Settings, ext: str, skills: dict[str, int]) -> None:
    """Penalties of a logged-in agent change at once too (AMI QueuePenalty)."""
    from callcenter.admin.queue_members import MemberChangeError, apply_penalties

    try:
        changed = apply_penalties(settings, ext, skills)
    except MemberChangeError as exc:
        flash(_("Asterisk refused the change: %(why)s", why=exc), "error")
        return
    if changed:
        flash(_("Penalties changed now in: %(queues)s.", queues=", ".join(changed)), "info")


@bp.post("/<ext>/password")
@role_required("admin")
def reset(ext: str) -> ResponseReturnValue:
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        credentials, applied = reset_password(current_settings(), ext)
    except AgentAccountError:
        abort(404)
    except SandboxError as exc:
        return _page(AgentForm(formdata=None), status=500, error=str(exc))
    flash(applied_message(applied), "info")
    return _page(AgentForm(formdata=None), credentials=credentials)


@bp.post("/<ext>/remove")
@role_required("admin")
def remove(ext: str) -> ResponseReturnValue:
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        applied = remove_agent(current_settings(), db_session(), ext)
    except AgentAccountError as exc:
        db_session().rollback()
        flash(account_error(exc), "error")
        return redirect(url_for("admin.agents.index"))
    except SandboxError as exc:
        db_session().rollback()
        flash(_("Asterisk refused the change: %(why)s", why=exc), "error")
        return redirect(url_for("admin.agents.index"))
    db_session().commit()
    flash(_("Agent %(ext)s removed.", ext=ext) + " " + applied_message(applied), "info")
    return redirect(url_for("admin.agents.index"))
