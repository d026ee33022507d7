"""Runs the pure IVR engine (`ivr/`) over AMI AsyncAGI, one session per hotline channel.

The engine says what to do; this module turns each command into an AGI command (``AGI``
action with a CommandID), and each ``AsyncAGIExec`` result back into the engine's input.
Routing ends the AGI with ``ASYNCAGI BREAK`` after setting the channel variables the
dialplan reads (CC_ROUTE, CC_QUEUE, QUEUE_PRIO, CC_TARGET; see extensions.conf.j2).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from callcenter.ami import actions
from callcenter.ami.client import AmiClient
from callcenter.ami.events import AsyncAGIEnd, AsyncAGIExec, AsyncAGIStart, Event, Hangup
from callcenter.domain.call import Call
from ivr import agi as ivr_agi
from ivr.commands import (
    AWAITED,
    CallerHungUp,
    CallerInfo,
    Command,
    IvrInput,
    LookupTicket,
    RecordStep,
    RequestCallback,
    SetLanguage,
    Start,
    TicketLookedUp,
    ToExtension,
    ToQueue,
    ToVoicemail,
)
from ivr.commands import Hangup as IvrHangup
from ivr.engine import IvrSession, new_session, step
from ivr.menu import Menu

log = logging.getLogger(__name__)

TicketLookup = Callable[[str], str | None]
IsOpen = Callable[[datetime], bool]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "").replace('"', "").replace("\n", " ") + '"'


def _user_event(name: str, **fields: str) -> str:
    """``UserEvent(name,Key: value,...)``: commas separate the headers, so none in values."""
    body = ",".join([name, *(f"{k}: {v.replace(',', ' ')}" for k, v in fields.items())])
    return f"EXEC UserEvent {_quote(body)}"


@dataclass
class _Channel:
    name: str
    linkedid: str
    session: IvrSession
    awaiting: tuple[str, Command] | None = None
    caller: CallerInfo = field(default_factory=lambda: CallerInfo(""))


@dataclass(frozen=True)
class IvrConfig:
    menu: Menu
    prompts_dir: str  # as Asterisk sees it
    voicemail_dir: str  # as Asterisk sees it
    voicemail_host_dir: Path  # the same folder as this process sees it
    queue_names: dict[str, str]  # desk name -> app_queue name
    vip_numbers: frozenset[str] = frozenset()
    blocked_numbers: frozenset[str] = frozenset()
    watchdog_seconds: int = 180


class IvrFeature:
    """The controller feature that answers AsyncAGI on the hotline with the menu."""

    name = "ivr"
    handles_agi = True

    def __init__(
        self,
        config: IvrConfig,
        *,
        is_open: IsOpen,
        lookup_ticket: TicketLookup = lambda number: None,
    ) -> None:
        self._config = config
        self._is_open = is_open
        self._lookup_ticket = lookup_ticket
        self._channels: dict[str, _Channel] = {}
        self._ids = itertools.count(1)

    @property
    def sessions(self) -> int:
        return len(self._channels)

    @property
    def menu(self) -> Menu:
        return self._config.menu

    def use(self, *, menu: Menu, is_open: IsOpen) -> None:
        """Serve new callers with this menu and these hours (callers in the menu now keep
        the one they started with: a session carries its own menu)."""
        self._config = replace(self._config, menu=menu)
        self._is_open = is_open

    async def on_connect(self, ami: AmiClient) -> None:
        # AGI sessions do not survive a reconnect of ours: Asterisk's watchdog (TIMEOUT) or
        # the caller's hang-up ends them; forget what we had.
        self._channels.clear()

    async def on_event(self, event: Event, calls: Sequence[Call], ami: AmiClient) -> None:
        match event:
            case AsyncAGIStart():
                await self._start(event, ami)
            case AsyncAGIExec():
                await self._result(event, ami)
            case AsyncAGIEnd() | Hangup():
                self._end(event.chan.channel)
            case _:
                pass

    async def _start(self, event: AsyncAGIStart, ami: AmiClient) -> None:
        chan = event.chan
        number = event.env.get("agi_callerid", chan.caller_number)
        caller = CallerInfo(
            number=number,
            name=event.env.get("agi_calleridname", chan.caller_name),
            vip=number in self._config.vip_numbers,
            blocked=number in self._config.blocked_numbers,
        )
        state = _Channel(chan.channel, chan.linkedid, new_session(self._config.menu), None, caller)
        self._channels[chan.channel] = state
        log.info("IVR: %s (%s) enters the menu", chan.channel, number)
        await self._agi(ami, state, "ANSWER")  # prompts and keys need a connected call
        if caller.blocked:
            await self._agi(ami, state, _user_event("IvrBlocked", Number=number))
        await self._advance(state, Start(caller, open=self._is_open(event.at)), ami)

    async def _result(self, event: AsyncAGIExec, ami: AmiClient) -> None:
        state = self._channels.get(event.chan.channel)
        if state is None or state.awaiting is None or state.awaiting[0] != event.command_id:
            return  # the answer to a command that needs none
        command = state.awaiting[1]
        state.awaiting = None
        try:
            answer = ivr_agi.parse_agi_result(command, event.result)
        except ivr_agi.AgiResultError as exc:
            log.error("IVR: %s: %s; sending the caller to the queue", state.name, exc)
            await self._route_queue(ami, state, ToQueue("general"))
            return
        if answer is not None:
            await self._advance(state, answer, ami)

    def _end(self, channel: str) -> None:
        state = self._channels.pop(channel, None)
        if state is not None and not state.session.finished:
            state.session, _ = step(state.session, CallerHungUp())
            log.info("IVR: %s hung up at %s", channel, "/".join(state.session.path) or "start")

    async def _advance(self, state: _Channel, answer: IvrInput, ami: AmiClient) -> None:
        state.session, commands = step(state.session, answer)
        for command in commands:
            if await self._run(state, command, ami):
                return  # awaited: the next step comes with its result

    async def _run(self, state: _Channel, command: Command, ami: AmiClient) -> bool:
        """Carry out one command; True when it waits for an answer."""
        match command:
            case ToQueue():
                await self._route_queue(ami, state, command)
            case ToExtension(extension):
                await self._set(ami, state, CC_ROUTE="extension", CC_TARGET=extension)
                await self._agi(ami, state, "ASYNCAGI BREAK")
            case IvrHangup():
                await self._set(ami, state, CC_ROUTE="hangup")
                await self._agi(ami, state, "ASYNCAGI BREAK")
            case ToVoicemail():
                await self._voicemail(ami, state)
            case RequestCallback(number):
                await self._agi(ami, state, _user_event("IvrCallback", Number=number))
            case LookupTicket(number):
                status = self._safe_lookup(number)
                await self._advance(state, TicketLookedUp(number, status), ami)
                return True
            case SetLanguage(language):
                await self._agi(ami, state, f"SET VARIABLE CHANNEL(language) {language}")
                await self._agi(ami, state, _user_event("IvrLanguage", Language=language))
            case RecordStep():
                await self._agi(ami, state, self._line(command))
            case _ if isinstance(command, AWAITED):
                await self._agi(
                    ami, state, f"SET VARIABLE TIMEOUT(absolute) {self._config.watchdog_seconds}"
                )
                command_id = await self._agi(ami, state, self._line(command))
                state.awaiting = (command_id, command)
                return True
        return False

    def _line(self, command: Command) -> str:
        line = ivr_agi.to_agi(command, prompts_dir=self._config.prompts_dir)
        if line is None:
            raise ValueError(f"no AGI line for {command!r}")
        return line

    def _safe_lookup(self, number: str) -> str | None:
        try:
            return self._lookup_ticket(number)
        except Exception as exc:
            log.error("IVR: ticket lookup %s failed: %s", number, exc)
            return "error"

    async def _route_queue(self, ami: AmiClient, state: _Channel, command: ToQueue) -> None:
        queue = self._config.queue_names.get(command.queue, command.queue)
        await self._set(
            ami, state, CC_ROUTE="queue", CC_QUEUE=queue, QUEUE_PRIO=str(command.priority)
        )
        await self._agi(ami, state, "ASYNCAGI BREAK")
        log.info("IVR: %s -> queue %s (priority %d)", state.name, queue, command.priority)

    async def _voicemail(self, ami: AmiClient, state: _Channel) -> None:
        day = datetime.now(UTC).strftime("%Y/%m/%d")
        (self._config.voicemail_host_dir / day).mkdir(parents=True, exist_ok=True)
        path = PurePosixPath(self._config.voicemail_dir, day, state.linkedid.replace(".", "-"))
        await self._agi(ami, state, _user_event("IvrVoicemail", Path=f"{path}.wav"))
        # Up to two minutes; '#' or five seconds of silence ends the message.
        await self._agi(ami, state, f'RECORD FILE {path} wav "#" 120000 BEEP s=5')
        await self._set(ami, state, CC_ROUTE="hangup")
        await self._agi(ami, state, "ASYNCAGI BREAK")

    async def _set(self, ami: AmiClient, state: _Channel, **variables: str) -> None:
        for name, value in variables.items():
            await self._agi(ami, state, f"SET VARIABLE {name} {_quote(value)}")

    async def _agi(self, ami: AmiClient, state: _Channel, line: str) -> str:
        command_id = f"ivr-{next(self._ids)}"
        answer = await ami.send(actions.agi(state.name, line, command_id=command_id))
        if (answer.get("Response") or "").lower() != "success":
            log.warning("IVR: %s: AGI %r refused: %s", state.name, line, answer.get("Message"))
        return command_id
