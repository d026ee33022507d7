"""Retention: the only code that removes recordings.

``purge`` removes the files of calls recorded before a cut-off and marks their rows
(``purged_at``); the rows, sizes and checksums stay as the record that the call was
recorded. A file already gone is marked too. The call's ``recording`` is cleared with its
mixed file, so the console does not offer a file that is no longer there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.base import utcnow
from callcenter.db.models import CallRow
from callcenter.db.recording_models import RecordingKind, RecordingRow


@dataclass(frozen=True)
class PurgeResult:
    files: int
    bytes: int
    calls: int
    errors: tuple[str, ...]


def purge(
    sessions: sessionmaker[Session],
    *,
    older_than: timedelta,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    cutoff = (now or utcnow()) - older_than
    query = select(RecordingRow).where(
        RecordingRow.purged_at.is_(None),
        RecordingRow.size.is_not(None),  # finished: never a recording still being written
        RecordingRow.created_at < cutoff,
    )
    files = size = 0
    calls: set[int] = set()
    errors: list[str] = []
    with sessions() as session, session.begin():
        for row in session.scalars(query.order_by(RecordingRow.id)):
            path = Path(row.path)
            if dry_run:
                files, size = files + 1, size + (row.size or 0)
                calls.add(row.call_id)
                continue
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                errors.append(f"{path}: {exc.strerror or exc}")
                continue
            files, size = files + 1, size + (row.size or 0)
            calls.add(row.call_id)
            row.purged_at = utcnow()
            if row.kind == RecordingKind.MIX.value:
                call = session.get(CallRow, row.call_id)
                if call is not None and call.recording == row.path:
                    call.recording = None
    return PurgeResult(files, size, len(calls), tuple(errors))
