"""Schema migrations, driven from Python: ``upgrade(url)``, ``current_revision(url)``.

The Alembic scripts live in ``callcenter/db/migrations`` (installed with the package); the
configuration is built here, so no ``alembic.ini`` is needed at run time.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from callcenter.db.engine import (
    DatabaseUnreachableError,
    SchemaNotCurrentError,
    display_url,
    make_engine,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for our scripts; ``connection`` is used by env.py."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision this code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _unreachable(engine: Engine, exc: OperationalError) -> DatabaseUnreachableError:
    return DatabaseUnreachableError(
        f"cannot reach the database at {display_url(engine.url)}: {exc.orig}"
    )


def _connect(engine: Engine) -> Connection:
    try:
        return engine.connect()
    except OperationalError as exc:
        raise _unreachable(engine, exc) from exc


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str | URL, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database at ``url`` to ``revision``; returns (before, after).

    Idempotent: running it on an up-to-date database changes nothing.
    """
    engine = make_engine(url)
    try:
        with _connect(engine) as connection:
            before = _current(connection)
            connection.commit()
            try:
                command.upgrade(alembic_config(connection), revision)
            except CommandError as exc:
                raise SchemaNotCurrentError(
                    f"cannot upgrade the database at {display_url(engine.url)}: {exc}",
                    current=before,
                    expected=revision,
                ) from exc
            connection.commit()
            after = _current(connection)
        return before, after
    finally:
        engine.dispose()


def current_revision(url: str | URL) -> str | None:
    """The revision of the database at ``url`` (None: never migrated)."""
    engine = make_engine(url)
    try:
        with _connect(engine) as connection:
            return _current(connection)
    finally:
        engine.dispose()


def is_up_to_date(url: str | URL) -> bool:
    return current_revision(url) == head_revision()


def require_current_schema(engine: Engine) -> None:
    """Raise a clear error unless the database of ``engine`` is reachable and at head."""
    with _connect(engine) as connection:
        current = _current(connection)
    expected = head_revision()
    if current == expected:
        return
    where = display_url(engine.url)
    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = current is None or script.get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise SchemaNotCurrentError(
            f"database at {where} is at revision {current}, which this version of callcenter"
            f" does not know (expected {expected}): was it migrated by a newer version?",
            current=current,
            expected=expected,
        )
    raise SchemaNotCurrentError(
        f"database at {where} is not at the current schema: run `callcenter db upgrade`",
        current=current,
        expected=expected,
    )
