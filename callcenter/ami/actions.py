"""Typed builders for the AMI actions the call center sends.

An :class:`Action` is a name plus ordered headers, without ActionID (the client adds one).
Values that must stay secret (``Secret``) never appear in ``repr`` or ``str``, so logging an
action is safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from callcenter.ami.protocol import serialize_action

REDACTED_HEADERS = frozenset({"secret", "key"})
Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, repr=False)
class Action:
    name: str
    headers: Headers = ()

    def with_action_id(self, action_id: str) -> Action:
        kept = tuple((k, v) for k, v in self.headers if k.lower() != "actionid")
        return Action(self.name, (("ActionID", action_id), *kept))

    @property
    def action_id(self) -> str | None:
        for k, v in self.headers:
            if k.lower() == "actionid":
                return v
        return None

    def to_bytes(self) -> bytes:
        return serialize_action(self.name, self.headers)

    def redacted_headers(self) -> Headers:
        return tuple(
            (k, "********" if k.lower() in REDACTED_HEADERS else v) for k, v in self.headers
        )

    def __repr__(self) -> str:
        return f"Action({self.name!r}, {self.redacted_headers()!r})"

    __str__ = __repr__


def _build(name: str, *pairs: tuple[str, str | int | bool | None]) -> Action:
    """Drop ``None`` values; booleans become ``true``/``false`` as Asterisk expects."""
    headers: list[tuple[str, str]] = []
    for key, value in pairs:
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        headers.append((key, str(value)))
    return Action(name, tuple(headers))


def _variables(variables: Mapping[str, str] | None) -> Iterable[tuple[str, str]]:
    for key, value in (variables or {}).items():
        yield ("Variable", f"{key}={value}")


def login(username: str, secret: str) -> Action:
    return _build("Login", ("Username", username), ("Secret", secret))


def logoff() -> Action:
    return Action("Logoff")


def ping() -> Action:
    return Action("Ping")


def setvar(variable: str, value: str, *, channel: str | None = None) -> Action:
    """Set a channel variable, or a global one when ``channel`` is None."""
    return _build("Setvar", ("Channel", channel), ("Variable", variable), ("Value", value))


def getvar(variable: str, *, channel: str | None = None) -> Action:
    return _build("Getvar", ("Channel", channel), ("Variable", variable))


def core_show_channels() -> Action:
    return Action("CoreShowChannels")


def bridge_list(*, bridge_type: str | None = None) -> Action:
    return _build("BridgeList", ("BridgeType", bridge_type))


def queue_status(*, queue: str | None = None, member: str | None = None) -> Action:
    return _build("QueueStatus", ("Queue", queue), ("Member", member))


def queue_summary(*, queue: str | None = None) -> Action:
    return _build("QueueSummary", ("Queue", queue))


def command(cli: str) -> Action:
    """Run a CLI command; its lines come back in ``Message.output``."""
    return _build("Command", ("Command", cli))


def agi(channel: str, agi_command: str, *, command_id: str | None = None) -> Action:
    """Queue an AsyncAGI command; its ``AsyncAGIExec`` event carries ``CommandID``."""
    return _build("AGI", ("Channel", channel), ("Command", agi_command), ("CommandID", command_id))


def originate(
    channel: str,
    *,
    context: str | None = None,
    exten: str | None = None,
    priority: int | None = None,
    application: str | None = None,
    data: str | None = None,
    timeout_ms: int | None = None,
    caller_id: str | None = None,
    variables: Mapping[str, str] | None = None,
    account: str | None = None,
    early_media: bool | None = None,
    run_async: bool = True,
    channel_id: str | None = None,
) -> Action:
    """Either ``context``/``exten``/``priority`` or ``application``/``data``."""
    if (application is None) == (exten is None):
        raise ValueError("originate needs either exten (with context) or application")
    action = _build(
        "Originate",
        ("Channel", channel),
        ("Context", context),
        ("Exten", exten),
        ("Priority", (1 if priority is None else priority) if exten is not None else None),
        ("Application", application),
        ("Data", data),
        ("Timeout", timeout_ms),
        ("CallerID", caller_id),
        ("Account", account),
        ("EarlyMedia", early_media),
        ("Async", run_async),
        ("ChannelId", channel_id),
    )
    return Action(action.name, (*action.headers, *_variables(variables)))


def redirect(
    channel: str,
    context: str,
    exten: str,
    priority: int = 1,
    *,
    extra_channel: str | None = None,
) -> Action:
    return _build(
        "Redirect",
        ("Channel", channel),
        ("ExtraChannel", extra_channel),
        ("Context", context),
        ("Exten", exten),
        ("Priority", priority),
    )


def hangup(channel: str, *, cause: int | None = None) -> Action:
    return _build("Hangup", ("Channel", channel), ("Cause", cause))


def queue_pause(
    interface: str, paused: bool, *, queue: str | None = None, reason: str | None = None
) -> Action:
    return _build(
        "QueuePause",
        ("Interface", interface),
        ("Paused", paused),
        ("Queue", queue),
        ("Reason", reason),
    )


def queue_add(
    queue: str,
    interface: str,
    *,
    member_name: str | None = None,
    penalty: int | None = None,
    paused: bool | None = None,
    state_interface: str | None = None,
) -> Action:
    return _build(
        "QueueAdd",
        ("Queue", queue),
        ("Interface", interface),
        ("MemberName", member_name),
        ("Penalty", penalty),
        ("Paused", paused),
        ("StateInterface", state_interface),
    )


def queue_remove(queue: str, interface: str) -> Action:
    return _build("QueueRemove", ("Queue", queue), ("Interface", interface))


def mix_monitor(channel: str, file: str, *, options: str | None = None) -> Action:
    return _build("MixMonitor", ("Channel", channel), ("File", file), ("Options", options))


def atxfer(channel: str, exten: str, *, context: str | None = None) -> Action:
    """Attended transfer started for ``channel`` (the transferer) to ``exten``."""
    return _build("Atxfer", ("Channel", channel), ("Exten", exten), ("Context", context))


def blind_transfer(channel: str, exten: str, context: str) -> Action:
    return _build("BlindTransfer", ("Channel", channel), ("Exten", exten), ("Context", context))
