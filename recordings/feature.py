"""The controller's recording feature: MixMonitor on every answered call.

When the reducer marks a call answered, MixMonitor starts on the caller's channel (the
call's first channel, whose uniqueid is the linkedid) with the mix plus one file per leg:
``r()`` is what the caller's channel receives from the caller, ``t()`` what it sends to
the caller (the agent). The recording lives on the caller's channel, so transfers between
agents keep recording into the same files. When the caller's channel hangs up the files
are checked and stored (size, duration, SHA-256) and a transcription job is queued.

Asterisk accepts the action before it opens the files and only logs a failure, so the
feature looks for the mix file shortly after the start: a call whose recording cannot be
written goes on, and the reason (naming the path) is stored in ``recording_error``.
Database and file work runs on one thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from callcenter.ami import actions
from callcenter.ami.client import AmiClient
from callcenter.ami.errors import AmiError
from callcenter.ami.events import ChannelEvent, Event
from callcenter.db.recording_models import RecordingKind
from callcenter.domain.call import Call
from recordings.files import why_unwritable
from recordings.paths import CallFiles, RecordingLayout, layout_from_settings
from recordings.store import RecordingStore

if TYPE_CHECKING:
    from collections.abc import Callable

    from callcenter.config import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class _Recording:
    linkedid: str
    started_at: datetime
    call_id: int | None = None
    files: CallFiles | None = None
    start: asyncio.Task[None] | None = field(default=None, repr=False)


class RecordingFeature:
    name = "recordings"

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        layout: RecordingLayout,
        check_after: float = 2.0,
    ) -> None:
        self.store = RecordingStore(sessions)
        self.layout = layout
        self.check_after = check_after
        self._channels: dict[str, str] = {}  # caller's uniqueid (= linkedid) -> channel name
        self._active: dict[str, _Recording] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recordings")

    @classmethod
    def from_settings(
        cls, settings: Settings, sessions: sessionmaker[Session]
    ) -> RecordingFeature:
        return cls(sessions=sessions, layout=layout_from_settings(settings))

    # -- Feature protocol -------------------------------------------------------------

    async def on_connect(self, ami: AmiClient) -> None:
        """Learn the live callers' channels; finish recordings of calls that ended while
        the link (or the controller) was down, adopt those still going."""
        channels = await ami.collect(actions.core_show_channels())
        live: set[str] = set()
        for message in channels:
            uniqueid, linkedid = message.get("Uniqueid") or "", message.get("Linkedid") or ""
            live.add(linkedid)
            if uniqueid and uniqueid == linkedid:
                self._channels[uniqueid] = message.get("Channel") or ""
        unfinished = await self._run(self.store.unfinished)
        for linkedid, call_id in unfinished.items():
            if linkedid in live:
                self._active.setdefault(
                    linkedid, _Recording(linkedid, datetime.now(UTC), call_id=call_id)
                )
            else:
                recording = self._active.pop(linkedid, None) or _Recording(
                    linkedid, datetime.now(UTC), call_id=call_id
                )
                self._spawn(self._finish(recording, None))

    async def on_event(self, event: Event, calls: Sequence[Call], ami: AmiClient) -> None:
        if isinstance(event, ChannelEvent) and event.chan.uniqueid == event.chan.linkedid:
            self._channels[event.chan.uniqueid] = event.chan.channel
        for call in calls:
            linkedid = call.linkedid
            if call.ended_at is not None:
                self._channels.pop(linkedid, None)
                recording = self._active.pop(linkedid, None)
                if recording is not None:
                    self._spawn(self._finish(recording, call.ended_at))
            elif call.answered_at is not None and linkedid not in self._active:
                channel = self._channels.get(linkedid)
                if channel is None:
                    log.error("call %s answered but its caller's channel is unknown", linkedid)
                    continue
                recording = _Recording(linkedid, call.answered_at)
                self._active[linkedid] = recording
                recording.start = self._spawn(self._start(recording, channel, ami))

    # -- work ---------------------------------------------------------------------------

    async def _start(self, recording: _Recording, channel: str, ami: AmiClient) -> None:
        call_id = await self._run(self.store.call_id, recording.linkedid)
        if call_id is None:
            log.error("call %s is not in the database: not recorded", recording.linkedid)
            return
        recording.call_id = call_id
        files = self.layout.files(str(call_id), recording.started_at)
        recording.files = files
        await self._run(self.store.started, call_id, files.host)
        mix = files.asterisk[RecordingKind.MIX]
        try:
            response = await ami.send(
                actions.mix_monitor(channel, mix, options=files.mixmonitor_options())
            )
        except AmiError as exc:
            await self._error(call_id, f"MixMonitor on {channel} not started ({exc}): {mix}")
            return
        if (response.get("Response") or "").lower() != "success":
            reason = response.get("Message") or "no reason given"
            await self._error(call_id, f"MixMonitor on {channel} refused ({reason}): {mix}")
            return
        log.info("call %d: recording %s", call_id, files.host[RecordingKind.MIX])
        await asyncio.sleep(self.check_after)
        host_mix = files.host[RecordingKind.MIX]
        if not await self._run(host_mix.exists) and recording.linkedid in self._active:
            await self._error(call_id, await self._run(why_unwritable, host_mix))

    async def _finish(self, recording: _Recording, ended_at: datetime | None) -> None:
        if recording.start is not None:
            with contextlib.suppress(Exception):  # logged by _done; the files still count
                await recording.start
        if recording.call_id is None:
            return
        expected = (ended_at - recording.started_at).total_seconds() if ended_at else None
        done = await self._run(self.store.finish, recording.call_id, expected_seconds=expected)
        if done.error:
            log.error("call %d: recording failed: %s", done.call_id, done.error)
        if done.job_id is not None:
            log.info("call %d: transcription job %d queued", done.call_id, done.job_id)

    async def _error(self, call_id: int, error: str) -> None:
        log.error("call %d: recording failed: %s", call_id, error)
        await self._run(self.store.set_error, call_id, error)

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("recording task failed", exc_info=task.exception())
