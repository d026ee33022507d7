"""Administration: console users (list, add with role and extension, deactivate) and API
tokens (create — the token is shown once —, revoke). Admins only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from callcenter.db.models import ApiTokenRow, Role, UserRow
from callcenter.db.user_repository import ApiTokenRepository, DuplicateUserError, UserRepository
from web.auth import role_required
from web.database import db_session
from web.i18n import role_label

bp = Blueprint("admin", __name__, url_prefix="/admin")


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter a username.")), Length(max=64)],
    )
    display_name = StringField(_l("Name shown"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[r.value for r in Role], default=Role.AGENT.value)
    extension = StringField(
        _l("Extension"),
        validators=[
            Optional(),
            Regexp(r"^[0-9]{2,8}$", message=_l("An extension is 2 to 8 digits.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter a password.")),
            Length(min=10, max=1024, message=_l("At least 10 characters.")),
        ],
    )


class TokenForm(FlaskForm):
    user_id = SelectField(_l("User"), coerce=int)
    name = StringField(
        _l("What it is for"),
        validators=[DataRequired(message=_l("Say what the token is for.")), Length(max=100)],
    )


class EmptyForm(FlaskForm):
    """Buttons that only need the CSRF token."""


def _user_form() -> UserForm:
    form = UserForm()
    form.role.choices = [(r.value, role_label(r.value)) for r in Role]
    return form


def _token_form(users: list[UserRow]) -> TokenForm:
    form = TokenForm()
    form.user_id.choices = [
        (u.id, f"{u.username} ({role_label(u.role)})") for u in users if u.active
    ]
    return form


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users() -> ResponseReturnValue:
    repo = UserRepository(db_session())
    form = _user_form()
    if form.validate_on_submit():
        try:
            repo.add(
                (form.username.data or "").strip(),
                form.password.data or "",
                form.role.data,
                extension=(form.extension.data or "").strip() or None,
                display_name=(form.display_name.data or "").strip(),
            )
        except DuplicateUserError:
            form.username.errors = [_("That username or extension is taken.")]
        else:
            db_session().commit()
            flash(_("User %(name)s added.", name=form.username.data), "info")
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template(
        "admin/users.html", form=form, users=repo.list(), action_form=EmptyForm()
    ), status


@bp.post("/users/<int:user_id>/active")
@role_required("admin")
def toggle_active(user_id: int) -> ResponseReturnValue:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    repo = UserRepository(db_session())
    user = repo.get(user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate yourself."), "error")
        return redirect(url_for("admin.users"))
    repo.set_active(user, not user.active)
    db_session().commit()
    message = _("%(name)s can log in again.") if user.active else _("%(name)s is deactivated.")
    flash(message % {"name": user.username}, "info")
    return redirect(url_for("admin.users"))


def _all_tokens(users: list[UserRow]) -> list[tuple[ApiTokenRow, UserRow]]:
    repo = ApiTokenRepository(db_session())
    return [(token, user) for user in users for token in repo.for_user(user)]


@bp.route("/tokens", methods=["GET", "POST"])
@role_required("admin")
def tokens() -> ResponseReturnValue:
    users = UserRepository(db_session()).list()
    form = _token_form(users)
    new_token: str | None = None
    if form.validate_on_submit():
        owner = UserRepository(db_session()).get(form.user_id.data)
        if owner is None or not owner.active:
            abort(400)
        new_token = ApiTokenRepository(db_session()).create(owner, (form.name.data or "").strip())
        db_session().commit()
        form = _token_form(users)
        form.name.data = ""
    status = 400 if form.errors else 200
    return render_template(
        "admin/tokens.html",
        form=form,
        tokens=_all_tokens(users),
        new_token=new_token,
        action_form=EmptyForm(),
    ), status


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("admin")
def revoke_token(token_id: int) -> ResponseReturnValue:
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not ApiTokenRepository(db_session()).revoke(token_id):
        abort(404)
    db_session().commit()
    flash(_("The token is revoked; scripts using it are refused from now on."), "info")
    return redirect(url_for("admin.tokens"))
