"""One SQLAlchemy session per request, closed when the request ends.

``init_database`` stores the session factory on the app; views call ``db_session()`` and
get the same session for the whole request. The console only reads today; a view that
writes commits explicitly (``db_session().commit()``), and whatever was not committed is
rolled back when the session closes.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

EXTENSION_KEY = "callcenter.sessions"


def init_database(app: Flask, factory: sessionmaker[Session]) -> None:
    app.extensions[EXTENSION_KEY] = factory
    app.teardown_appcontext(_close_session)


def db_session() -> Session:
    """The current request's session (created on first use)."""
    session: Session | None = g.get("db_session")
    if session is None:
        factory: sessionmaker[Session] = current_app.extensions[EXTENSION_KEY]
        session = factory()
        g.db_session = session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()
