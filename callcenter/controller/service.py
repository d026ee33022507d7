"""The controller: follows Asterisk over AMI and keeps the call log exact.

AMI messages -> typed events -> the pure `CallBook` -> `CallStore` (database) and listeners
(the live console). After every (re)connect it resyncs against what Asterisk really has, so
a call in flight while Asterisk died is closed as failed rather than left open forever.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from callcenter.ami import actions
from callcenter.ami.client import AmiClient
from callcenter.ami.events import AsyncAGIStart, event_from_message
from callcenter.ami.message import Message
from callcenter.controller.call_store import CallStore
from callcenter.controller.features import Feature
from callcenter.domain.call import Call
from callcenter.domain.call_book import CallBook

log = logging.getLogger(__name__)

HEARTBEAT_VARIABLE = "CC_HEARTBEAT"  # the dialplan fails open when this is stale
HEARTBEAT_SECONDS = 5.0

CallListener = Callable[[Call], None]


def _duration(value: str | None) -> timedelta:
    """``HH:MM:SS`` from CoreShowChannel's Duration."""
    try:
        h, m, s = (int(x) for x in (value or "0:0:0").split(":"))
    except ValueError:
        return timedelta(0)
    return timedelta(hours=h, minutes=m, seconds=s)


def call_from_snapshot(channel: Message, now: datetime) -> Call:
    """A call already in progress when we (re)connected, from its caller's channel."""
    return Call(
        linkedid=channel.get("Linkedid") or channel.get("Uniqueid") or "",
        caller_number=channel.get("CallerIDNum") or "",
        caller_name=channel.get("CallerIDName") or "",
        dialed=channel.get("Exten") or "",
        started_at=now - _duration(channel.get("Duration")),
        live_channels=frozenset({channel.get("Uniqueid") or ""}),
    )


class Controller:
    def __init__(
        self,
        *,
        client_factory: Callable[..., AmiClient],
        store: CallStore,
        queue_names: dict[str, str] | None = None,
        features: Sequence[Feature] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.book = CallBook(queue_names)
        self.store = store
        self._clock = clock
        self._listeners: list[CallListener] = []
        self.features = list(features)
        self._lost_at: datetime | None = None
        self._resynced = asyncio.Event()
        self.client = client_factory(on_event=self._on_message, on_connect=self._on_connect)

    def subscribe(self, listener: CallListener) -> None:
        self._listeners.append(listener)

    @property
    def ami_connected(self) -> bool:
        return bool(self.client.connected)

    async def wait_resynced(self, timeout: float) -> None:
        await asyncio.wait_for(self._resynced.wait(), timeout)

    async def run(self) -> None:
        tasks = [
            asyncio.create_task(self.client.run_forever(), name="ami"),
            asyncio.create_task(self.store.run(), name="call-store"),
            asyncio.create_task(self._heartbeat(), name="heartbeat"),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def stop(self) -> None:
        """Tell the dialplan we are gone (callers skip the IVR), then flush and close."""
        if self.client.connected:
            try:
                await self.client.send(actions.setvar(HEARTBEAT_VARIABLE, "0"))
            except Exception as exc:
                log.warning("could not clear the heartbeat: %s", exc)
        try:
            await self.store.flushed(timeout=10)
        except TimeoutError:
            log.error("%d call(s) not yet stored at shutdown", self.store.backlog)
        await self.client.close()

    # -- AMI side -------------------------------------------------------------------------

    async def _on_connect(self) -> None:
        """After every login: heartbeat at once, then resync with Asterisk's real state."""
        self._resynced.clear()
        await self._beat()
        snapshot = await self.client.snapshot()
        now = self._clock()
        live = {m.get("Linkedid") or "" for m in snapshot.channels}
        for stored in await self.store.open_calls():
            if self.book.get(stored.linkedid) is None:
                self.book.adopt(stored)
        for channel in snapshot.channels:
            linkedid = channel.get("Linkedid") or ""
            if channel.get("Uniqueid") == linkedid and self.book.get(linkedid) is None:
                call = call_from_snapshot(channel, now)
                self.book.adopt(call)
                self._publish(call)
        for call in self.book.close_missing(live, self._lost_at or now):
            log.warning("call %s closed as failed: Asterisk no longer has it", call.linkedid)
            self._publish(call)
        self._lost_at = None
        for feature in self.features:
            await feature.on_connect(self.client)
        self._resynced.set()
        log.info("resynced with Asterisk: %d live channel(s)", len(snapshot.channels))

    def connection_lost(self) -> None:
        """The AMI connection dropped: remember when, calls may have died with it."""
        self._lost_at = self._lost_at or self._clock()

    async def _on_message(self, message: Message) -> None:
        event = event_from_message(message, now=self._clock)
        changed = self.book.apply(event)
        for call in changed:
            self._publish(call)
        if isinstance(event, AsyncAGIStart) and not self.features_handle_agi:
            # No IVR configured: hand the channel straight back to the dialplan (the queue).
            await self.client.send(actions.agi(event.chan.channel, "ASYNCAGI BREAK"))
        for feature in self.features:
            await feature.on_event(event, changed, self.client)

    @property
    def features_handle_agi(self) -> bool:
        return any(getattr(f, "handles_agi", False) for f in self.features)

    def _publish(self, call: Call) -> None:
        self.store.save(call)
        for listener in self._listeners:
            listener(call)

    async def _beat(self) -> None:
        await self.client.send(actions.setvar(HEARTBEAT_VARIABLE, str(int(time.time()))))

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            if not self.client.connected:
                self.connection_lost()
                continue
            try:
                await self._beat()
            except Exception as exc:
                log.debug("heartbeat not sent: %s", exc)
