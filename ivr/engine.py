"""The IVR engine, pure: ``step(session, input) -> (new session, commands)``.

No I/O, no clock, no randomness: the runner feeds inputs (``ivr.commands``) and executes the
commands it gets back. After every step the session either has finished (``outcome``) or
waits on exactly one command (``awaiting``): a caller never hears dead air.

Path entries (``RecordStep``) for the call log: ``<node>:<keys>`` for a choice
(``main:3``), ``<node>:timeout`` for silence, ``<node>:fallback`` when the tries run out,
``blocked``, ``after_hours``, ``ticket:<number>`` and ``ticket_status:<status>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ivr.commands import (
    AWAITED,
    FINAL,
    CallerHungUp,
    CallerInfo,
    CollectDigits,
    Command,
    DigitsReceived,
    Hangup,
    IvrInput,
    LookupTicket,
    Play,
    PlaybackFinished,
    RecordStep,
    RequestCallback,
    SetLanguage,
    Start,
    TicketLookedUp,
    ToExtension,
    ToQueue,
    ToVoicemail,
)
from ivr.menu import TICKET_DIGITS, TICKET_STATUSES, Action, ActionKind, Menu, Node

TICKET_KEYS = re.compile(rf"\d{{{TICKET_DIGITS}}}")
TICKET_TIMEOUT = 10.0  # seconds between keys while a caller types a ticket number


class Outcome(StrEnum):
    ROUTED = "routed"  # handed to a queue, an extension or voicemail
    HUNG_UP = "hung_up"  # the IVR hung up (blocked caller, after a callback request, ...)
    CALLER_HUNG_UP = "caller_hung_up"


@dataclass(frozen=True, slots=True)
class IvrSession:
    """One caller's way through a menu. Build with ``new_session``; change with ``step``."""

    menu: Menu
    language: str
    caller: CallerInfo = field(default_factory=lambda: CallerInfo(""))
    open: bool = True
    started: bool = False
    node: str = ""
    history: tuple[str, ...] = ()  # nodes to go ``back`` to
    tries: int = 0  # invalid or silent tries at the current node (or ticket entry)
    in_ticket_entry: bool = False
    ticket_then: str = ""  # the node after a ticket status was read out
    awaiting: Command | None = None
    pending: tuple[Command, ...] = ()  # commands to send once the awaited Play finished
    path: tuple[str, ...] = ()
    outcome: Outcome | None = None

    @property
    def finished(self) -> bool:
        return self.outcome is not None


Script = list[Command]


def new_session(menu: Menu) -> IvrSession:
    return IvrSession(menu=menu, language=menu.default_language)


def step(session: IvrSession, event: IvrInput) -> tuple[IvrSession, list[Command]]:
    """Apply one input. Inputs that do not answer the awaited command are ignored."""
    if session.finished:
        return session, []
    waiting = session.awaiting
    match event:
        case CallerHungUp():
            return replace(session, outcome=Outcome.CALLER_HUNG_UP, awaiting=None, pending=()), []
        case Start() if not session.started:
            return _run(*_start(session, event))
        case PlaybackFinished() | DigitsReceived() if isinstance(waiting, Play):
            script = list(session.pending) or [_collect(session)]
            return _run(replace(session, pending=()), script)
        case DigitsReceived(digits) if isinstance(waiting, CollectDigits):
            if session.in_ticket_entry:
                return _run(*_ticket_keys(session, digits))
            return _run(*_menu_keys(session, digits))
        case TicketLookedUp(number, status) if isinstance(waiting, LookupTicket):
            return _run(*_ticket_result(session, number, status))
        case _:
            return session, []


def _run(session: IvrSession, script: Script) -> tuple[IvrSession, list[Command]]:
    """Send the script up to its first awaited or final command; keep the rest pending."""
    sent: list[Command] = []
    path = session.path
    for i, command in enumerate(script):
        sent.append(command)
        if isinstance(command, RecordStep):
            path = (*path, command.step)
        if isinstance(command, AWAITED):
            rest = tuple(script[i + 1 :])
            return replace(session, awaiting=command, pending=rest, path=path), sent
        if isinstance(command, FINAL):
            outcome = Outcome.HUNG_UP if isinstance(command, Hangup) else Outcome.ROUTED
            return replace(session, awaiting=None, pending=(), path=path, outcome=outcome), sent
    # Every script ends awaiting or final; should one not, ask again rather than go silent.
    again = _collect(session)
    return replace(session, awaiting=again, pending=(), path=path), [*sent, again]


def _start(session: IvrSession, event: Start) -> tuple[IvrSession, Script]:
    session = replace(session, caller=event.caller, open=event.open, started=True)
    if event.caller.blocked:
        return session, [RecordStep("blocked"), Play("blocked", session.language), Hangup()]
    return _enter(session, session.menu.start)


def _node(session: IvrSession) -> Node:
    return session.menu.nodes[session.node]


def _collect(session: IvrSession) -> CollectDigits:
    if session.in_ticket_entry:
        return CollectDigits("ticket_entry", session.language, TICKET_DIGITS, TICKET_TIMEOUT, "#")
    node = _node(session)
    return CollectDigits(node.name, session.language, 1, node.timeout)


def _enter(session: IvrSession, name: str, *, push: bool = True) -> tuple[IvrSession, Script]:
    menu, script = session.menu, list[Command]()
    if not session.open and name == menu.main and menu.after_hours is not None:
        name = menu.after_hours
        script.append(RecordStep("after_hours"))
    history = session.history
    if push and session.node and session.node != name:
        history = (*history, session.node)
    session = replace(session, node=name, tries=0, history=history, in_ticket_entry=False)
    return session, [*script, _collect(session)]


def _menu_keys(session: IvrSession, digits: str) -> tuple[IvrSession, Script]:
    node = _node(session)
    if not digits:
        noted: Script = [RecordStep(f"{node.name}:timeout")]
        if node.on_silence is not None:
            return _act(session, node.on_silence, noted)
        return _fail(session, "no_input", noted)
    noted = [RecordStep(f"{node.name}:{digits}")]
    action = node.options.get(digits)
    if action is None:
        return _fail(session, "invalid", noted)
    return _act(session, action, noted)


def _fail(session: IvrSession, prompt_id: str, noted: Script) -> tuple[IvrSession, Script]:
    node = _node(session)
    session = replace(session, tries=session.tries + 1)
    if session.tries >= node.max_tries:
        noted = [*noted, RecordStep(f"{node.name}:fallback")]
        return _act(replace(session, in_ticket_entry=False), node.on_failure, noted)
    return session, [*noted, Play(prompt_id, session.language), _collect(session)]


def _act(session: IvrSession, action: Action, noted: Script) -> tuple[IvrSession, Script]:
    def say(s: IvrSession) -> Script:
        return [Play(action.say, s.language)] if action.say is not None else []

    caller, menu = session.caller, session.menu
    match action.kind:
        case ActionKind.SUBMENU:
            session, entered = _enter(session, _str(action.target))
            return session, [*noted, *say(session), *entered]
        case ActionKind.LANGUAGE:
            language = _str(action.language)
            session, entered = _enter(replace(session, language=language), _str(action.target))
            return session, [*noted, SetLanguage(language), *say(session), *entered]
        case ActionKind.QUEUE:
            priority = menu.vip_priority if caller.vip else 0
            return session, [*noted, *say(session), ToQueue(_str(action.queue), priority)]
        case ActionKind.EXTENSION:
            return session, [*noted, *say(session), ToExtension(_str(action.extension))]
        case ActionKind.VOICEMAIL:
            return session, [*noted, *say(session), ToVoicemail(_str(action.mailbox))]
        case ActionKind.CALLBACK:
            request = RequestCallback(caller.number, action.queue)
            return session, [*noted, request, *say(session), Hangup()]
        case ActionKind.TICKET_STATUS:
            then = action.target or session.node
            session = replace(session, in_ticket_entry=True, tries=0, ticket_then=then)
            return session, [*noted, *say(session), _collect(session)]
        case ActionKind.BACK if session.history:
            previous, history = session.history[-1], session.history[:-1]
            session, entered = _enter(replace(session, history=history), previous, push=False)
            return session, [*noted, *say(session), *entered]
        case ActionKind.REPEAT | ActionKind.BACK:
            return session, [*noted, *say(session), _collect(session)]
        case ActionKind.HANGUP:
            return session, [*noted, *say(session), Hangup()]


def _ticket_keys(session: IvrSession, digits: str) -> tuple[IvrSession, Script]:
    if TICKET_KEYS.fullmatch(digits):
        number = f"{digits[:8]}-{digits[8:]}"
        return session, [RecordStep(f"ticket:{number}"), LookupTicket(number)]
    if not digits:
        return _fail(session, "ticket_invalid", [RecordStep("ticket:timeout")])
    return _fail(session, "ticket_invalid", [RecordStep(f"ticket:{digits}")])


def _ticket_result(
    session: IvrSession, number: str, status: str | None
) -> tuple[IvrSession, Script]:
    if status is None:
        prompt_id, noted = "ticket_not_found", "not_found"
    elif status in TICKET_STATUSES:
        prompt_id, noted = f"ticket_status_{status}", status
    else:
        prompt_id, noted = "ticket_unavailable", "unavailable"
    then = session.ticket_then or session.node
    session, entered = _enter(replace(session, in_ticket_entry=False), then, push=False)
    script: Script = [RecordStep(f"ticket_status:{noted}"), Play(prompt_id, session.language)]
    return session, [*script, *entered]


def _str(value: str | None) -> str:
    if value is None:  # the loader guarantees the fields of each action kind
        raise ValueError("menu action is missing a field the loader should have required")
    return value
