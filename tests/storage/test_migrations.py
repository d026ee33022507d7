"""Migrations: ``db upgrade`` creates the schema, is idempotent, and matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect

from callcenter.db.cli import db
from callcenter.db.engine import (
    DatabaseUnreachableError,
    SchemaNotCurrentError,
    display_url,
    make_engine,
    open_database,
    session_scope,
)
from callcenter.db.migrate import current_revision, head_revision, is_up_to_date, upgrade
from callcenter.db.models import Base
from callcenter.db.search_schema import include_name


def test_upgrade_twice_is_idempotent(empty_db_url: str) -> None:
    assert current_revision(empty_db_url) is None
    assert not is_up_to_date(empty_db_url)
    assert upgrade(empty_db_url) == (None, head_revision())
    assert upgrade(empty_db_url) == (head_revision(), head_revision())
    assert is_up_to_date(empty_db_url)


def test_the_db_upgrade_command_migrates_and_reports(empty_db_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(db, ["upgrade", "--url", empty_db_url])
    assert first.exit_code == 0, first.output
    assert f"upgraded: empty -> {head_revision()}" in first.output
    again = runner.invoke(db, ["upgrade", "--url", empty_db_url])
    assert again.exit_code == 0, again.output
    assert "up to date" in again.output
    current = runner.invoke(db, ["current", "--url", empty_db_url])
    assert current.output.strip() == f"{head_revision()} (current)"


def test_an_unmigrated_database_gives_a_clear_error(empty_db_url: str) -> None:
    with pytest.raises(SchemaNotCurrentError) as raised:
        open_database(empty_db_url)
    assert str(raised.value) == (
        f"database at {display_url(empty_db_url)} is not at the current schema:"
        " run `callcenter db upgrade`"
    )
    assert raised.value.current is None and raised.value.expected == head_revision()

    upgrade(empty_db_url)
    factory = open_database(empty_db_url)
    with session_scope(factory) as session:
        assert session.connection().dialect.name in ("sqlite", "postgresql")
    factory.kw["bind"].dispose()


def test_a_database_from_a_newer_version_is_named_as_such(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(SchemaNotCurrentError, match="revision 9999, which this version"):
        open_database(empty_db_url)


def test_the_migrated_schema_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            opts = {"compare_type": True, "include_name": include_name}
            context = MigrationContext.configure(conn, opts=opts)
            assert compare_metadata(context, Base.metadata) == []
            indexes = {i["name"] for i in inspect(conn).get_indexes("calls")}
    finally:
        engine.dispose()
    assert {f"ix_calls_{c}" for c in ("started_at", "caller_number", "agent", "queue")} <= indexes
    assert "ix_calls_disposition" in indexes


def test_an_unreachable_server_is_reported_without_the_password() -> None:
    url = "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/callcenter"
    with pytest.raises(DatabaseUnreachableError) as raised:
        open_database(url)
    message = str(raised.value)
    assert message.startswith("cannot reach the database at postgresql+psycopg://postgres:***@")
    assert "hunter2" not in message
    result = CliRunner().invoke(db, ["upgrade", "--url", url])
    assert result.exit_code == 1 and "hunter2" not in result.output
