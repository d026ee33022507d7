"""The in-process lane: claim a job, transcribe both legs, store the result, repeat.

One model per process (loaded before the first claim, so the lease is spent on work, not
on loading). While a job runs, a heartbeat thread renews the lease every third of it; the
result is written in one transaction with the job's ``done``, which only succeeds while
this claim still owns the job (see :mod:`recordings.jobs`).

The same :meth:`TranscriptionWorker.process` runs Celery tasks (:mod:`recordings.celery_lane`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.call_repository import CallRepository
from callcenter.db.recording_models import RecordingKind, RecordingRow
from callcenter.ticketing.call_intake import add_transcript_note
from recordings import hooks, jobs
from recordings.audio import TranscriptionError
from recordings.model import LoadedModel
from recordings.results import stored_transcript
from recordings.transcriber import transcribe_legs

if TYPE_CHECKING:
    from callcenter.config import Settings

log = logging.getLogger(__name__)


class JobInputError(Exception):
    """The job cannot run with what is stored (no legs recorded, files purged)."""


class TranscriptionWorker:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        settings: Settings,
        model: Callable[[], LoadedModel],
        name: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self._model = model
        self.name = name or jobs.worker_name()
        self.lease = settings.job_lease_seconds

    # -- lanes ----------------------------------------------------------------------------

    def run_once(self) -> int:
        """Run every job claimable now; returns how many were claimed. The model is
        loaded when there is a job, before the claim (the lease is for the work)."""
        count = 0
        while True:
            with self.sessions() as session:
                if not jobs.any_claimable(session):
                    return count
            self._model()
            job = self.claim()
            if job is None:
                return count
            count += 1
            self.process(job)

    def run_forever(self, stop: threading.Event, *, poll_seconds: float = 2.0) -> None:
        """Until ``stop`` is set: run jobs, sleep ``poll_seconds`` when there are none.
        The database being away is logged and waited out."""
        while not stop.is_set():
            try:
                if self.run_once() == 0:
                    stop.wait(poll_seconds)
            except SQLAlchemyError as exc:
                log.error("transcription worker: database unavailable (%s); retrying", exc)
                stop.wait(poll_seconds)

    def run_job(self, job_id: int) -> bool:
        """Run job ``job_id`` if it is claimable (a Celery task); False if it was not."""
        job = self.claim(job_id)
        if job is None:
            log.info("transcription job %d: not claimable (done, or another worker has it)",
                     job_id)  # fmt: skip
            return False
        self._model()
        self.process(job)
        return True

    # -- one job --------------------------------------------------------------------------

    def claim(self, job_id: int | None = None) -> jobs.ClaimedJob | None:
        with self.sessions() as session, session.begin():
            jobs.give_up_exhausted(session, max_attempts=self.settings.job_max_attempts)
        with self.sessions() as session, session.begin():
            return jobs.claim(session, self.name, lease_seconds=self.lease, job_id=job_id)

    def process(self, job: jobs.ClaimedJob) -> None:
        log.info("transcription job %d (call %d): attempt %d by %s",
                 job.id, job.call_id, job.attempts, job.token)  # fmt: skip
        stop = threading.Event()
        heartbeat = threading.Thread(
            target=self._heartbeat, args=(job, stop), name=f"lease-{job.id}", daemon=True
        )
        heartbeat.start()
        try:
            self._transcribe(job)
        except jobs.LeaseLostError as exc:
            log.warning("%s; result discarded", exc)
        except (TranscriptionError, JobInputError) as exc:
            self._fail(job, str(exc), retry=False)
        except Exception as exc:
            log.exception("transcription job %d failed", job.id)
            self._fail(job, f"{type(exc).__name__}: {exc}", retry=True)
        finally:
            stop.set()
            heartbeat.join()

    def _legs(self, call_id: int) -> tuple[Path, Path]:
        with self.sessions() as session:
            query = select(RecordingRow).where(RecordingRow.call_id == call_id)
            rows = {r.kind: r for r in session.scalars(query)}
        legs = []
        for kind in (RecordingKind.CALLER, RecordingKind.AGENT):
            row = rows.get(kind.value)
            if row is None:
                raise JobInputError(f"call {call_id} has no {kind.value} recording")
            if row.purged_at is not None:
                raise JobInputError(f"{row.path} was purged by retention")
            legs.append(Path(row.path))
        return legs[0], legs[1]

    def _transcribe(self, job: jobs.ClaimedJob) -> None:
        caller, agent = self._legs(job.call_id)
        transcript = transcribe_legs(caller, agent, model=self._model())
        result = stored_transcript(
            transcript,
            keywords=list(self.settings.flag_keywords),
            language=self.settings.redaction_labels,
        )
        with self.sessions() as session, session.begin():
            jobs.mark_done(session, job)  # first: raises (and rolls back) unless still ours
            row = CallRepository(session).set_transcript(job.call_id, result.text)
            if row is None:
                raise JobInputError(f"call {job.call_id} no longer exists")
            row.transcript_segments = result.segments
            row.keyword_flags = result.flags
            # In the same transaction: the ticket's note exists exactly when the transcript does.
            notes = add_transcript_note(session, job.call_id, result.text)
        log.info("transcription job %d (call %d): done, %d segments, %d flags, %d ticket note(s)",
                 job.id, job.call_id, len(result.segments), len(result.flags),
                 len(notes))  # fmt: skip
        hooks.on_transcript(job.call_id, result.text)

    def _fail(self, job: jobs.ClaimedJob, reason: str, *, retry: bool) -> None:
        try:
            with self.sessions() as session, session.begin():
                state = jobs.mark_failed(
                    session, job, reason, retry=retry,
                    max_attempts=self.settings.job_max_attempts,
                )  # fmt: skip
        except jobs.LeaseLostError as exc:
            log.warning("%s; failure not recorded", exc)
            return
        log.error("transcription job %d (call %d): %s -> %s", job.id, job.call_id, reason, state)

    def _heartbeat(self, job: jobs.ClaimedJob, stop: threading.Event) -> None:
        while not stop.wait(self.lease / 3):
            try:
                with self.sessions() as session, session.begin():
                    jobs.renew(session, job, lease_seconds=self.lease)
            except jobs.LeaseLostError as exc:
                log.warning("%s while still working", exc)
                return
            except SQLAlchemyError as exc:
                log.warning("transcription job %d: lease not renewed: %s", job.id, exc)
