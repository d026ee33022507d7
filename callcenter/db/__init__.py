"""The database: SQLAlchemy models, repositories and Alembic migrations.

Start-up code calls ``open_database(url)`` (checks the schema, returns a session factory)
and works in ``session_scope(factory)`` blocks; ``callcenter db upgrade`` migrates.
"""

from callcenter.db import (
    agent_models,  # noqa: F401  (registers the agent tables)
    callback_models,  # noqa: F401  (registers the queue callbacks table)
    notification_models,  # noqa: F401  (notifications, customer audit)
    ticket_models,  # noqa: F401  (registers the ticket tables)
)
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
from callcenter.db.recording_models import RecordingRow, TranscriptionJobRow

__all__ = [
    "ApiTokenRow",
    "Base",
    "CallRow",
    "DatabaseError",
    "DatabaseUnreachableError",
    "RecordingRow",
    "Role",
    "SchemaNotCurrentError",
    "TranscriptionJobRow",
    "UserRow",
    "display_url",
    "make_engine",
    "make_session_factory",
    "open_database",
    "session_scope",
]
