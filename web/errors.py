"""Error answers: a page for people, JSON for the API and the pollers."""

from __future__ import annotations

from flask import Flask, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from web.auth import wants_json

MESSAGES = {
    400: _l("The request could not be understood. Reload the page and try again."),
    403: _l("Your role does not give access to this page."),
    404: _l("There is nothing at this address."),
    405: _l("This action is not allowed here."),
    500: _l("Something went wrong on our side. The error has been logged."),
}
CSRF_MESSAGE = _l("The form had expired. Reload the page and try again.")


def _answer(status: int, error: str, message: str) -> ResponseReturnValue:
    if wants_json():
        response = jsonify(error=error, message=message)
        response.status_code = status
        return response
    return render_template("errors/error.html", status=status, message=message), status


def handle_http_error(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    message = MESSAGES.get(status)
    text = str(message) if message is not None else (exc.description or exc.name)
    return _answer(status, exc.name.lower().replace(" ", "_"), text)


def handle_csrf_error(exc: CSRFError) -> ResponseReturnValue:
    return _answer(400, "csrf_failed", str(CSRF_MESSAGE))


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
