"""/metrics shows the transcription job queue: how many wait, run and failed."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from callcenter.db.engine import session_scope
from callcenter.db.recording_models import TranscriptionJobRow
from recordings.jobs import enqueue
from tests.web.conftest import Data
from web.database import EXTENSION_KEY


def test_metrics_show_the_transcription_backlog(
    app: Flask, data: Data, client: FlaskClient
) -> None:
    data.user("prom", "supervisor")
    token = data.token("prom")
    calls = [data.call() for _ in range(4)]
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        for call_id in calls:
            enqueue(session, call_id)
        session.flush()
        jobs = session.query(TranscriptionJobRow).order_by(TranscriptionJobRow.id).all()
        jobs[0].state, jobs[1].state, jobs[2].state = "running", "failed", "done"
    text = client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).text
    assert "# TYPE callcenter_transcription_jobs gauge" in text
    assert 'callcenter_transcription_jobs{state="pending"} 1' in text
    assert 'callcenter_transcription_jobs{state="running"} 1' in text
    assert 'callcenter_transcription_jobs{state="failed"} 1' in text
