"""Console users and their API tokens.

Passwords are stored as werkzeug scrypt hashes; API tokens as the SHA-256 of the token,
which is shown to the user once, when it is created.
"""

from __future__ import annotations

import builtins
import hashlib
import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from callcenter.db.base import as_utc, utcnow
from callcenter.db.models import ApiTokenRow, Role, UserRow

PASSWORD_METHOD = "scrypt"
TOKEN_USE_PRECISION = timedelta(minutes=1)  # how exactly "last used" of a token is kept


class DuplicateUserError(ValueError):
    """A user with that username (or extension) exists already."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


@cache
def _dummy_hash() -> str:
    # Compared against when the username is unknown, so that a wrong username takes as
    # long as a wrong password and does not reveal which usernames exist.
    return hash_password(secrets.token_urlsafe(16))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserRepository:
    """Reads and writes ``users`` in the caller's session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        username: str,
        password: str,
        role: Role | str,
        extension: str | None = None,
        *,
        display_name: str = "",
        language: str | None = None,
    ) -> UserRow:
        """A new active user. Raises ``ValueError`` for a bad role, empty username or
        password, and ``DuplicateUserError`` if the username or extension is taken."""
        if not username.strip():
            raise ValueError("username must not be empty")
        if not password:
            raise ValueError("password must not be empty")
        try:
            role_value = Role(role).value
        except ValueError:
            choices = ", ".join(r.value for r in Role)
            raise ValueError(f"role {role!r} is not one of: {choices}") from None
        if self.by_username(username) is not None:
            raise DuplicateUserError(f"user {username!r} exists already")
        if extension is not None and self.by_extension(extension) is not None:
            raise DuplicateUserError(f"extension {extension!r} belongs to another user")
        user = UserRow(
            username=username,
            password_hash=hash_password(password),
            role=role_value,
            extension=extension,
            display_name=display_name,
            language=language,
            active=True,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def authenticate(self, username: str, password: str) -> UserRow | None:
        """The active user with this username and password, else None.

        Takes the same time whether or not the user exists. Records the login time.
        """
        user = self.by_username(username)
        if user is None:
            check_password_hash(_dummy_hash(), password)
            return None
        if not check_password_hash(user.password_hash, password) or not user.active:
            return None
        user.last_login_at = utcnow()
        self.session.flush()
        return user

    def get(self, user_id: int) -> UserRow | None:
        return self.session.get(UserRow, user_id)

    def by_username(self, username: str) -> UserRow | None:
        return self.session.scalars(select(UserRow).where(UserRow.username == username)).first()

    def by_extension(self, extension: str) -> UserRow | None:
        query = select(UserRow).where(UserRow.extension == extension)
        return self.session.scalars(query).first()

    def set_password(self, user: UserRow, password: str) -> None:
        if not password:
            raise ValueError("password must not be empty")
        user.password_hash = hash_password(password)
        self.session.flush()

    def set_active(self, user: UserRow, active: bool) -> None:
        user.active = active
        self.session.flush()

    def list(self, *, include_inactive: bool = True) -> builtins.list[UserRow]:
        """All users by username."""
        query = select(UserRow).order_by(UserRow.username)
        if not include_inactive:
            query = query.where(UserRow.active.is_(True))
        return builtins.list(self.session.scalars(query))


class ApiTokenRepository:
    """API tokens: created for a user, looked up by the token a client presents."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, user: UserRow, name: str = "") -> str:
        """A new token for ``user``; returns the token itself, which is not stored."""
        token = secrets.token_urlsafe(32)
        self.session.add(ApiTokenRow(user_id=user.id, token_hash=hash_token(token), name=name))
        self.session.flush()
        return token

    def user_for_token(self, token: str) -> UserRow | None:
        """The active user owning ``token``, else None. Records when it was used."""
        if not token:
            return None
        query = select(ApiTokenRow).where(ApiTokenRow.token_hash == hash_token(token))
        row = self.session.scalars(query).first()
        if row is None or not row.user.active:
            return None
        # Recorded at most once a minute: a script polling the API must not turn every
        # read into a database write.
        now = utcnow()
        if row.last_used_at is None or now - as_utc(row.last_used_at) >= TOKEN_USE_PRECISION:
            row.last_used_at = now
            self.session.flush()
        return row.user

    def for_user(self, user: UserRow) -> list[ApiTokenRow]:
        query = select(ApiTokenRow).where(ApiTokenRow.user_id == user.id)
        return list(self.session.scalars(query.order_by(ApiTokenRow.id)))

    def revoke(self, token_id: int) -> bool:
        row = self.session.get(ApiTokenRow, token_id)
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        return True
