"""``callcenter run``: the controller on the event loop, the console beside it in a thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from functools import partial

import click

from callcenter.config import Settings
from callcenter.controller.ami_endpoint import ami_endpoint
from callcenter.controller.call_store import CallStore
from callcenter.controller.feature_set import build_features
from callcenter.controller.service import Controller
from callcenter.db.engine import DatabaseError, open_database

log = logging.getLogger(__name__)


def build_controller(settings: Settings) -> Controller:
    from callcenter.ami.client import AmiClient

    try:
        sessions = open_database(settings.effective_database_url)
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    endpoint = ami_endpoint(settings)
    factory = partial(
        AmiClient,
        endpoint.host,
        endpoint.port,
        endpoint.username,
        endpoint.secret,
        action_timeout=settings.ami_timeout,
    )
    queue_names = {ast: desk for desk, ast in settings.asterisk_queues.items()}
    return Controller(
        client_factory=factory,
        store=CallStore(sessions),
        queue_names=queue_names,
        features=build_features(settings, sessions),
    )


def _start_console(settings: Settings, controller: Controller) -> threading.Thread:
    from callcenter.live.controller_link import LiveLink
    from callcenter.live.notifier import LiveNotifier
    from web import create_app
    from web.live import DEFAULT_MAX_STREAMS
    from web.serve import DEFAULT_THREADS, serve

    live = LiveLink(LiveNotifier())
    live.attach(controller)  # every changed call -> the console's live board
    for feature in controller.features:  # escalation alerts -> supervisors' pages
        use_notifier = getattr(feature, "use_notifier", None)
        if use_notifier is not None:
            use_notifier(live.notifier.publish)
    app = create_app(settings, live=live)
    thread = threading.Thread(
        target=serve,
        args=(app, settings.web_host, settings.web_port),
        # Each open live stream (web.live) holds a waitress thread: room for them on top.
        kwargs={"threads": DEFAULT_THREADS + DEFAULT_MAX_STREAMS},
        daemon=True,
        name="console",
    )
    thread.start()
    click.echo(f"console: http://{settings.web_host}:{settings.web_port}/", err=True)
    return thread


async def _main(controller: Controller) -> None:
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    task = asyncio.create_task(controller.run())
    waiter = asyncio.create_task(stopping.wait())
    done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()  # a crash of the controller surfaces here
    log.info("stopping: clearing the heartbeat and storing pending calls")
    await controller.stop()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def run(settings: Settings, *, console: bool = True) -> None:
    controller = build_controller(settings)
    if console:
        _start_console(settings, controller)
    if settings.run_worker:  # transcription jobs (recordings/worker_cli.py), in a thread
        from recordings.worker_cli import start_background_worker

        worker = start_background_worker(settings, open_database(settings.effective_database_url))
    asyncio.run(_main(controller))
    if settings.run_worker:
        worker.set()
