"""Console users: hashed passwords, authentication, API tokens."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.engine import session_scope
from callcenter.db.models import ApiTokenRow, Role, UserRow
from callcenter.db.user_repository import ApiTokenRepository, DuplicateUserError, UserRepository


def test_the_password_is_stored_hashed_never_plain(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        user = UserRepository(session).add("lihua", "s3cret-密码", Role.AGENT, extension="1001")
        user_id = user.id

    with sessions() as session:
        stored = session.get(UserRow, user_id)
        assert stored is not None
        assert "s3cret" not in stored.password_hash
        assert stored.password_hash.startswith("scrypt:")
        assert stored.role == "agent" and stored.extension == "1001" and stored.active


def test_authenticate_accepts_the_right_password_only(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        UserRepository(session).add("wang", "correct horse", "supervisor")

    with session_scope(sessions) as session:
        users = UserRepository(session)
        user = users.authenticate("wang", "correct horse")
        assert user is not None and user.username == "wang"
        assert user.last_login_at is not None and user.last_login_at.tzinfo is not None
        assert users.authenticate("wang", "Correct horse") is None
        assert users.authenticate("wang", "") is None
        assert users.authenticate("nobody", "correct horse") is None


def test_a_deactivated_user_cannot_log_in(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        users = UserRepository(session)
        users.set_active(users.add("gone", "pw", Role.AGENT), False)
        assert users.authenticate("gone", "pw") is None


def test_set_password_replaces_the_old_one(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        users = UserRepository(session)
        users.set_password(users.add("zhao", "old", Role.ADMIN), "new")
    with session_scope(sessions) as session:
        users = UserRepository(session)
        assert users.authenticate("zhao", "old") is None
        assert users.authenticate("zhao", "new") is not None


def test_add_refuses_duplicates_and_unknown_roles(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        users = UserRepository(session)
        users.add("a", "pw", Role.AGENT, extension="1001")
        with pytest.raises(DuplicateUserError, match="'a' exists"):
            users.add("a", "pw", Role.AGENT)
        with pytest.raises(DuplicateUserError, match="1001"):
            users.add("b", "pw", Role.AGENT, extension="1001")
        with pytest.raises(ValueError, match="role 'boss'"):
            users.add("c", "pw", "boss")
        assert [u.username for u in users.list()] == ["a"]


def test_list_orders_by_username_and_get_finds_by_id(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        users = UserRepository(session)
        ids = {name: users.add(name, "pw", Role.AGENT).id for name in ("zoe", "amy", "kim")}
        users.set_active(users.by_username("kim") or pytest.fail("kim"), False)
    with sessions() as session:
        users = UserRepository(session)
        assert [u.username for u in users.list()] == ["amy", "kim", "zoe"]
        assert [u.username for u in users.list(include_inactive=False)] == ["amy", "zoe"]
        found = users.get(ids["zoe"])
        assert found is not None and found.username == "zoe"
        assert users.get(99_999) is None


def test_an_api_token_finds_its_user_and_only_its_hash_is_stored(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        user = UserRepository(session).add("api", "pw", Role.ADMIN)
        token = ApiTokenRepository(session).create(user, name="reports script")
        user_id = user.id
    assert len(token) >= 40

    with session_scope(sessions) as session:
        tokens = ApiTokenRepository(session)
        found = tokens.user_for_token(token)
        assert found is not None and found.id == user_id
        assert tokens.user_for_token(token + "x") is None
        assert tokens.user_for_token("") is None
        [row] = tokens.for_user(found)
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in row.token_hash
        assert row.name == "reports script" and row.last_used_at is not None

    with session_scope(sessions) as session:
        tokens = ApiTokenRepository(session)
        [row] = session.scalars(select(ApiTokenRow)).all()
        assert tokens.revoke(row.id)
        assert tokens.user_for_token(token) is None


def test_tokens_of_a_deactivated_user_stop_working(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        users = UserRepository(session)
        user = users.add("temp", "pw", Role.AGENT)
        token = ApiTokenRepository(session).create(user)
        users.set_active(user, False)
        assert ApiTokenRepository(session).user_for_token(token) is None
