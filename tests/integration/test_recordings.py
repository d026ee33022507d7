"""Real calls are recorded per leg, transcribed by real Vosk, retried, purged.

One answered call (module fixture) is recorded by the controller and transcribed by the
worker thread of ``callcenter run``; the tests after it run the same job again through
each lane: a worker killed mid-job and retried, Celery on a real Redis, the in-process
worker compared with raw Vosk. One process holds the model at a time.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.engine import open_database
from callcenter.db.models import CallRow
from callcenter.db.recording_models import RecordingRow, TranscriptionJobRow
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.conftest import ASTERISK, CALLCENTER, RunningController
from tests.integration.test_call_log import pstn, register_agent
from tests.phones import PhoneHost
from tests.phones.audio import wav_stats
from tests.speech import conftest as speech

pytestmark = ASTERISK

LEASE_SECONDS = "3"


def ended_call(controller: RunningController, number: str, timeout: float = 20) -> dict[str, Any]:
    """Our call once ended (the sandbox's Asterisk may carry other tests' calls too)."""

    def mine() -> dict[str, Any] | None:
        found = [c for c in controller.calls() if c["caller_number"] == number]
        return found[0] if found and found[0]["ended_at"] else None

    assert until(lambda: mine() is not None, timeout=timeout), controller.log()[-3000:]
    found = mine()
    assert found is not None
    return found


@dataclass
class Recorded:
    controller: RunningController
    sessions: sessionmaker[Session]
    call: dict[str, Any]
    talk_seconds: float
    caller_wav: Path
    agent_wav: Path
    host_root: Path
    env: dict[str, str]

    def rows(self) -> dict[str, RecordingRow]:
        with self.sessions() as session:
            query = select(RecordingRow).where(RecordingRow.call_id == self.call["id"])
            return {r.kind: r for r in session.scalars(query)}

    def job(self) -> TranscriptionJobRow:
        with self.sessions() as session:
            query = select(TranscriptionJobRow).where(
                TranscriptionJobRow.call_id == self.call["id"]
            )
            found = session.scalars(query).one()
            return found

    def call_row(self) -> CallRow:
        with self.sessions() as session:
            row = session.get(CallRow, self.call["id"])
            assert row is not None
            return row

    def requeue(self) -> None:
        """The job as if the call had just ended (to run it again through another lane)."""
        with self.sessions() as session, session.begin():
            session.execute(
                update(TranscriptionJobRow)
                .where(TranscriptionJobRow.call_id == self.call["id"])
                .values(state="queued", attempts=0, worker=None, lease_until=None,
                        reason=None, dispatched_at=None)
            )  # fmt: skip
            session.execute(
                update(CallRow).where(CallRow.id == self.call["id"])
                .values(transcript=None, transcript_segments=None, keyword_flags=None)
            )  # fmt: skip

    def worker(self, *args: str, log: Path, env: dict[str, str] | None = None) -> Any:
        with log.open("ab") as out:
            return subprocess.Popen(
                [str(CALLCENTER), "worker", *args], env={**self.env, **(env or {})},
                stdout=out, stderr=out,
            )  # fmt: skip


@pytest.fixture(scope="module")
def recorded(
    sandbox: Sandbox, info: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Recorded]:
    workdir = tmp_path_factory.mktemp("recordings")
    root = f"/var/spool/asterisk/cctest-{secrets.token_hex(4)}"
    host_root = sandbox.host_path(root)
    env = {"CALLCENTER_RECORDINGS_DIR": root, "CALLCENTER_JOB_LEASE_SECONDS": LEASE_SECONDS}
    controller = RunningController(workdir, env)
    controller.start()
    caller_wav = speech.speak(speech.CALLER_SAYS, workdir / "caller.wav")
    agent_wav = speech.speak(speech.AGENT_SAYS, workdir / "agent.wav")
    try:
        with PhoneHost(log_dir=workdir / "phones") as phones:
            agent = register_agent(phones, info, "1008", answer_delay=0.5)
            call = pstn(phones, info).dial(
                info["direct"]["general"], from_number="13812345678", display_name="录音测试"
            )
            answered = call.wait_confirmed(timeout=20)
            incoming = agent.wait_incoming(timeout=10)
            controller.wait_log(f"recording {host_root}", timeout=10)
            call.play_wav(caller_wav)
            call.wait_playback_done(timeout=20)
            incoming.play_wav(agent_wav)
            incoming.wait_playback_done(timeout=20)
            time.sleep(0.5)
            call.hangup()
            ended = call.wait_disconnected(timeout=10)
        logged = ended_call(controller, "13812345678")
        sessions = open_database(controller.db_url)
        done = Recorded(
            controller, sessions, logged, ended.disconnected_at - answered.confirmed_at,
            caller_wav, agent_wav, host_root, controller.env,
        )  # fmt: skip
        # The worker thread of `callcenter run` transcribes it (the first lane).
        assert until(lambda: done.job().state == "done", timeout=90), (
            f"job {done.job().state}: {done.job().reason}\n{controller.log()[-3000:]}"
        )
        controller.stop()
        yield done
    finally:
        controller.stop()
        shutil.rmtree(host_root, ignore_errors=True)


def test_an_answered_call_is_recorded_per_leg_with_size_duration_and_checksum(
    recorded: Recorded,
) -> None:
    call = recorded.call_row()
    assert call.recording_error is None
    day = call.answered_at
    assert day is not None
    folder = recorded.host_root / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
    assert call.recording == str(folder / f"{call.id}-mix.wav")
    rows = recorded.rows()
    assert set(rows) == {"mix", "caller", "agent"}
    for kind, row in rows.items():
        path = Path(row.path)
        assert path == folder / f"{call.id}-{kind}.wav"
        assert row.size == path.stat().st_size
        assert row.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert row.duration is not None
        # Recording starts a moment after the answer and ends with the caller's hang-up.
        assert recorded.talk_seconds - 1.0 < row.duration <= recorded.talk_seconds + 0.5
        assert wav_stats(path).seconds == pytest.approx(row.duration, abs=0.01)


def test_the_caller_leg_carries_the_caller_and_the_agent_leg_the_agent(
    recorded: Recorded,
) -> None:
    rows = recorded.rows()
    said_by_caller = wav_stats(recorded.caller_wav).active_seconds
    said_by_agent = wav_stats(recorded.agent_wav).active_seconds
    caller_leg = wav_stats(rows["caller"].path)
    agent_leg = wav_stats(rows["agent"].path)
    mix = wav_stats(rows["mix"].path)
    assert caller_leg.active_seconds == pytest.approx(said_by_caller, abs=0.5)
    assert agent_leg.active_seconds == pytest.approx(said_by_agent, abs=0.5)
    assert mix.active_seconds == pytest.approx(said_by_caller + said_by_agent, abs=0.8)


def test_calls_json_shows_the_mixed_file_and_the_transcript(recorded: Recorded) -> None:
    import json

    (printed,) = [
        c for c in json.loads(recorded.controller.calls_cli("--json"))
        if c["id"] == recorded.call["id"]
    ]  # fmt: skip
    assert printed["recording"] == recorded.rows()["mix"].path
    assert printed["recording_error"] is None
    assert printed["transcript"].startswith("caller: ")
    speakers = {s["speaker"] for s in printed["transcript_segments"]}
    assert speakers == {"caller", "agent"}
    job = recorded.job()
    assert (job.state, job.attempts) == ("done", 1)


def test_a_worker_killed_mid_job_leaves_it_to_be_retried_and_done_once(
    recorded: Recorded, tmp_path: Path
) -> None:
    recorded.requeue()
    killed_log = tmp_path / "killed.log"
    victim = recorded.worker(log=killed_log)
    try:
        assert until(lambda: recorded.job().state == "running", timeout=60, interval=0.05), (
            killed_log.read_text()
        )
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
    finally:
        if victim.poll() is None:
            victim.kill()
    stale = recorded.job()
    assert stale.state == "running" and stale.attempts == 1
    assert stale.worker is not None and f":{victim.pid}/" in stale.worker
    # Nobody takes it while the dead worker's lease holds; after it, the next worker does.
    lease_until = stale.lease_until
    assert lease_until is not None
    assert until(lambda: datetime.now(UTC) > lease_until, timeout=float(LEASE_SECONDS) + 2)
    retry_log = tmp_path / "retry.log"
    assert recorded.worker("--once", log=retry_log).wait(timeout=120) == 0
    job = recorded.job()
    assert (job.state, job.attempts, job.reason) == ("done", 2, None)
    assert recorded.call_row().transcript
    assert retry_log.read_text().count(f"transcription job {job.id} (call") == 2  # start, done
    assert ": done," not in killed_log.read_text()


def _redis_up() -> bool:
    return subprocess.run(["redis-cli", "ping"], capture_output=True, text=True).stdout.strip() \
        == "PONG"  # fmt: skip


@pytest.fixture(scope="module")
def redis_url() -> str:
    if not _redis_up():
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port",
             "6379", "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
             "--logfile", "/var/log/redis/ci.log"], check=True,
        )  # fmt: skip
        assert until(_redis_up, timeout=10), "redis-server did not start"
    return "redis://127.0.0.1:6379/0"


def test_the_celery_lane_runs_the_job_through_redis(
    recorded: Recorded, redis_url: str, tmp_path: Path
) -> None:
    recorded.requeue()
    queue = f"transcription-test-{secrets.token_hex(4)}"
    log = tmp_path / "celery.log"
    worker = recorded.worker(
        log=log, env={"CALLCENTER_BROKER_URL": redis_url, "CALLCENTER_BROKER_QUEUE": queue}
    )
    try:
        assert until(lambda: recorded.job().state == "done", timeout=120), log.read_text()[-3000:]
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
    text = log.read_text()
    job = recorded.job()
    assert f"transcription job {job.id} sent to the broker (queue {queue})" in text
    assert "recordings.transcribe" in text and "succeeded" in text
    assert (job.state, job.attempts) == ("done", 1)
    assert job.worker is not None and job.worker.startswith("celery:")


def test_the_stored_transcript_equals_raw_vosk_on_the_recorded_legs(
    recorded: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from callcenter.config import load_settings
    from recordings.model import load_model
    from recordings.redaction import redact
    from recordings.worker import TranscriptionWorker

    recorded.requeue()
    model = load_model()
    settings = load_settings(job_lease_seconds=30)
    worker = TranscriptionWorker(sessions=recorded.sessions, settings=settings, model=lambda: model)
    speech.same_dither()  # the model is loaded already: from here rand() is the job's
    assert worker.run_job(recorded.job().id)
    rows = recorded.rows()
    caller_text, _ = speech.raw_vosk(model, Path(rows["caller"].path))  # reseeds like above
    monkeypatch.setattr(speech, "same_dither", lambda: None)  # the agent's leg follows on
    agent_text, _ = speech.raw_vosk(model, Path(rows["agent"].path))
    assert caller_text and agent_text
    call = recorded.call_row()
    assert call.transcript == redact(f"caller: {caller_text}\nagent: {agent_text}")
    segments = call.transcript_segments or []
    assert " ".join(s["text"] for s in segments if s["speaker"] == "caller") == caller_text
    assert all(s["start"] < s["end"] for s in segments)


def test_purge_removes_files_past_retention_and_marks_the_rows(recorded: Recorded) -> None:
    def purge(days: str) -> str:
        out = subprocess.run(
            [str(CALLCENTER), "recordings", "purge", "--older-than", days],
            env=recorded.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        return out.stdout

    assert purge("1").startswith("removed 0 file(s)")
    paths = [Path(r.path) for r in recorded.rows().values()]
    assert purge("0").startswith("removed ")
    assert not any(p.exists() for p in paths)
    assert all(r.purged_at is not None and r.sha256 for r in recorded.rows().values())
    assert recorded.call_row().recording is None
    assert purge("0").startswith("removed 0 file(s)")


def test_an_unwritable_recordings_root_is_stored_on_the_call_and_the_call_goes_on(
    sandbox: Sandbox, start_controller: Any, phones: PhoneHost, info: dict[str, Any]
) -> None:
    blocked = f"/var/spool/asterisk/cctest-{secrets.token_hex(4)}-a-file"
    host_blocked = sandbox.host_path(blocked)
    host_blocked.write_text("a file where the recordings folder should be\n")
    try:
        controller = start_controller(CALLCENTER_RECORDINGS_DIR=f"{blocked}/recordings")
        register_agent(phones, info, "1009", answer_delay=0.5)
        call = pstn(phones, info).dial(
            info["direct"]["general"], from_number="13900000009", display_name="磁盘"
        )
        answered = call.wait_confirmed(timeout=20)
        controller.wait_log("recording failed", timeout=15)
        assert call.info.state == "CONFIRMED"  # the caller is still talking
        call.hangup()
        ended = call.wait_disconnected(timeout=10)
        logged = ended_call(controller, "13900000009")
    finally:
        host_blocked.unlink()
    import json

    (printed,) = [c for c in json.loads(controller.calls_cli("--json")) if c["id"] == logged["id"]]
    assert printed["disposition"] == "answered"
    assert printed["talk_seconds"] == pytest.approx(
        ended.disconnected_at - answered.confirmed_at, abs=1.0
    )
    assert printed["recording"] is None
    assert str(host_blocked) in printed["recording_error"]
    assert "is a file, not a folder" in printed["recording_error"]
    # Asterisk itself failed to open the file (not only our check of the folder).
    messages = sandbox.host_path(sandbox.asterisk_dirs["astlogdir"]) / "messages.log"
    assert f"Cannot open {blocked}/recordings/" in messages.read_text(errors="replace")
