"""The database: SQLAlchemy models, repositories and Alembic migrations.

Start-up code calls ``open_database(url)`` (checks the schema, returns a session factory)
and works in ``session_scope(factory)`` blocks; ``callcenter db upgrade`` migrates.
"""

from callcenter.db.engine import (
    DatabaseError,
    DatabaseUnreachableError,
    SchemaNotCurrentError,
    display_url,
    make_engine,
    make_session_factory,
    open_database,
    session_scope,
)
from callcenter.db.models import ApiTokenRow, Base, CallRow, Role, UserRow

__all__ = [
    "ApiTokenRow",
    "Base",
    "CallRow",
    "DatabaseError",
    "DatabaseUnreachableError",
    "Role",
    "SchemaNotCurrentError",
    "UserRow",
    "display_url",
    "make_engine",
    "make_session_factory",
    "open_database",
    "session_scope",
]
