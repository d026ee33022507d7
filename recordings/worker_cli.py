"""``callcenter worker`` and ``callcenter recordings purge``.

``worker`` runs transcription jobs in this process; with ``broker_url`` set
(``CALLCENTER_BROKER_URL``) it sends them to Celery and runs a Celery worker instead.
``start_background_worker`` is what ``callcenter run`` uses: the same, in a thread.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from callcenter.config import Settings
    from recordings.worker import TranscriptionWorker

log = logging.getLogger(__name__)


def _settings() -> Settings:
    from callcenter.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _sessions(settings: Settings) -> sessionmaker[Session]:
    from callcenter.db.engine import DatabaseError, open_database

    try:
        return open_database(settings.effective_database_url)
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc


def in_process_worker(settings: Settings, sessions: sessionmaker[Session]) -> TranscriptionWorker:
    from recordings.model import load_model_from_settings
    from recordings.worker import TranscriptionWorker

    return TranscriptionWorker(
        sessions=sessions, settings=settings, model=lambda: load_model_from_settings(settings)
    )


def start_background_worker(settings: Settings, sessions: sessionmaker[Session]) -> threading.Event:
    """For ``callcenter run``: the Celery dispatcher (broker set) or the in-process worker,
    in a daemon thread. Set the returned event to stop after the current job; a job cut
    off by the process ending is taken up again when its lease runs out."""
    if settings.broker_url:
        from recordings.celery_lane import start_dispatcher

        return start_dispatcher(settings, sessions)
    stop = threading.Event()
    worker = in_process_worker(settings, sessions)
    threading.Thread(
        target=worker.run_forever, args=(stop,), name="transcription", daemon=True
    ).start()
    return stop


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs claimable now, then exit.")
def worker_command(once: bool) -> None:
    """Run transcription jobs (in this process, or on Celery with CALLCENTER_BROKER_URL)."""
    settings = _settings()
    sessions = _sessions(settings)
    if settings.broker_url and not once:
        from recordings.celery_lane import run_celery_worker, start_dispatcher

        start_dispatcher(settings, sessions)
        click.echo(f"worker: Celery lane, queue {settings.broker_queue}", err=True)
        run_celery_worker(settings)
        return
    worker = in_process_worker(settings, sessions)
    if once:
        count = worker.run_once()
        click.echo(f"worker: {count} job(s) run", err=True)
        return
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"worker: in-process lane as {worker.name}", err=True)
    worker.run_forever(stop)


@click.group("recordings")
def recordings_group() -> None:
    """Call recordings: retention."""


@recordings_group.command("purge")
@click.option(
    "--older-than", "days", type=click.IntRange(min=0), default=None, metavar="DAYS",
    help="Remove recordings older than DAYS (default: recordings_retention_days).",
)  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
def purge_command(days: int | None, dry_run: bool) -> None:
    """Remove recording files past retention and mark their rows as purged."""
    from recordings.retention import purge

    settings = _settings()
    days = settings.recordings_retention_days if days is None else days
    result = purge(_sessions(settings), older_than=timedelta(days=days), dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    click.echo(
        f"{verb} {result.files} file(s), {result.bytes / 1e6:.1f} MB, of {result.calls} call(s) "
        f"recorded more than {days} day(s) ago"
    )
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if result.errors:
        raise click.ClickException(f"{len(result.errors)} file(s) could not be removed")
