"""Storage tests run on SQLite and on PostgreSQL.

PostgreSQL: 127.0.0.1:5432, user postgres, trust auth (override the server with
``CALLCENTER_TEST_PG_ADMIN_URL``). It is started if it is down; if it cannot be started the
tests fail (they are never skipped). Each test process (each xdist worker) creates its own
uniquely named databases and drops them at the end.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.engine import make_engine, make_session_factory
from callcenter.db.migrate import upgrade
from callcenter.db.models import Base

PG_ADMIN_URL = os.environ.get(
    "CALLCENTER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_START_TIMEOUT = 30.0


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_reachable() -> bool:
    try:
        with psycopg.connect(_libpq(PG_ADMIN_URL), connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def _start_pg() -> str:
    """Start the local cluster the machine's way; returns what the command said."""
    try:
        versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: int(v.split(".")[0]))
    except (FileNotFoundError, ValueError) as exc:
        return f"no PostgreSQL cluster under /etc/postgresql ({exc})"
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{' '.join(command)}: {exc}"
    # Another xdist worker may have started it at the same moment: only readiness counts.
    said = (done.stdout + done.stderr).strip()
    return f"{' '.join(command)} -> exit {done.returncode}: {said}"


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of a running PostgreSQL; started if needed, else the tests fail."""
    if _pg_reachable():
        return PG_ADMIN_URL
    said = _start_pg()
    deadline = time.monotonic() + PG_START_TIMEOUT
    while time.monotonic() < deadline:
        if _pg_reachable():
            return PG_ADMIN_URL
        time.sleep(0.2)
    pytest.fail(
        f"PostgreSQL at {make_url(PG_ADMIN_URL).render_as_string(hide_password=True)} is not"
        f" reachable and could not be started ({said}). The storage tests must run on"
        " PostgreSQL too; start it or set CALLCENTER_TEST_PG_ADMIN_URL.",
        pytrace=False,
    )


class PgDatabases:
    """Creates uniquely named databases for this test process and drops them at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"callcenter_test_{worker}_{os.getpid()}"
        self.created: list[str] = []

    def _admin(self, statement: sql.Composed) -> None:
        with psycopg.connect(_libpq(self.admin_url), autocommit=True) as conn:
            conn.execute(statement)

    def create(self) -> str:
        name = f"{self.prefix}_{secrets.token_hex(4)}"
        create = "CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0"
        self._admin(sql.SQL(create).format(sql.Identifier(name)))
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        assert name in self.created
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(self.created):
            self._admin(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            self.created.remove(name)


@pytest.fixture(scope="session")
def pg_databases(pg_server: str) -> Iterator[PgDatabases]:
    databases = PgDatabases(pg_server)
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture(scope="session")
def migrated_pg_url(pg_databases: PgDatabases) -> str:
    """One migrated PostgreSQL database for this test process; emptied after each test."""
    url = pg_databases.create()
    upgrade(url)
    return url


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _truncate_all(url: str) -> None:
    tables = sql.SQL(", ").join(sql.Identifier(t.name) for t in Base.metadata.sorted_tables)
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(tables))


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'state' / 'callcenter.db'}"
        upgrade(url)
        yield url
        return
    url = request.getfixturevalue("migrated_pg_url")
    try:
        yield url
    finally:
        _truncate_all(url)


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database that exists but was never migrated, on each backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty' / 'callcenter.db'}"
        return
    databases: PgDatabases = request.getfixturevalue("pg_databases")
    url = databases.create()
    try:
        yield url
    finally:
        databases.drop(url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session
