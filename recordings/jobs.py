"""Durable transcription jobs: enqueue, claim with a lease, renew, finish.

The ``transcription_jobs`` row is the truth, whichever lane runs the job (a worker thread,
``callcenter worker`` or Celery). A worker claims a job with one atomic UPDATE:

    UPDATE transcription_jobs SET state='running', worker=<token>, lease_until=now+lease,
           attempts=attempts+1
     WHERE id = (SELECT id ... WHERE <claimable> ORDER BY id LIMIT 1 [FOR UPDATE SKIP LOCKED])
       AND <claimable>
    RETURNING id, call_id, attempts

where ``<claimable>`` is ``state='queued' OR (state='running' AND lease_until < now)``:
a job whose worker died (SIGKILL, power loss) is claimed again once its lease ran out,
never lost. SQLite runs each UPDATE under its write lock; PostgreSQL skips rows another
claimer holds and re-checks ``<claimable>`` on the row it locked. Each claim has its own
token, and every later write (renew, done, failed) requires ``worker = token`` and
``state = 'running'`` in the same UPDATE, so a worker that lost its lease cannot write a
result over the one that took over: a job is done once.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from callcenter.db.base import utcnow
from callcenter.db.recording_models import JobState, TranscriptionJobRow

Job = TranscriptionJobRow


class LeaseLostError(Exception):
    """Another worker took the job over (our lease ran out): our result is not written."""


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    call_id: int
    attempts: int
    token: str  # this claim's owner token (``worker`` column)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def new_token(worker: str) -> str:
    return f"{worker}/{secrets.token_hex(4)}"


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        Job.state == JobState.QUEUED.value,
        and_(Job.state == JobState.RUNNING.value, Job.lease_until < now),
    )


def enqueue(session: Session, call_id: int) -> int:
    """The call's job, created queued if it has none; returns its id."""
    existing = session.scalars(select(Job).where(Job.call_id == call_id)).first()
    if existing is not None:
        return existing.id
    job = Job(call_id=call_id, state=JobState.QUEUED.value, attempts=0)
    session.add(job)
    session.flush()
    return job.id


def claim(
    session: Session, worker: str, *, lease_seconds: float, job_id: int | None = None
) -> ClaimedJob | None:
    """Claim the oldest claimable job (or job ``job_id`` if it is claimable). The caller
    commits at once, so the lease is visible to other workers."""
    now = utcnow()
    pick = select(Job.id).where(_claimable(now))
    if job_id is not None:
        pick = pick.where(Job.id == job_id)
    pick = pick.order_by(Job.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    token = new_token(worker)
    statement = (
        update(Job)
        .where(Job.id == pick.scalar_subquery(), _claimable(now))
        .values(
            state=JobState.RUNNING.value,
            worker=token,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=Job.attempts + 1,
            updated_at=now,
        )
        .returning(Job.id, Job.call_id, Job.attempts)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(statement).first()
    if row is None:
        return None
    return ClaimedJob(id=row[0], call_id=row[1], attempts=row[2], token=token)


def any_claimable(session: Session) -> bool:
    query = select(Job.id).where(_claimable(utcnow())).limit(1)
    return session.scalars(query).first() is not None


def _owned(job: ClaimedJob) -> ColumnElement[bool]:
    return and_(
        Job.id == job.id, Job.worker == job.token, Job.state == JobState.RUNNING.value
    )


def _write(session: Session, job: ClaimedJob, **values: object) -> None:
    statement = (
        update(Job)
        .where(_owned(job))
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:  # type: ignore[attr-defined]
        raise LeaseLostError(f"transcription job {job.id}: another worker took it over")


def renew(session: Session, job: ClaimedJob, *, lease_seconds: float) -> None:
    """Extend the lease while working; LeaseLostError if the job is no longer ours."""
    _write(session, job, lease_until=utcnow() + timedelta(seconds=lease_seconds))


def mark_done(session: Session, job: ClaimedJob) -> None:
    """Within the transaction that stores the result: LeaseLostError rolls it all back."""
    _write(session, job, state=JobState.DONE.value, lease_until=None, reason=None)


def mark_failed(
    session: Session, job: ClaimedJob, reason: str, *, retry: bool, max_attempts: int
) -> str:
    """Store why; queue it again if ``retry`` and attempts remain. Returns the new state."""
    state = JobState.QUEUED if retry and job.attempts < max_attempts else JobState.FAILED
    if state is JobState.FAILED and retry:
        reason = f"gave up after {job.attempts} attempts: {reason}"
    _write(session, job, state=state.value, reason=reason, lease_until=None)
    return state.value


def give_up_exhausted(session: Session, *, max_attempts: int) -> int:
    """Fail jobs whose worker died on each of their ``max_attempts`` attempts."""
    now = utcnow()
    statement = (
        update(Job)
        .where(
            Job.state == JobState.RUNNING.value,
            Job.lease_until < now,
            Job.attempts >= max_attempts,
        )
        .values(
            state=JobState.FAILED.value,
            reason=f"worker stopped during each of {max_attempts} attempts",
            lease_until=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def due_for_dispatch(session: Session, *, every_seconds: float, limit: int = 100) -> list[int]:
    """Claimable jobs not sent to the broker in the last ``every_seconds``; marks them sent.
    A lost broker message is thus sent again later; a duplicate finds the job claimed."""
    now = utcnow()
    since = now - timedelta(seconds=every_seconds)
    recent = or_(Job.dispatched_at.is_(None), Job.dispatched_at < since)
    ids = list(
        session.scalars(
            select(Job.id).where(_claimable(now), recent).order_by(Job.id).limit(limit)
        )
    )
    sent: list[int] = []
    for job_id in ids:
        mark = (
            update(Job)
            .where(Job.id == job_id, recent)
            .values(dispatched_at=now)
            .execution_options(synchronize_session=False)
        )
        if session.execute(mark).rowcount == 1:  # type: ignore[attr-defined]
            sent.append(job_id)
    return sent


def backlog(session: Session) -> dict[str, int]:
    """How many jobs wait (``pending``: queued), run, and failed for good (for /metrics)."""
    counts = dict.fromkeys(("pending", "running", "failed"), 0)
    names = {
        JobState.QUEUED.value: "pending",
        JobState.RUNNING.value: "running",
        JobState.FAILED.value: "failed",
    }
    query = select(Job.state, func.count()).group_by(Job.state)
    for state, count in session.execute(query):
        if state in names:
            counts[names[state]] = int(count)
    return counts
