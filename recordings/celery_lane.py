"""The Celery lane: with ``broker_url`` set, transcription jobs run as Celery tasks.

The database row stays the truth (see :mod:`recordings.jobs`): a dispatcher sends each
claimable job's id to the broker and notes when (``dispatched_at``); the task claims the
job with a lease like any worker and runs it in the same code as the in-process lane.
A message the broker loses is sent again after a while; a duplicate finds the job done
or claimed and does nothing. Workers use the solo pool: one model per process.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

from celery import Celery
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from recordings import jobs

if TYPE_CHECKING:
    from callcenter.config import Settings
    from recordings.worker import TranscriptionWorker

log = logging.getLogger(__name__)
TASK = "recordings.transcribe"


def make_app(settings: Settings) -> Celery:
    app = Celery("callcenter", broker=settings.broker_url)
    app.conf.update(
        task_default_queue=settings.broker_queue,
        task_acks_late=True,  # a worker killed mid-task leaves the message to redeliver
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK, ignore_result=True)(_transcribe_task)
    return app


@cache
def _process_worker() -> TranscriptionWorker:
    """The worker of this Celery process: settings, database and model, once."""
    from callcenter.config import load_settings
    from callcenter.db.engine import open_database
    from recordings.model import load_model_from_settings
    from recordings.worker import TranscriptionWorker

    settings = load_settings()
    return TranscriptionWorker(
        sessions=open_database(settings.effective_database_url),
        settings=settings,
        model=lambda: load_model_from_settings(settings),
        name=f"celery:{jobs.worker_name()}",
    )


def _transcribe_task(job_id: int) -> bool:
    return _process_worker().run_job(job_id)


def dispatch_forever(
    app: Celery,
    sessions: sessionmaker[Session],
    stop: threading.Event,
    *,
    queue: str,
    resend_seconds: float,
    poll_seconds: float = 2.0,
) -> None:
    """Send claimable jobs to the broker until ``stop`` is set."""
    while not stop.is_set():
        try:
            with sessions() as session, session.begin():
                due = jobs.due_for_dispatch(session, every_seconds=resend_seconds)
        except SQLAlchemyError as exc:
            log.error("dispatcher: database unavailable (%s); retrying", exc)
            due = []
        for job_id in due:
            try:
                app.send_task(TASK, args=[job_id], queue=queue)
                log.info("transcription job %d sent to the broker (queue %s)", job_id, queue)
            except Exception as exc:  # kombu's errors vary by transport; the row is resent
                log.error("transcription job %d not sent (%s); resent in %.0f s",
                          job_id, exc, resend_seconds)  # fmt: skip
        stop.wait(poll_seconds)


def start_dispatcher(settings: Settings, sessions: sessionmaker[Session]) -> threading.Event:
    """The dispatcher in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    app = make_app(settings)
    thread = threading.Thread(
        target=dispatch_forever,
        args=(app, sessions, stop),
        kwargs={"queue": settings.broker_queue, "resend_seconds": 2 * settings.job_lease_seconds},
        name="celery-dispatch",
        daemon=True,
    )
    thread.start()
    return stop


def run_celery_worker(settings: Settings, *extra: Any) -> None:
    """A Celery worker (solo pool: one job and one model at a time) in this process."""
    app = make_app(settings)
    app.worker_main(
        ["worker", "--pool=solo", "--concurrency=1", "-Q", settings.broker_queue,
         "--loglevel=INFO", "--without-gossip", "--without-mingle", *map(str, extra)]
    )  # fmt: skip
