"""What the admin sections share: the settings they edit (with the saved overrides laid
over the ones the console started with), the section links, a CSRF-only form."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from callcenter.admin.overrides import with_admin_overrides
from callcenter.config import Settings

SETTINGS_KEY = "callcenter.settings"

# The shipped queues' names in the user's language; other queues show their own name.
QUEUE_LABELS = {"general": _l("General"), "repair": _l("Repairs"), "complaints": _l("Complaints")}
AGENT_STATE_LABELS = {
    "available": _l("Available"),
    "ringing": _l("Ringing"),
    "on_call": _l("Talking"),
    "paused": _l("Paused"),
    "wrap_up": _l("Wrap-up"),
    "logged_out": _l("Logged out"),
}


def queue_label(name: str) -> str:
    label = QUEUE_LABELS.get(name)
    return f"{label} ({name})" if label is not None else name


def agent_state_label(state: str | None) -> str:
    label = AGENT_STATE_LABELS.get(state or "logged_out")
    return str(label) if label is not None else str(state)


class CsrfForm(FlaskForm):
    """Buttons that only need the CSRF token."""


def init_admin_sections(app: Flask, settings: Settings) -> None:
    app.extensions[SETTINGS_KEY] = settings
    app.jinja_env.globals.update(queue_label=queue_label, agent_state_label=agent_state_label)


def current_settings() -> Settings:
    """The settings as they run now: the console's own, with the admin's overrides.

    Read on every request, so a change saved by another console process shows here too.
    A bad overrides file raises ``OverridesError`` naming the file and key (a 500 page is
    the right answer: the program would refuse to start with it too)."""
    base: Settings = current_app.extensions[SETTINGS_KEY]
    return with_admin_overrides(base)
