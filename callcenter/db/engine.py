"""Engines and sessions, and the errors a person sees when the database is not usable.

``open_database(url)`` is what a program calls at start: it builds the engine, checks that
the database is reachable and migrated, and returns a session factory. ``session_scope``
wraps one unit of work (a request, a job, one AMI event batch).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5


class DatabaseError(Exception):
    """The database cannot be used; the message says what to do."""


class DatabaseUnreachableError(DatabaseError):
    """No connection could be made."""


class SchemaNotCurrentError(DatabaseError):
    """The database is not at the schema revision this code expects."""

    def __init__(self, message: str, *, current: str | None, expected: str | None) -> None:
        super().__init__(message)
        self.current = current
        self.expected = expected


def display_url(url: str | URL) -> str:
    """The URL as it may be shown or logged: the password replaced by ``***``."""
    return make_url(url).render_as_string(hide_password=True)


def _json_dumps(value: Any) -> str:
    # Keep caller names and transcripts readable in the database (no \\uXXXX escapes).
    return json.dumps(value, ensure_ascii=False)


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for ``url`` with this project's settings per backend.

    SQLite: the parent folder of the file is created; WAL journal, foreign keys on, a busy
    timeout so that the controller, console and worker can share the file.
    PostgreSQL: connections are checked before use (``pool_pre_ping``) and time out.
    ``kwargs`` go to ``create_engine`` unchanged (for example ``echo=True``).
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    options: dict[str, Any] = {"json_serializer": _json_dumps}
    if backend == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnreachableError(
                    f"cannot create the folder of the database at {display_url(parsed)}: {exc}"
                ) from exc
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif backend == "postgresql":
        options["pool_pre_ping"] = True
        options["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
    options.update(kwargs)
    engine = create_engine(parsed, **options)
    if backend == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back if it raises."""
    with factory() as session, session.begin():
        yield session


def open_database(url: str | URL) -> sessionmaker[Session]:
    """Engine + session factory for ``url``, after checking it is reachable and migrated.

    Raises ``DatabaseUnreachableError`` or ``SchemaNotCurrentError`` with a message a person
    can act on. The engine is ``factory.kw["bind"]``.
    """
    from callcenter.db.migrate import require_current_schema

    engine = make_engine(url)
    try:
        require_current_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return make_session_factory(engine)
