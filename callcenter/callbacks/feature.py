"""``CallbacksFeature``: callers who pressed * keep their place and are called back in turn.

The dialplan ([cc-keep-place]) reports the request with ``UserEvent(KeepPlace)`` (and
``IvrCallback``, which makes the call's disposition ``callback`` and its ticket). This feature
stores it (merged with an open one of the same number), follows who waits in each queue
(QueueCallerJoin/Leave), and once a second checks ``turns.callbacks_due``. A due callback is
originated as ``Local/<queue>@cc-callback-agent/n``: it waits in the queue ahead of later
callers and app_queue rings the next free agent for it first; when one answers,
[cc-callback-customer] dials the customer through the pstn trunk and reports
``UserEvent(CallbackCall)`` then ``UserEvent(CallbackResult, Status: <DIALSTATUS>)``.

Database work runs in worker threads (``records``); the open callbacks are mirrored in
memory and rebuilt from the table after every (re)connect, so they survive a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from callcenter.ami import actions
from callcenter.ami.client import AmiClient
from callcenter.ami.events import Event, Hangup, QueueCallerJoin, QueueCallerLeave, UserEvent
from callcenter.ami.message import Message
from callcenter.callbacks.records import CallbackRecords
from callcenter.callbacks.store import Request
from callcenter.callbacks.turns import CallbackStatus, Waiting, callbacks_due
from callcenter.config import Settings
from callcenter.domain.call import Call

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "cb-"  # uniqueids of callback calls: cb-<callback id>-<epoch>
AGENT_CONTEXT = "cc-callback-agent"
Staffed = Callable[[str], int]  # agents logged in to a queue and not paused


def callback_id_of(uniqueid: str) -> int | None:
    if not uniqueid.startswith(CHANNEL_PREFIX):
        return None
    head = uniqueid[len(CHANNEL_PREFIX) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


class CallbacksFeature:
    name = "callbacks"

    def __init__(
        self,
        *,
        settings: Settings,
        sessions: sessionmaker[Session],
        staffed: Staffed,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._records = CallbackRecords(sessions, settings.callbacks)
        self._staffed = staffed
        self._clock = clock
        self._config = settings.callbacks
        self._queues = settings.asterisk_queues  # desk name -> app_queue name
        self._desk = {ast: desk for desk, ast in self._queues.items()}
        self._hotline = settings.hotline
        self._callbacks: dict[int, Waiting] = {}
        self._started: dict[int, datetime] = {}  # when each callback began ringing agents
        self._queue_callers: dict[str, dict[str, datetime]] = {}  # queue -> uniqueid -> joined
        self._joined: dict[str, tuple[str, datetime]] = {}  # uniqueid -> (queue, joined)
        self._ami: AmiClient | None = None
        self._loop: asyncio.Task[None] | None = None
        self._busy = asyncio.Lock()

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    # -- controller hooks -----------------------------------------------------------------

    async def on_connect(self, ami: AmiClient) -> None:
        self._ami = ami
        now = self._clock()
        self._queue_callers.clear()
        for item in await ami.collect(actions.queue_status()):
            if item.get("Event") == "QueueEntry":
                self._queue_entry(item, now)
        live = {
            cb_id
            for channel in await ami.collect(actions.core_show_channels())
            if (cb_id := callback_id_of(channel.get("Uniqueid") or "")) is not None
        }
        async with self._busy:
            rows = await asyncio.to_thread(self._records.load, live, now)
        self._callbacks = {w.id: w for w in rows}
        self._started = {cb_id: now for cb_id in live if cb_id in self._callbacks}
        log.info("callbacks: %d open after resync", len(self._callbacks))
        if self._loop is None or self._loop.done():
            self._loop = asyncio.create_task(self._check_forever(), name="callbacks")

    async def on_event(self, event: Event, calls: Sequence[Call], ami: AmiClient) -> None:
        match event:
            case QueueCallerJoin():
                if callback_id_of(event.chan.linkedid) is None:
                    queue = self._desk.get(event.queue, event.queue)
                    self._queue_callers.setdefault(queue, {})[event.chan.uniqueid] = event.at
                    self._joined[event.chan.uniqueid] = (queue, event.at)
            case QueueCallerLeave():
                queue = self._desk.get(event.queue, event.queue)
                self._queue_callers.get(queue, {}).pop(event.chan.uniqueid, None)
            case Hangup():
                self._joined.pop(event.chan.uniqueid, None)
                for callers in self._queue_callers.values():
                    callers.pop(event.chan.uniqueid, None)
            case UserEvent(user_event="KeepPlace"):
                await self._request(event)
            case UserEvent(user_event="CallbackCall"):
                agent = next((c.agent for c in calls if c.agent), None)
                await self._connected(event, agent)
            case UserEvent(user_event="CallbackResult"):
                await self._result(event)
            case _:
                pass

    # -- requests and results -------------------------------------------------------------

    async def _request(self, event: UserEvent) -> None:
        chan, fields = event.chan, event.fields
        number = fields.get("Number") or chan.caller_number
        queue = self._desk.get(fields.get("Queue", ""), fields.get("Queue", ""))
        known = self._joined.get(chan.uniqueid)
        request = Request(
            number=number,
            caller_name=chan.caller_name,
            queue=queue,
            language=fields.get("Language") or "en",
            joined_at=known[1] if known else event.at,
            linkedid=chan.linkedid,
            at=event.at,
        )
        async with self._busy:
            waiting, merged = await asyncio.to_thread(self._records.store_request, request)
        self._callbacks[waiting.id] = waiting
        how = "merged into the open callback" if merged else "new callback"
        log.info("callback: %s keeps their place in %s: %s %d", number, queue, how, waiting.id)

    async def _connected(self, event: UserEvent, agent: str | None) -> None:
        cb_id = _int(event.fields.get("Id"))
        if cb_id is None:
            return
        self._started.pop(cb_id, None)
        now = event.at
        async with self._busy:
            waiting = await asyncio.to_thread(
                self._records.update,
                cb_id,
                CallbackStatus.CONNECTED,
                now,
                {"agent": agent, "callback_linkedid": event.chan.linkedid},
            )
        if waiting is not None:
            self._callbacks[cb_id] = waiting
            log.info("callback %d: agent %s answered; calling the customer", cb_id, agent)

    async def _result(self, event: UserEvent) -> None:
        cb_id = _int(event.fields.get("Id"))
        if cb_id is None:
            return
        result = (event.fields.get("Status") or "").strip().upper() or "NOAGENT"
        self._started.pop(cb_id, None)
        async with self._busy:
            waiting = await asyncio.to_thread(self._records.finish, cb_id, result, event.at)
        if waiting is None:
            self._callbacks.pop(cb_id, None)
        else:
            self._callbacks[cb_id] = waiting
        log.info("callback %d: %s", cb_id, result)

    # -- turns ----------------------------------------------------------------------------

    async def _check_forever(self) -> None:
        while True:
            await asyncio.sleep(self._config.check_seconds)
            try:
                await self.check()
            except Exception as exc:  # the next check tries again; say why this one failed
                log.error("callbacks: check failed: %s", exc)

    async def check(self) -> None:
        """Start every callback whose turn has come (and give up stuck ones)."""
        ami, now = self._ami, self._clock()
        if ami is None or not ami.connected:
            return
        await self._expire_stuck(now)
        callers = {q: list(c.values()) for q, c in self._queue_callers.items()}
        staffed = {q: self._staffed(q) for q in self._queues}
        for cb_id in callbacks_due(list(self._callbacks.values()), callers, staffed, now):
            await self._start(ami, cb_id, now)

    async def _expire_stuck(self, now: datetime) -> None:
        """A callback that rang agents for too long without any result goes back to wait."""
        limit = timedelta(seconds=self._config.agent_wait_seconds + 30)
        for cb_id, started in list(self._started.items()):
            if now - started > limit:
                self._started.pop(cb_id)
                log.warning("callback %d: no result after %s; it waits again", cb_id, limit)
                async with self._busy:
                    waiting = await asyncio.to_thread(
                        self._records.update, cb_id, CallbackStatus.PENDING, now, {}
                    )
                if waiting is not None:
                    self._callbacks[cb_id] = waiting

    async def _start(self, ami: AmiClient, cb_id: int, now: datetime) -> None:
        async with self._busy:
            row = await asyncio.to_thread(self._records.begin, cb_id, now)
        if row is None:
            self._callbacks.pop(cb_id, None)
            return
        waiting, number, name, linkedid, language = row
        self._callbacks[cb_id] = waiting
        self._started[cb_id] = now
        queue = self._queues.get(waiting.queue, waiting.queue)
        uniqueid = f"{CHANNEL_PREFIX}{cb_id}-{int(now.timestamp())}"
        label = (name or "回拨 callback").replace('"', "")
        action = actions.originate(
            f"Local/{queue}@{AGENT_CONTEXT}/n",
            context="cc-callback-customer",
            exten="s",
            timeout_ms=(self._config.agent_wait_seconds + 10) * 1000,
            caller_id=f'"{label}" <{number}>',
            variables={
                "CC_CALLBACK_ID": str(cb_id),
                "CC_CALLBACK_NUMBER": number,
                "CC_CALLBACK_OF": linkedid,
                "CHANNEL(language)": language,
            },
            channel_id=uniqueid,
        )
        answer = await ami.send(action)
        if (answer.get("Response") or "").lower() != "success":
            log.error("callback %d: Originate refused: %s", cb_id, answer.get("Message"))
            self._started[cb_id] = now - timedelta(days=1)  # the next check puts it back
            return
        log.info("callback %d: in %s for the next free agent, for %s", cb_id, waiting.queue, number)

    def _queue_entry(self, item: Message, now: datetime) -> None:
        uniqueid = item.get("Uniqueid") or ""
        if not uniqueid or callback_id_of(item.get("Linkedid") or uniqueid) is not None:
            return
        queue = self._desk.get(item.get("Queue") or "", item.get("Queue") or "")
        joined = now - timedelta(seconds=_int(item.get("Wait")) or 0)
        self._queue_callers.setdefault(queue, {})[uniqueid] = joined
        self._joined[uniqueid] = (queue, joined)


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() else None
