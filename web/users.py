"""The person using the console, as Flask-Login and the templates see them.

``ConsoleUser`` is a plain value copied from the ``UserRow`` so that nothing outside a
request's database session touches the ORM object after the session has closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import LoginManager

from callcenter.db.models import UserRow
from callcenter.db.user_repository import UserRepository
from web.database import db_session


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    id: int
    username: str
    role: str  # agent | supervisor | admin (callcenter.db.models.Role)
    display_name: str = ""
    extension: str | None = None
    active: bool = True

    # The four members Flask-Login asks for.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @classmethod
    def from_row(cls, row: UserRow) -> ConsoleUser:
        return cls(
            id=row.id,
            username=row.username,
            role=row.role,
            display_name=row.display_name or "",
            extension=row.extension,
            active=row.active,
        )


def load_user(user_id: str) -> ConsoleUser | None:
    """Flask-Login's user loader: the logged-in user, re-read on every request, so that a
    deactivated account or a changed role takes effect at once."""
    try:
        row = UserRepository(db_session()).get(int(user_id))
    except ValueError:
        return None
    if row is None or not row.active:
        return None
    return ConsoleUser.from_row(row)


def init_users(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
