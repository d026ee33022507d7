"""The console: Flask pages for people and the JSON API under ``/api/v1``.

``create_app`` builds one application from the settings:

* the database is opened with ``callcenter.db.engine.open_database`` (which refuses a
  database that is unreachable or not migrated, with a message saying what to do), and each
  request gets its own session (``web.database``);
* the secret key is generated once into ``<state_dir>/web/secret_key`` (``web.secret_key``);
* every form carries a CSRF token, every answer security headers (``web.security``);
* Chinese and English through Flask-Babel (``web.i18n``).

Blueprints: ``auth`` (login/logout), ``calls`` (the call log), ``api`` (``/api/v1``),
``i18n`` (the language switch), ``live`` (``/live/stream``, server-sent events), ``board``
(the supervisor's live board), ``desk`` (the agent's desk), ``reports``, ``admin`` (users,
API tokens, agents, queues, menus, hours), ``tickets`` (tickets, complaint register, 回访,
customers, supervisors' alerts), ``metrics`` (``/metrics`` for Prometheus). New areas add a
blueprint each.

``live`` is the link to a controller running in the same process (``callcenter run``
passes one); without it the console still works, and the board shows the open calls of the
database.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask_login import login_required

from callcenter.config import Settings, load_settings
from callcenter.db.engine import open_database
from callcenter.live.controller_link import LiveLink
from web import admin, admin_sections, api, board, calls, desk, metrics, reports
from web import tickets as ticket_pages
from web.api import tickets as api_tickets
from web.auth import init_auth
from web.converters import DatabaseIntConverter
from web.database import init_database
from web.errors import init_errors
from web.extensions import csrf
from web.i18n import init_i18n
from web.live import init_live
from web.login_throttle import LoginThrottle
from web.secret_key import load_or_create_secret_key
from web.security import init_security

SESSION_LIFETIME = timedelta(hours=8)  # one shift


def create_app(
    settings: Settings | None = None,
    *,
    test_config: dict[str, Any] | None = None,
    live: LiveLink | None = None,
) -> Flask:
    """The console application for ``settings`` (loaded from the environment if ``None``).

    ``test_config`` overrides Flask configuration after the defaults; it may also carry
    ``DATABASE_URL`` (instead of ``settings.effective_database_url``), ``SECRET_KEY`` (then
    no key file is read or written) and ``LOGIN_THROTTLE`` (a ``LoginThrottle``).
    """
    settings = settings or load_settings()
    overrides = dict(test_config or {})
    app = Flask(__name__)
    app.url_map.converters["int"] = DatabaseIntConverter  # before any route is added
    app.config.from_mapping(
        SESSION_COOKIE_NAME="callcenter_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=1024 * 1024,
        JSON_AS_ASCII=False,
        CALLS_REFRESH_MS=5000,
        TIMEZONE=settings.timezone,
        DATABASE_URL=settings.effective_database_url,
        QUEUES=list(settings.queues),
        SERVICE_LEVEL_SECONDS=settings.service_level_seconds,
        ASTERISK_QUEUES=dict(settings.asterisk_queues),
        AGENT_EXTENSIONS=list(settings.agent_extensions),
        PAUSE_REASONS=list(settings.pause_reasons),
    )
    throttle: LoginThrottle | None = overrides.pop("LOGIN_THROTTLE", None)
    app.config.from_mapping(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(settings.state_dir)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # 王小明, not \u738b...

    init_database(app, open_database(app.config["DATABASE_URL"]))
    init_security(app)
    csrf.init_app(app)
    init_i18n(app, timezone=app.config["TIMEZONE"])
    init_auth(app, throttle=throttle)
    init_errors(app)

    init_live(app, live)
    admin_sections.init_admin_sections(app, settings)  # agents, queues, menus, hours

    app.register_blueprint(calls.bp)
    app.register_blueprint(board.bp)
    app.register_blueprint(desk.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # bearer tokens are not sent by browsers on their own; see web.api
    api_tickets.init_app(app, settings)  # /api/v1/tickets, complaints, visits, reports
    ticket_pages.init_app(app)  # /tickets: list, detail, registers, customers, alerts
    csrf.exempt(metrics.bp)  # GET only, bearer token
    app.add_url_rule("/", "index", login_required(calls.index_redirect))
    return app
