"""Chinese and English in the console: Flask-Babel with gettext catalogs.

Why Flask-Babel rather than a hand-made table: the console will grow (board, tickets,
reports) and gettext gives translators standard ``.po`` files, extraction of every marked
string from templates and code (``pybabel extract``), plural forms, and Babel's CLDR data
for dates and numbers in each language. The source catalog is
``web/translations/zh_Hans_CN/LC_MESSAGES/messages.po`` (Babel spells ``zh_CN`` with its
script, and looks the catalog up under that name); the compiled ``messages.mo`` beside it
is kept in the repository so that an installed console needs no build step. After editing
the ``.po``, run ``pybabel compile -d web/translations`` (a test fails while the ``.mo`` is
out of date, and another while any marked string has no Chinese translation).
English is the source language: its strings are the msgids.

The language is the one the person picked with the switch in the header (kept in the
session), else the best match of the browser's Accept-Language, else Chinese.
Times are shown in the configured time zone (setting ``timezone``, default Asia/Shanghai).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from flask import Blueprint, Flask, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_babel import Babel, format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from web.call_view import format_duration
from web.security import safe_next_url

# Locale code -> the name shown in the language switch (each in its own language).
SUPPORTED_LOCALES: Final[dict[str, str]] = {"zh_CN": "中文", "en": "English"}
DEFAULT_LOCALE: Final = "zh_CN"
SESSION_KEY: Final = "lang"
# A browser's language -> ours, by primary subtag: zh, zh-CN, zh-TW, zh-Hans -> zh_CN.
_BY_PRIMARY_LANGUAGE: Final = {code.split("_")[0].lower(): code for code in SUPPORTED_LOCALES}

DISPOSITION_LABELS = {
    "answered": _l("Answered"),
    "abandoned": _l("Abandoned"),
    "failed": _l("Failed"),
    "busy": _l("Busy"),
    "voicemail": _l("Voicemail"),
    "callback": _l("Callback"),
}
IN_PROGRESS_LABEL = _l("In progress")

ROLE_LABELS = {
    "agent": _l("Agent"),
    "supervisor": _l("Supervisor"),
    "admin": _l("Administrator"),
}

# Kinds of timeline entries the call reducer writes (callcenter/domain/call_book.py).
TIMELINE_LABELS = {
    "start": _l("Call started"),
    "ivr": _l("Menu choice"),
    "queue_join": _l("Joined queue"),
    "queue_abandon": _l("Left queue (hung up)"),
    "agent_ring": _l("Ringing agent"),
    "agent_no_answer": _l("Agent did not answer"),
    "answer": _l("Answered by agent"),
    "hangup": _l("Hung up"),
    "lost": _l("Lost"),
}

# Who speaks in a transcript segment (recordings/transcriber.py: caller or agent).
SPEAKER_LABELS = {"caller": _l("Caller"), "agent": _l("Agent")}

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The session's choice, else the browser's most preferred language we have."""
    chosen = session.get(SESSION_KEY)
    if chosen in SUPPORTED_LOCALES:
        return str(chosen)
    # In the browser's order of preference (werkzeug sorts by quality); werkzeug's own
    # best_match would prefer an exact "en" at q=0.5 over "zh" at q=0.8.
    for language, _quality in request.accept_languages:
        primary = language.replace("_", "-").split("-")[0].lower()
        if primary in _BY_PRIMARY_LANGUAGE:
            return _BY_PRIMARY_LANGUAGE[primary]
    return DEFAULT_LOCALE


def current_locale_code() -> str:
    """The request's language as one of ``SUPPORTED_LOCALES`` (``zh_CN`` or ``en``)."""
    locale = get_locale()
    if locale is None:
        return DEFAULT_LOCALE
    return _BY_PRIMARY_LANGUAGE.get(locale.language, DEFAULT_LOCALE)


def current_language_tag() -> str:
    """The BCP 47 tag for ``<html lang>``: ``zh-CN`` or ``en``."""
    return current_locale_code().replace("_", "-")


def local_time(value: datetime | None, pattern: str = "yyyy-MM-dd HH:mm:ss") -> str:
    """``value`` in the console's time zone ("" for ``None``)."""
    if value is None:
        return ""
    return str(format_datetime(value, pattern))


def disposition_label(disposition: str | None) -> str:
    if disposition is None:
        return str(IN_PROGRESS_LABEL)
    label = DISPOSITION_LABELS.get(disposition)
    return str(label) if label is not None else disposition


def role_label(role: str) -> str:
    label = ROLE_LABELS.get(role)
    return str(label) if label is not None else role


def speaker_label(speaker: str) -> str:
    label = SPEAKER_LABELS.get(speaker)
    return str(label) if label is not None else speaker


def timeline_label(kind: str) -> str:
    label = TIMELINE_LABELS.get(kind)
    return str(label) if label is not None else kind


@bp.post("/language")
def switch_language() -> ResponseReturnValue:
    """Keep the chosen language in the session and go back to the page it was chosen on."""
    lang = request.form.get("lang", "")
    if lang in SUPPORTED_LOCALES:
        session[SESSION_KEY] = lang
    return redirect(safe_next_url(request.form.get("next")) or "/")


def init_i18n(app: Flask, *, timezone: str) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config["BABEL_DEFAULT_TIMEZONE"] = timezone
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        supported_locales=SUPPORTED_LOCALES,
        language_tag=current_language_tag,
        locale_code=current_locale_code,
        role_label=role_label,
        format_seconds=format_duration,
    )
    app.jinja_env.filters.update(
        local_time=local_time,
        disposition_label=disposition_label,
        timeline_label=timeline_label,
        speaker_label=speaker_label,
    )
