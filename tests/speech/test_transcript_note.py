"""A finished transcription lands on the call and, in the same transaction, as a note on
the call's ticket: the agent reads what was said where the work is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callcenter.config import load_settings
from callcenter.db.call_repository import CallRepository
from callcenter.db.engine import open_database
from callcenter.db.migrate import upgrade
from callcenter.db.recording_models import RecordingKind
from callcenter.domain.call import Call, Disposition
from callcenter.ticketing.call_intake import ticket_from_call
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.rules import DeskRules
from recordings import jobs
from recordings.model import LoadedModel
from recordings.store import RecordingStore
from recordings.worker import TranscriptionWorker

pytestmark = pytest.mark.vosk


def test_the_transcript_becomes_a_note_on_the_calls_ticket(
    tmp_path: Path, model: LoadedModel, caller_wav: Path, agent_wav: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    upgrade(url)
    sessions = open_database(url)
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    call = Call(
        linkedid="1795.1",
        caller_number="13800138000",
        caller_name="王小明",
        dialed="8000",
        started_at=start,
        answered_at=start + timedelta(seconds=5),
        ended_at=start + timedelta(seconds=30),
        queue="general",
        agent="1001",
        disposition=Disposition.ANSWERED,
    )
    with sessions() as session, session.begin():
        call_id = CallRepository(session).save(call)
    RecordingStore(sessions).started(
        call_id, {RecordingKind.CALLER: caller_wav, RecordingKind.AGENT: agent_wav}
    )
    with sessions() as session, session.begin():
        ticket = ticket_from_call(
            session, DeskRules(), call_id, by="1001", description="空调不制冷", category="repair"
        )
        ticket_id = ticket.id
        jobs.enqueue(session, call_id)

    settings = load_settings(database_url=url)
    worker = TranscriptionWorker(sessions=sessions, settings=settings, model=lambda: model)
    assert worker.run_once() == 1

    with sessions() as session:
        stored = CallRepository(session).get(call_id)
        notes = TicketRepository(session).notes(ticket_id)
    assert stored is not None and stored.transcript
    transcript_notes = [n for n in notes if n.kind == "transcript"]
    assert [n.body for n in transcript_notes] == [stored.transcript]
    assert transcript_notes[0].call_id == call_id
