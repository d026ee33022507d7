"""Typed AMI events: one frozen dataclass per event the domain uses.

`event_from_message` is the one place that reads raw headers; handlers take these types.
Events we do not model become `RawEvent`, so nothing is dropped on the way.
Times come from the ``Timestamp`` header (manager.conf ``timestampevents = yes``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

from callcenter.ami.message import Message


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """The channel snapshot Asterisk puts on every channel event."""

    channel: str
    uniqueid: str
    linkedid: str
    state: int
    caller_number: str
    caller_name: str
    connected_number: str
    connected_name: str
    context: str
    exten: str
    language: str


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime


@dataclass(frozen=True, slots=True)
class RawEvent(Event):
    name: str
    message: Message


@dataclass(frozen=True, slots=True)
class ChannelEvent(Event):
    chan: ChannelInfo


@dataclass(frozen=True, slots=True)
class Newchannel(ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class Newstate(ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class NewCallerid(ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class Hangup(ChannelEvent):
    cause: int
    cause_text: str


@dataclass(frozen=True, slots=True)
class DialBegin(ChannelEvent):
    dest: ChannelInfo | None
    dial_string: str


@dataclass(frozen=True, slots=True)
class DialEnd(ChannelEvent):
    dest: ChannelInfo | None
    dial_status: str


@dataclass(frozen=True, slots=True)
class BridgeEnter(ChannelEvent):
    bridge_id: str


@dataclass(frozen=True, slots=True)
class BridgeLeave(ChannelEvent):
    bridge_id: str


@dataclass(frozen=True, slots=True)
class QueueCallerJoin(ChannelEvent):
    queue: str
    position: int


@dataclass(frozen=True, slots=True)
class QueueCallerLeave(ChannelEvent):
    queue: str


@dataclass(frozen=True, slots=True)
class QueueCallerAbandon(ChannelEvent):
    queue: str
    hold_time: int


@dataclass(frozen=True, slots=True)
class AgentEvent(ChannelEvent):
    """Queue member events; ``chan`` is the caller, ``dest`` the agent's channel."""

    dest: ChannelInfo | None
    queue: str
    interface: str
    member_name: str

    @property
    def extension(self) -> str:
        return extension_of(self.interface or self.member_name)


@dataclass(frozen=True, slots=True)
class AgentCalled(AgentEvent):
    pass


@dataclass(frozen=True, slots=True)
class AgentConnect(AgentEvent):
    pass


@dataclass(frozen=True, slots=True)
class AgentComplete(AgentEvent):
    talk_time: int
    reason: str


@dataclass(frozen=True, slots=True)
class AgentRingNoAnswer(AgentEvent):
    pass


@dataclass(frozen=True, slots=True)
class AsyncAGIStart(ChannelEvent):
    env: dict[str, str]


@dataclass(frozen=True, slots=True)
class AsyncAGIExec(ChannelEvent):
    command_id: str
    result: str


@dataclass(frozen=True, slots=True)
class AsyncAGIEnd(ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class DTMFEnd(ChannelEvent):
    digit: str
    direction: str


@dataclass(frozen=True, slots=True)
class UserEvent(ChannelEvent):
    """``UserEvent(name,key: value)`` from the dialplan, e.g. the IVR path."""

    user_event: str
    fields: dict[str, str]


@dataclass(frozen=True, slots=True)
class QueueMemberEvent(Event):
    """A queue member's status (``QueueMember*`` events); no channel: it is about the agent."""

    queue: str
    interface: str
    member_name: str
    status: int  # Asterisk device state: 1 not in use, 2 in use, 5 unavailable, 6 ringing...
    paused: bool
    paused_reason: str
    in_call: bool
    penalty: int
    last_call: int  # epoch seconds of the end of the member's last call, 0 if none
    login_time: int
    wrapup_time: int

    @property
    def extension(self) -> str:
        return extension_of(self.interface or self.member_name)


@dataclass(frozen=True, slots=True)
class QueueMemberAdded(QueueMemberEvent):
    pass


@dataclass(frozen=True, slots=True)
class QueueMemberRemoved(QueueMemberEvent):
    pass


@dataclass(frozen=True, slots=True)
class QueueMemberStatus(QueueMemberEvent):
    pass


@dataclass(frozen=True, slots=True)
class QueueMemberPause(QueueMemberEvent):
    pass


@dataclass(frozen=True, slots=True)
class DeviceStateChange(Event):
    """``Device: PJSIP/1001``, ``State: NOT_INUSE | INUSE | RINGING | UNAVAILABLE | ...``."""

    device: str
    state: str


@dataclass(frozen=True, slots=True)
class BlindTransfer(ChannelEvent):
    """``chan`` is the transferer (the agent's leg, the call's linkedid)."""

    transferee: ChannelInfo | None
    context: str
    extension: str
    result: str
    is_external: bool


@dataclass(frozen=True, slots=True)
class AttendedTransfer(ChannelEvent):
    """``chan`` is the original transferer's leg; ``target`` the party the call went to."""

    second: ChannelInfo | None
    target: ChannelInfo | None
    transferee: ChannelInfo | None
    dest_type: str
    result: str


@dataclass(frozen=True, slots=True)
class FullyBooted(Event):
    pass


@dataclass(frozen=True, slots=True)
class Shutdown(Event):
    pass


def extension_of(interface: str) -> str:
    """``PJSIP/1001`` or ``PJSIP/1001-0000002a`` -> ``1001``; ``Local/1001@agents`` too."""
    tail = interface.split("/", 1)[-1]
    tail = tail.split("@", 1)[0]
    return tail.rsplit("-", 1)[0] if "-" in tail else tail


def _int(value: str | None, default: int = 0) -> int:
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        return default


def _timestamp(msg: Message, fallback: Callable[[], datetime]) -> datetime:
    raw = msg.get("Timestamp")
    if raw:
        try:
            return datetime.fromtimestamp(float(raw), tz=UTC)
        except ValueError:
            pass
    return fallback()


def _unknown(value: str | None) -> str:
    # Asterisk writes "<unknown>" for an absent caller id field.
    return "" if value is None or value == "<unknown>" else value


_C_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def unescape_c(value: str) -> str:
    """Undo Asterisk's ``ast_escape_c``, which AMI applies to caller and connected names."""
    if "\\" not in value:
        return value
    out: list[str] = []
    chars = iter(value)
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        out.append(_C_ESCAPES.get(nxt, nxt) if nxt else "\\")
    return "".join(out)


def unescape_sip_quoted(value: str) -> str:
    """Undo SIP quoted-pairs (``\\"`` and ``\\\\``): chan_pjsip keeps a display name as
    written inside the quotes, so ``"Ann \\"A\\""`` reaches Asterisk escaped."""
    return re.sub(r"\\(.)", r"\1", value)


def _name(msg: Message, key: str, channel: str) -> str:
    name = unescape_c(_unknown(msg.get(key)))
    return unescape_sip_quoted(name) if channel.startswith("PJSIP/") else name


def _channel(msg: Message, prefix: str = "") -> ChannelInfo | None:
    channel = msg.get(prefix + "Channel")
    if channel is None:
        return None
    return ChannelInfo(
        channel=channel,
        uniqueid=msg.get(prefix + "Uniqueid") or "",
        linkedid=msg.get(prefix + "Linkedid") or msg.get(prefix + "Uniqueid") or "",
        state=_int(msg.get(prefix + "ChannelState")),
        caller_number=_unknown(msg.get(prefix + "CallerIDNum")),
        caller_name=_name(msg, prefix + "CallerIDName", channel),
        connected_number=_unknown(msg.get(prefix + "ConnectedLineNum")),
        connected_name=_name(msg, prefix + "ConnectedLineName", channel),
        context=msg.get(prefix + "Context") or "",
        exten=msg.get(prefix + "Exten") or "",
        language=msg.get(prefix + "Language") or "",
    )


def _agi_env(encoded: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in unquote(encoded).splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            env[key] = value
    return env


def _user_fields(msg: Message) -> dict[str, str]:
    skip = {"event", "privilege", "timestamp", "userevent", "systemname"}
    return {k: v for k, v in msg.headers if k.lower() not in skip}


_QUEUE_MEMBER_EVENTS: dict[str, type[QueueMemberEvent]] = {
    "QueueMemberAdded": QueueMemberAdded,
    "QueueMemberRemoved": QueueMemberRemoved,
    "QueueMemberStatus": QueueMemberStatus,
    "QueueMemberPause": QueueMemberPause,
    "QueueMember": QueueMemberStatus,  # the items of a QueueStatus list
}


def _queue_member(cls: type[QueueMemberEvent], msg: Message, at: datetime) -> QueueMemberEvent:
    return cls(
        at,
        msg.get("Queue") or "",
        msg.get("Interface") or msg.get("Location") or "",
        msg.get("MemberName") or msg.get("Name") or "",
        _int(msg.get("Status")),
        msg.get("Paused") == "1",
        # Asterisk 22 says PausedReason; older versions said Reason on QueueMemberPause.
        msg.get("PausedReason") or msg.get("Reason") or "",
        msg.get("InCall") == "1",
        _int(msg.get("Penalty")),
        _int(msg.get("LastCall")),
        _int(msg.get("LoginTime")),
        _int(msg.get("Wrapuptime")),
    )


def _transfer(name: str, msg: Message, at: datetime) -> Event:
    """Transfer events name their channels with prefixes; the call is the transferer's."""
    result = msg.get("Result") or ""
    if name == "BlindTransfer":
        transferer = _channel(msg, "Transferer")
        if transferer is None:
            return RawEvent(at, name, msg)
        return BlindTransfer(
            at,
            transferer,
            _channel(msg, "Transferee"),
            msg.get("Context") or "",
            msg.get("Extension") or "",
            result,
            msg.get("IsExternal") == "Yes",
        )
    original = _channel(msg, "OrigTransferer")
    if original is None:
        return RawEvent(at, name, msg)
    return AttendedTransfer(
        at,
        original,
        _channel(msg, "SecondTransferer"),
        _channel(msg, "TransferTarget"),
        _channel(msg, "Transferee"),
        msg.get("DestType") or "",
        result,
    )


def event_from_message(msg: Message, *, now: Callable[[], datetime] | None = None) -> Event:
    """Build the typed event for one AMI event message (``RawEvent`` when not modelled)."""
    name = msg.get("Event") or ""
    at = _timestamp(msg, now or (lambda: datetime.now(UTC)))
    if name == "FullyBooted":
        return FullyBooted(at)
    if name == "Shutdown":
        return Shutdown(at)
    if name in _QUEUE_MEMBER_EVENTS:
        return _queue_member(_QUEUE_MEMBER_EVENTS[name], msg, at)
    if name == "DeviceStateChange":
        return DeviceStateChange(at, msg.get("Device") or "", msg.get("State") or "")
    if name in ("BlindTransfer", "AttendedTransfer"):
        return _transfer(name, msg, at)
    chan = _channel(msg)
    if chan is None:
        return RawEvent(at, name, msg)
    dest = _channel(msg, "Dest")
    match name:
        case "Newchannel":
            return Newchannel(at, chan)
        case "Newstate":
            return Newstate(at, chan)
        case "NewCallerid":
            return NewCallerid(at, chan)
        case "Hangup":
            return Hangup(at, chan, _int(msg.get("Cause")), msg.get("Cause-txt") or "")
        case "DialBegin":
            return DialBegin(at, chan, dest, msg.get("DialString") or "")
        case "DialEnd":
            return DialEnd(at, chan, dest, msg.get("DialStatus") or "")
        case "BridgeEnter":
            return BridgeEnter(at, chan, msg.get("BridgeUniqueid") or "")
        case "BridgeLeave":
            return BridgeLeave(at, chan, msg.get("BridgeUniqueid") or "")
        case "QueueCallerJoin":
            return QueueCallerJoin(at, chan, msg.get("Queue") or "", _int(msg.get("Position")))
        case "QueueCallerLeave":
            return QueueCallerLeave(at, chan, msg.get("Queue") or "")
        case "QueueCallerAbandon":
            return QueueCallerAbandon(at, chan, msg.get("Queue") or "", _int(msg.get("HoldTime")))
        case "AgentCalled" | "AgentConnect" | "AgentComplete" | "AgentRingNoAnswer":
            common = (
                at,
                chan,
                dest,
                msg.get("Queue") or "",
                msg.get("Interface") or "",
                msg.get("MemberName") or "",
            )
            if name == "AgentCalled":
                return AgentCalled(*common)
            if name == "AgentConnect":
                return AgentConnect(*common)
            if name == "AgentComplete":
                return AgentComplete(*common, _int(msg.get("TalkTime")), msg.get("Reason") or "")
            return AgentRingNoAnswer(*common)
        case "AsyncAGIStart":
            return AsyncAGIStart(at, chan, _agi_env(msg.get("Env") or ""))
        case "AsyncAGIExec":
            return AsyncAGIExec(
                at, chan, msg.get("CommandID") or "", unquote(msg.get("Result") or "")
            )
        case "AsyncAGIEnd":
            return AsyncAGIEnd(at, chan)
        case "DTMFEnd":
            return DTMFEnd(at, chan, msg.get("Digit") or "", msg.get("Direction") or "")
        case "UserEvent":
            return UserEvent(at, chan, msg.get("UserEvent") or "", _user_fields(msg))
        case _:
            return RawEvent(at, name, msg)
