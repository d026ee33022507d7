"""Engine settings per backend and the UTC column type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from callcenter.db.base import UTCDateTime, as_utc
from callcenter.db.engine import display_url, make_engine


def test_sqlite_gets_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "callcenter.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
            assert conn.scalar(text("PRAGMA foreign_keys")) == 1
            assert conn.scalar(text("PRAGMA busy_timeout")) == 10_000
        assert path.exists()
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text("INSERT INTO api_tokens (user_id, token_hash, name, created_at)"
                 " VALUES (12345, 'x', '', CURRENT_TIMESTAMP)")
        )  # fmt: skip


def test_display_url_hides_the_password() -> None:
    shown = display_url("postgresql+psycopg://cc:p%40ss@db.example:5432/callcenter")
    assert shown == "postgresql+psycopg://cc:***@db.example:5432/callcenter"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        as_utc(datetime(2026, 1, 1, 12, 0))
    plus8 = datetime(2026, 1, 1, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    assert as_utc(plus8) == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert as_utc(plus8).tzinfo is UTC
    assert UTCDateTime.cache_ok
