"""Which audio file is a call's recording on this host, and who may hear it.

The file comes from the database only (the recordings table's ``mix`` file, else the call's
``recording`` column), never from anything in the request. Agents may hear only the calls
they answered; supervisors and admins all calls.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.db.models import CallRow
from web.users import ConsoleUser

AUDIO_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".opus": "audio/ogg"}


def may_hear(user: ConsoleUser, call: CallRow) -> bool:
    if user.has_role("supervisor", "admin"):
        return True
    return bool(user.extension) and call.agent == user.extension


def recording_file(session: Session, call: CallRow) -> Path | None:
    """The call's playable recording on this host, or None (none made, purged, missing)."""
    candidates: list[str] = []
    try:
        from callcenter.db.recording_models import RecordingKind, RecordingRow
    except ImportError:  # the recordings feature is not installed
        pass
    else:
        query = select(RecordingRow.path).where(
            RecordingRow.call_id == call.id,
            RecordingRow.kind == RecordingKind.MIX.value,
            RecordingRow.purged_at.is_(None),
        )
        candidates.extend(session.scalars(query))
    if call.recording:
        candidates.append(call.recording)
    for candidate in candidates:
        path = Path(candidate)
        if path.suffix.lower() in AUDIO_TYPES and path.is_file():
            return path
    return None
