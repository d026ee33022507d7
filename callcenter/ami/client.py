"""A thin asyncio shell around the sans-IO parser: connect, login, actions, events.

* Each action gets an ActionID mapped to a Future (panoramisk's idea); :meth:`send` waits
  for the one response, :meth:`collect` for an EventList (response, items, ``...Complete``).
* Events go through one queue to one dispatcher task, so they reach ``on_event`` in order
  and a handler may itself ``await client.send(...)``.
* ``on_connect`` runs in the dispatcher after every successful login, before the events of
  that connection: the owner resyncs (:meth:`snapshot`), then receives the events.
* Bad bytes (:class:`AmiProtocolError`) are logged and drop the connection, as does a
  failing handler (the owner missed something and must resync); :meth:`run_forever`
  reconnects with capped, jittered exponential backoff.
* The secret is kept in one attribute and never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
import random
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from callcenter.ami import actions
from callcenter.ami.actions import Action
from callcenter.ami.errors import (
    AmiAuthError,
    AmiConnectionError,
    AmiConnectionLost,
    AmiTimeout,
)
from callcenter.ami.message import Message
from callcenter.ami.pending import PendingActions
from callcenter.ami.protocol import DEFAULT_MAX_MESSAGE_SIZE, AmiParser, AmiProtocolError

log = logging.getLogger(__name__)

EventHandler = Callable[[Message], Awaitable[None] | None]
ConnectHandler = Callable[[], Awaitable[None] | None]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Live state for a resync: list items of CoreShowChannels, BridgeList, QueueStatus."""

    channels: tuple[Message, ...]
    bridges: tuple[Message, ...]
    queues: tuple[Message, ...]


# Queued before a connection's events, resolved by the login: the dispatcher then runs
# on_connect (when True) before those events.
_LoggedIn = asyncio.Future[bool]


class AmiClient:
    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        *,
        connect_timeout: float = 5.0,
        action_timeout: float = 10.0,
        on_event: EventHandler | None = None,
        on_connect: ConnectHandler | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    ) -> None:
        self.host, self.port, self.username = host, port, username
        self._secret = secret
        self.connect_timeout, self.action_timeout = connect_timeout, action_timeout
        self._on_event, self._on_connect = on_event, on_connect
        self._backoff = (backoff_initial, backoff_max)
        self._max_message_size = max_message_size
        self._ids = itertools.count(1)
        self._id_prefix = f"cc-{secrets.token_hex(3)}-"
        self._pending = PendingActions()
        self._events: asyncio.Queue[Message | _LoggedIn | None] = asyncio.Queue()
        self._dispatcher: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lost = asyncio.Event()
        self._lost.set()
        self._drop_reason: str | None = None
        self._closing = asyncio.Event()
        self.connected = False
        self.banner: str | None = None
        self.connections = 0  # successful logins, for metrics

    def __repr__(self) -> str:
        state = "connected" if self.connected else "disconnected"
        return f"<AmiClient {self.username}@{self.host}:{self.port} {state}>"

    async def connect(self) -> None:
        """Open the connection and log in. Raises AmiConnectionError or AmiAuthError."""
        if not self._lost.is_set():
            return
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), self.connect_timeout
            )
        except (OSError, TimeoutError) as exc:
            raise AmiConnectionError(
                f"cannot reach AMI at {self.host}:{self.port}: {exc or 'connect timeout'}"
            ) from exc
        self._writer, self._drop_reason = writer, None
        self._lost = asyncio.Event()
        parser = AmiParser(max_message_size=self._max_message_size)
        self._reader = asyncio.create_task(self._read(reader, writer, parser))
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch())
        marker: _LoggedIn = asyncio.get_running_loop().create_future()
        self._events.put_nowait(marker)
        try:
            answer = await self._request(actions.login(self.username, self._secret), False)
            if (answer[0].get("Response") or "").lower() != "success":
                reason = answer[0].get("Message") or "no reason given"
                raise AmiAuthError(
                    f"AMI login refused for user {self.username!r} at {self.host}:{self.port}:"
                    f" check the username and secret in manager.conf (for the sandbox:"
                    f" `callcenter sandbox info --json`); server said: {reason}"
                )
        except BaseException:
            marker.set_result(False)
            await self._disconnect("login failed")
            raise
        self.banner = parser.banner
        self.connected = True
        self.connections += 1
        log.info(
            "AMI connected to %s:%s as %s (%s)", self.host, self.port, self.username, parser.banner
        )
        marker.set_result(True)

    async def send(self, action: Action, *, timeout: float | None = None) -> Message:
        """Send one action and return its response (``Response: Error`` included)."""
        self._require_connected(action)
        return (await self._request(action, False, timeout))[0]

    async def collect(self, action: Action, *, timeout: float | None = None) -> list[Message]:
        """Send an EventList action; return its item events (without the response and the
        ``...Complete`` event). ``Response: Error`` raises :class:`AmiActionError`."""
        self._require_connected(action)
        return await self._request(action, True, timeout)

    async def snapshot(self) -> Snapshot:
        return Snapshot(
            channels=tuple(await self.collect(actions.core_show_channels())),
            bridges=tuple(await self.collect(actions.bridge_list())),
            queues=tuple(await self.collect(actions.queue_status())),
        )

    async def run_forever(self) -> None:
        """Stay connected until :meth:`close`. Wrong credentials raise AmiAuthError: that
        needs a person, not a retry."""
        initial, cap = self._backoff
        delay = initial
        while not self._closing.is_set():
            try:
                await self.connect()
            except (AmiConnectionError, AmiConnectionLost, AmiTimeout) as exc:
                wait = delay * random.uniform(0.5, 1.0)
                log.warning("AMI not connected (%s); retrying in %.1f s", exc, wait)
                delay = min(delay * 2, cap)
                await self._sleep(wait)
                continue
            delay = initial
            await self._lost.wait()
            if not self._closing.is_set():
                log.warning("AMI connection lost (%s); reconnecting", self._drop_reason)
                await self._sleep(initial * random.uniform(0.5, 1.0))

    async def close(self) -> None:
        """Log off, close the connection, deliver the events already received, stop."""
        self._closing.set()
        if self.connected and self._writer is not None:
            # No answer awaited: the server closes the connection after Logoff.
            with contextlib.suppress(OSError, RuntimeError):
                self._writer.write(actions.logoff().with_action_id("logoff").to_bytes())
        await self._disconnect("client closed")
        if self._dispatcher is not None:
            self._events.put_nowait(None)
            try:
                await asyncio.wait_for(self._dispatcher, self.action_timeout)
            except TimeoutError:
                log.error(
                    "AMI event handler still busy after %.1f s; cancelled", self.action_timeout
                )

    # -- internals ---------------------------------------------------------------------

    def _require_connected(self, action: Action) -> None:
        if not self.connected:
            raise AmiConnectionLost(f"cannot send {action.name}: not connected to AMI")

    async def _request(
        self, action: Action, collect: bool, timeout: float | None = None
    ) -> list[Message]:
        writer = self._writer
        if writer is None or self._lost.is_set():
            raise AmiConnectionLost(f"cannot send {action.name}: not connected to AMI")
        action_id = f"{self._id_prefix}{next(self._ids)}"
        future = self._pending.add(action_id, action.name, collect=collect)
        seconds = self.action_timeout if timeout is None else timeout
        log.debug("AMI -> %r ActionID=%s", action, action_id)
        try:
            writer.write(action.with_action_id(action_id).to_bytes())
            return await asyncio.wait_for(future, seconds)
        except TimeoutError:
            raise AmiTimeout(
                f"no answer to AMI action {action.name} (ActionID {action_id}) within {seconds:g} s"
            ) from None
        finally:
            self._pending.discard(action_id)

    async def _read(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, parser: AmiParser
    ) -> None:
        reason = "AMI server closed the connection"
        try:
            while data := await reader.read(65536):
                for message in parser.feed(data):
                    self._route(message)
        except AmiProtocolError as exc:
            for message in exc.parsed:  # the good messages before the bad bytes
                self._route(message)
            log.error(
                "AMI stream from %s:%s is broken; dropping the connection: %s",
                self.host,
                self.port,
                exc,
            )
            reason = f"malformed AMI data: {exc.reason}"
        except OSError as exc:
            reason = f"AMI connection error: {exc}"
        finally:
            self._drop_reason = self._drop_reason or reason
            self._connection_ended(writer)

    def _route(self, message: Message) -> None:
        if self._pending.route(message):
            return
        if message.is_event:
            self._events.put_nowait(message)
        else:
            log.warning(
                "AMI response nobody waits for (late after a timeout?): %r", message.as_dict()
            )

    def _connection_ended(self, writer: asyncio.StreamWriter) -> None:
        was_connected, self.connected = self.connected, False
        reason = self._drop_reason or "connection ended"
        self._pending.fail_all(reason)
        writer.close()
        if was_connected:
            log.info("AMI disconnected from %s:%s: %s", self.host, self.port, reason)
        self._lost.set()

    async def _disconnect(self, reason: str) -> None:
        if self._drop_reason is None:
            self._drop_reason = reason
        if self._writer is not None and not self._writer.transport.is_closing():
            self._writer.transport.abort()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def _dispatch(self) -> None:
        while (item := await self._events.get()) is not None:
            if isinstance(item, asyncio.Future):
                if await item and self._on_connect is not None:
                    await self._call(self._on_connect, "on_connect")
            elif self._on_event is not None:
                await self._call(self._on_event, "on_event", item)

    async def _call(self, handler: Callable[..., object], what: str, *args: Message) -> None:
        try:
            result = handler(*args)
            if inspect.isawaitable(result):
                await result
        except Exception:
            event = args[0].get("Event") if args else None
            log.exception(
                "AMI %s handler failed%s; dropping the connection so the owner resyncs",
                what,
                f" on {event}" if event else "",
            )
            self._drop_reason = f"{what} handler failed"
            if self._writer is not None:
                self._writer.transport.abort()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)
