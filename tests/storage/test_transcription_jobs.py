"""Transcription jobs: claimed once with a lease, taken over after it, done exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db.call_repository import CallRepository
from callcenter.db.recording_models import JobState, TranscriptionJobRow
from callcenter.domain.call import Call
from recordings import jobs

LEASE = 30.0


def add_calls(sessions: sessionmaker[Session], count: int) -> list[int]:
    start = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    with sessions() as session, session.begin():
        repo = CallRepository(session)
        return [
            repo.save(Call(f"17000000{i:02d}.1", "13800138000", "王小明", "8000", start))
            for i in range(count)
        ]


def queued_jobs(sessions: sessionmaker[Session], count: int) -> list[int]:
    call_ids = add_calls(sessions, count)
    with sessions() as session, session.begin():
        return [jobs.enqueue(session, call_id) for call_id in call_ids]


def claim(sessions: sessionmaker[Session], worker: str) -> jobs.ClaimedJob | None:
    with sessions() as session, session.begin():
        return jobs.claim(session, worker, lease_seconds=LEASE)


def job(sessions: sessionmaker[Session], job_id: int) -> TranscriptionJobRow:
    with sessions() as session:
        row = session.get(TranscriptionJobRow, job_id)
        assert row is not None
        return row


def expire_lease(sessions: sessionmaker[Session], job_id: int) -> None:
    with sessions() as session, session.begin():
        past = datetime.now(UTC) - timedelta(seconds=1)
        session.execute(
            update(TranscriptionJobRow).where(TranscriptionJobRow.id == job_id)
            .values(lease_until=past)
        )  # fmt: skip


def test_enqueue_is_one_job_per_call(sessions: sessionmaker[Session]) -> None:
    (call_id,) = add_calls(sessions, 1)
    with sessions() as session, session.begin():
        first = jobs.enqueue(session, call_id)
        assert jobs.enqueue(session, call_id) == first


def test_a_claimed_job_is_running_with_a_lease_and_not_claimed_again(
    sessions: sessionmaker[Session],
) -> None:
    (job_id,) = queued_jobs(sessions, 1)
    claimed = claim(sessions, "w1")
    assert claimed is not None and claimed.id == job_id and claimed.attempts == 1
    row = job(sessions, job_id)
    assert row.state == "running" and row.worker == claimed.token
    assert row.lease_until is not None and row.lease_until > datetime.now(UTC)
    assert claim(sessions, "w2") is None


def test_concurrent_workers_claim_each_job_exactly_once(sessions: sessionmaker[Session]) -> None:
    job_ids = queued_jobs(sessions, 12)
    claimed: list[int] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while (got := claim(sessions, name)) is not None:
            with lock:
                claimed.append(got.id)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed) == sorted(job_ids)


def test_a_dead_workers_job_is_taken_over_after_its_lease_and_done_once(
    sessions: sessionmaker[Session],
) -> None:
    (job_id,) = queued_jobs(sessions, 1)
    dead = claim(sessions, "dead")
    assert dead is not None
    assert claim(sessions, "second") is None  # the lease still holds
    expire_lease(sessions, job_id)
    second = claim(sessions, "second")
    assert second is not None and second.id == job_id and second.attempts == 2
    with pytest.raises(jobs.LeaseLostError), sessions() as session, session.begin():
        jobs.mark_done(session, dead)  # the first worker woke up: its result is refused
    with pytest.raises(jobs.LeaseLostError), sessions() as session, session.begin():
        jobs.renew(session, dead, lease_seconds=LEASE)
    with sessions() as session, session.begin():
        jobs.mark_done(session, second)
    row = job(sessions, job_id)
    assert (row.state, row.attempts, row.lease_until) == ("done", 2, None)
    expire_lease(sessions, job_id)
    assert claim(sessions, "third") is None  # done is final


def test_failures_store_the_reason_and_retry_until_attempts_run_out(
    sessions: sessionmaker[Session],
) -> None:
    retried, broken = queued_jobs(sessions, 2)
    first = claim(sessions, "w")
    assert first is not None and first.id == retried
    with sessions() as session, session.begin():
        state = jobs.mark_failed(session, first, "database hiccup", retry=True, max_attempts=2)
    assert state == "queued" and job(sessions, retried).reason == "database hiccup"
    again = claim(sessions, "w")
    assert again is not None and again.id == retried and again.attempts == 2
    with sessions() as session, session.begin():
        jobs.mark_failed(session, again, "database hiccup", retry=True, max_attempts=2)
    row = job(sessions, retried)
    assert row.state == "failed" and row.reason == "gave up after 2 attempts: database hiccup"

    corrupt = claim(sessions, "w")
    assert corrupt is not None and corrupt.id == broken
    with sessions() as session, session.begin():
        jobs.mark_failed(session, corrupt, "x.wav: not a readable WAV file", retry=False,
                         max_attempts=3)  # fmt: skip
    assert job(sessions, broken).state == JobState.FAILED.value


def test_a_job_whose_worker_died_every_time_fails(sessions: sessionmaker[Session]) -> None:
    (job_id,) = queued_jobs(sessions, 1)
    for _ in range(2):
        assert claim(sessions, "dies") is not None
        expire_lease(sessions, job_id)
    with sessions() as session, session.begin():
        assert jobs.give_up_exhausted(session, max_attempts=2) == 1
    row = job(sessions, job_id)
    assert row.state == "failed" and "2 attempts" in (row.reason or "")


def test_dispatch_sends_each_claimable_job_once_per_interval(
    sessions: sessionmaker[Session],
) -> None:
    job_ids = queued_jobs(sessions, 3)
    with sessions() as session, session.begin():
        assert jobs.due_for_dispatch(session, every_seconds=60) == job_ids
    with sessions() as session, session.begin():
        assert jobs.due_for_dispatch(session, every_seconds=60) == []
    with sessions() as session, session.begin():
        assert jobs.due_for_dispatch(session, every_seconds=0) == job_ids
