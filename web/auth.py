"""Logging in and out, who may see what, and how long a login lasts.

* Every page needs a login (``login_required`` or ``role_required``); without one, pages
  redirect to ``/login`` and JSON endpoints answer 401.
* Failed logins are throttled per username and address (``web.login_throttle``); the
  answer never says whether the username or the password was wrong.
* A login lasts at most ``PERMANENT_SESSION_LIFETIME`` (a shift, 8 h by default) from the
  moment of logging in, however active the page is (the call list polls every few seconds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from callcenter.db.user_repository import UserRepository
from web.database import db_session
from web.login_throttle import LoginThrottle
from web.security import safe_next_url
from web.users import ConsoleUser, init_users

THROTTLE_KEY = "callcenter.login_throttle"
LOGIN_AT_KEY = "login_at"

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter your username.")), Length(max=64)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=1024)],
    )
    next = HiddenField()


def wants_json() -> bool:
    """Is this request from a script (API, the call list's poller) rather than a person?"""
    return request.path.startswith("/api/") or request.path.endswith(".json")


def unauthorized() -> ResponseReturnValue:
    if wants_json():
        response = jsonify(error="unauthorized", message="log in or send a bearer token")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="callcenter"'
        return response
    return redirect(url_for("auth.login", next=_this_path()))


def _this_path() -> str:
    return request.full_path.rstrip("?") if request.query_string else request.path


def role_required(*roles: str) -> Callable[[F], F]:
    """Like ``login_required``, and the user's role must be one of ``roles`` (else 403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if roles and not cast(ConsoleUser, current_user).has_role(*roles):
                abort(403)
            return current_app.ensure_sync(view)(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


def home_url(user: Any) -> str:
    """Where a user starts: supervisors and admins on the live board, agents on their desk
    (on the calls while their account has no extension)."""
    if user.has_role("supervisor", "admin"):
        return url_for("board.index")
    if getattr(user, "extension", None):
        return url_for("desk.index")
    return url_for("calls.index")


def _throttle() -> LoginThrottle:
    throttle: LoginThrottle = current_app.extensions[THROTTLE_KEY]
    return throttle


def _refused_message(retry_after: int) -> str:
    minutes = max(1, (retry_after + 59) // 60)
    return str(
        ngettext(
            "Too many failed logins. Try again in %(num)d minute.",
            "Too many failed logins. Try again in %(num)d minutes.",
            minutes,
        )
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")) or home_url(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next")) or ""
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form), status

    username = (form.username.data or "").strip()
    address = request.remote_addr or "unknown"
    verdict = _throttle().check(username, address)
    if not verdict.allowed:
        response = current_app.make_response(
            (
                render_template(
                    "auth/login.html", form=form, error=_refused_message(verdict.retry_after)
                ),
                429,
            )
        )
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response

    users = UserRepository(db_session())
    row = users.authenticate(username, form.password.data or "")
    if row is None:
        _throttle().failed(username, address)
        error = _("Wrong username or password")
        return render_template("auth/login.html", form=form, error=error), 200
    db_session().commit()  # authenticate() recorded the login time
    _throttle().succeeded(username, address)

    # A fresh session on login (nothing a visitor set before survives but the language).
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(ConsoleUser.from_row(row))
    session.permanent = True
    session[LOGIN_AT_KEY] = int(time.time())
    return redirect(safe_next_url(form.next.data) or home_url(current_user))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def _end_expired_login() -> None:
    """Log out a login older than the session lifetime, however active it has been."""
    if not current_user.is_authenticated:
        return
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    login_at = session.get(LOGIN_AT_KEY)
    if not isinstance(login_at, int) or time.time() - login_at > lifetime:
        logout_user()
        session.pop(LOGIN_AT_KEY, None)


def init_auth(app: Flask, *, throttle: LoginThrottle | None = None) -> LoginManager:
    app.extensions[THROTTLE_KEY] = throttle or LoginThrottle()
    login_manager = LoginManager(app)
    login_manager.unauthorized_handler(unauthorized)
    init_users(login_manager)
    app.before_request(_end_expired_login)
    app.register_blueprint(bp)
    return login_manager
