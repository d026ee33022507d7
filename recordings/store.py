"""The recording rows of a call, written by the controller (blocking; run in a thread)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.call_repository import CallRepository
from callcenter.db.models import CallRow
from callcenter.db.recording_models import RecordingKind, RecordingRow
from recordings import jobs
from recordings.files import (
    HEADER_BYTES,
    free_space,
    inspect_wav,
    wav_closed,
    why_unwritable,
)
from recordings.paths import KINDS

SHORTFALL_SECONDS = 3.0  # recordings start a moment after the answer


@dataclass(frozen=True)
class Finished:
    call_id: int
    error: str | None
    job_id: int | None


class RecordingStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def call_id(self, linkedid: str, *, timeout: float = 10.0) -> int | None:
        """The row id of the call (the controller's call store writes it a moment after
        the call starts; wait for it)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.sessions() as session:
                found = CallRepository(session).by_linkedid(linkedid)
                if found is not None:
                    return found.id
            if time.monotonic() > deadline:
                return None
            time.sleep(0.1)

    def started(self, call_id: int, paths: dict[RecordingKind, Path]) -> None:
        """One row per file, without facts yet (so a restart knows what was recording)."""
        with self.sessions() as session, session.begin():
            query = select(RecordingRow.kind).where(RecordingRow.call_id == call_id)
            have = set(session.scalars(query))
            for kind, path in paths.items():
                if kind.value not in have:
                    session.add(RecordingRow(call_id=call_id, kind=kind.value, path=str(path)))

    def set_error(self, call_id: int, error: str | None) -> None:
        with self.sessions() as session, session.begin():
            row = session.get(CallRow, call_id)
            if row is not None:
                row.recording_error = error

    def unfinished(self) -> dict[str, int]:
        """linkedid -> call id of calls with recordings not yet checked after the call."""
        query = (
            select(CallRow.linkedid, CallRow.id)
            .join(RecordingRow, RecordingRow.call_id == CallRow.id)
            .where(RecordingRow.size.is_(None), RecordingRow.purged_at.is_(None))
            .distinct()
        )
        with self.sessions() as session:
            return {linkedid: call_id for linkedid, call_id in session.execute(query).all()}

    def finish(
        self, call_id: int, *, expected_seconds: float | None = None, close_timeout: float = 10.0
    ) -> Finished:
        """After the call: wait until Asterisk closed the files, store their facts, set the
        call's ``recording`` (the mix) or ``recording_error``, queue the transcription.
        A file much shorter than ``expected_seconds`` (the recorded time) was cut short:
        the error says so, with the free space left."""
        with self.sessions() as session:
            rows = list(
                session.scalars(select(RecordingRow).where(RecordingRow.call_id == call_id))
            )
        paths = {RecordingKind(r.kind): Path(r.path) for r in rows}
        deadline = time.monotonic() + close_timeout
        while time.monotonic() < deadline and not all(
            wav_closed(p) for p in paths.values() if p.exists()
        ):
            time.sleep(0.1)
        facts = {kind: inspect_wav(p) for kind, p in paths.items() if p.exists()}
        missing = [paths[k] for k in KINDS if k in paths and k not in facts]
        error = why_unwritable(missing[0]) if missing else None
        if error is None and expected_seconds is not None:
            for fact in facts.values():
                if fact.duration < expected_seconds - SHORTFALL_SECONDS:
                    error = (
                        f"{fact.path} stopped after {fact.duration:.1f} s of "
                        f"{expected_seconds:.1f} s: {free_space(fact.path.parent)}"
                    )
                    break
        job_id = None
        with self.sessions() as session, session.begin():
            for row in session.scalars(select(RecordingRow).where(RecordingRow.call_id == call_id)):
                found = facts.get(RecordingKind(row.kind))
                if found is not None:
                    row.size, row.duration, row.sha256 = found.size, found.duration, found.sha256
                else:
                    row.size = 0
            call = session.get(CallRow, call_id)
            if call is not None:
                mixed = facts.get(RecordingKind.MIX)
                call.recording = str(mixed.path) if mixed is not None else None
                call.recording_error = error
            legs = [facts.get(RecordingKind.CALLER), facts.get(RecordingKind.AGENT)]
            if all(f is not None and f.size > HEADER_BYTES for f in legs):
                job_id = jobs.enqueue(session, call_id)
        return Finished(call_id, error, job_id)
