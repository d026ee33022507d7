"""Admin: the hotline menu. View it as a tree (nodes, keys, actions, zh and en texts) with
each prompt's audio, edit its TOML text, validate it (every problem names the file, node
and key; nothing is saved while there are errors), save it (the previous version is backed
up, the prompts are rebuilt; the running controller picks the new menu up within seconds:
``callcenter.controller.settings_reload``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from callcenter.admin.menu_store import (
    check_text,
    edited_menu_path,
    effective_menu_path,
    list_backups,
    save_text,
)
from callcenter.config import Settings
from callcenter.sandbox.errors import SandboxError
from ivr.menu import Action, ActionKind, Menu
from ivr.menu_load import NAME, MenuError, MenuProblem, load_menu
from ivr.prompt_build import PromptBuildError
from web.admin_common import CsrfForm, current_settings, queue_label
from web.auth import role_required

bp = Blueprint("menus", __name__, url_prefix="/menus")

ACTION_LABELS = {
    ActionKind.SUBMENU: _l("go to menu “%(target)s”"),
    ActionKind.QUEUE: _l("queue %(queue)s"),
    ActionKind.EXTENSION: _l("ring extension %(extension)s"),
    ActionKind.VOICEMAIL: _l("leave a voicemail (%(mailbox)s)"),
    ActionKind.CALLBACK: _l("ask for a call back"),
    ActionKind.TICKET_STATUS: _l("hear a ticket's status"),
    ActionKind.LANGUAGE: _l("language %(language)s, then “%(target)s”"),
    ActionKind.REPEAT: _l("hear this menu again"),
    ActionKind.BACK: _l("back to the previous menu"),
    ActionKind.HANGUP: _l("hang up"),
}


class MenuForm(CsrfForm):
    text = TextAreaField(_l("Menu file (TOML)"))


def describe(action: Action) -> str:
    """``press 1 -> queue Repairs`` in the user's language."""
    values = {
        "target": action.target or "",
        "queue": queue_label(action.queue) if action.queue else "",
        "extension": action.extension or "",
        "mailbox": action.mailbox or "",
        "language": action.language or "",
    }
    return str(ACTION_LABELS[action.kind]) % values


def _prompts_dir(settings: Settings) -> Path | None:
    from callcenter.controller.ivr_setup import prompt_folders

    try:
        return prompt_folders(settings)[1]
    except SandboxError:
        return None


def _page(
    settings: Settings,
    form: MenuForm,
    *,
    problems: list[MenuProblem] | None = None,
    warnings: list[MenuProblem] | None = None,
    checked_ok: bool = False,
    status: int = 200,
) -> ResponseReturnValue:
    path = effective_menu_path(settings)
    menu: Menu | None = None
    load_error = None
    try:
        menu = load_menu(path)
    except MenuError as exc:
        load_error = str(exc)
    prompts = _prompts_dir(settings)
    audio = set()
    if menu is not None and prompts is not None:
        for prompt in menu.all_prompts():
            for lang in prompt.text:
                if (prompts / lang / f"{prompt.id}.wav").is_file():
                    audio.add((lang, prompt.id))
    return render_template(
        "admin/menus.html",
        form=form,
        menu=menu,
        path=path,
        saved_path=edited_menu_path(settings),
        load_error=load_error,
        problems=problems or [],
        warnings=warnings or [],
        checked_ok=checked_ok,
        audio=audio,
        backups=list_backups(settings)[:5],
        describe=describe,
    ), status


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index() -> ResponseReturnValue:
    settings = current_settings()
    form = MenuForm()
    if request.method == "GET":
        form.text.data = effective_menu_path(settings).read_text(encoding="utf-8")
        return _page(settings, form)
    if not form.validate_on_submit():
        abort(400)
    text = (form.text.data or "").replace("\r\n", "\n")
    if request.form.get("do") != "save":
        check = check_text(settings, text)
        status = 200 if check.menu is not None else 422
        return _page(
            settings,
            form,
            problems=check.errors,
            warnings=check.warnings,
            checked_ok=check.menu is not None,
            status=status,
        )
    try:
        saved = save_text(settings, text)
    except MenuError as exc:  # the page lists every problem; nothing was written
        return _page(settings, form, problems=exc.problems, status=422)
    except PromptBuildError as exc:
        flash(_("Saved, but the prompts could not be made: %(why)s", why=exc), "error")
        return redirect(url_for("admin.menus.index"))
    flash(
        _(
            "Menu saved (the previous version is kept as a backup); %(n)d prompt file(s) "
            "rebuilt. Callers hear it within a few seconds.",
            n=saved.prompts_built,
        ),
        "info",
    )
    return redirect(url_for("admin.menus.index"))


@bp.get("/prompts/<lang>/<prompt_id>.wav")
@role_required("admin")
def prompt_audio(lang: str, prompt_id: str) -> ResponseReturnValue:
    settings = current_settings()
    if not NAME.fullmatch(prompt_id) or not NAME.fullmatch(lang):
        abort(404)
    prompts = _prompts_dir(settings)
    if prompts is None:
        abort(404)
    path = prompts / lang / f"{prompt_id}.wav"
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="audio/wav", conditional=True, max_age=0)
