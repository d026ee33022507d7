"""Alembic environment: run by ``callcenter.db.migrate`` (no alembic.ini needed).

``callcenter.db.migrate`` passes an open connection in ``config.attributes["connection"]``.
For a developer running the ``alembic`` command by hand, the URL comes from
``-x url=...`` or ``sqlalchemy.url`` or the callcenter settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from callcenter.db import (
    models,  # noqa: F401  (registers the tables on the metadata)
    recording_models,  # noqa: F401
)
from callcenter.db.base import Base
from callcenter.db.search_schema import include_name

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
        include_name=include_name,  # the search indexes are not in the models
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if url:
        return url
    from callcenter.config import load_settings

    return load_settings().effective_database_url


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    from callcenter.db.engine import make_engine

    engine = make_engine(_url())
    try:
        with engine.begin() as conn:
            _configure(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
