"""An IVR menu as typed, validated data: nodes, prompts, digit options and their actions.

A ``Menu`` is built only by ``ivr.menu_load`` (which checks every reference); the engine
trusts it. Everything here is frozen: a menu is shared by every call that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

# The ticket states a caller can hear about; the same values as
# ``callcenter.tickets.ticket_fields.Status`` (a unit test keeps them in step).
TICKET_STATUSES = (
    "new",
    "assigned",
    "in_progress",
    "waiting_customer",
    "resolved",
    "closed",
    "cancelled",
)

# A ticket number as printed (20261124-0001) is keyed as its 12 digits.
TICKET_DIGITS = 12

# Prompts the engine itself plays, by id; the menu must define them in ``[prompts]``.
ENGINE_PROMPTS = ("invalid", "no_input", "blocked")
TICKET_PROMPTS = (
    "ticket_entry",
    "ticket_invalid",
    "ticket_not_found",
    "ticket_unavailable",
    *(f"ticket_status_{status}" for status in TICKET_STATUSES),
)


class ActionKind(StrEnum):
    SUBMENU = "submenu"
    QUEUE = "queue"
    EXTENSION = "extension"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"
    TICKET_STATUS = "ticket_status"
    LANGUAGE = "language"
    REPEAT = "repeat"
    BACK = "back"
    HANGUP = "hangup"


# What a node may do when the caller fails too often: route somewhere, never hang up.
ROUTING_KINDS = frozenset(
    {
        ActionKind.SUBMENU,
        ActionKind.QUEUE,
        ActionKind.EXTENSION,
        ActionKind.VOICEMAIL,
        ActionKind.CALLBACK,
    }
)


# The keys each action takes besides ``action``, ``digit`` (options) and ``say``.
ACTION_KEYS: dict[ActionKind, tuple[set[str], set[str]]] = {  # (required, optional)
    ActionKind.SUBMENU: ({"target"}, set()),
    ActionKind.QUEUE: ({"queue"}, set()),
    ActionKind.EXTENSION: ({"extension"}, set()),
    ActionKind.VOICEMAIL: ({"mailbox"}, set()),
    ActionKind.CALLBACK: (set(), {"queue"}),
    ActionKind.TICKET_STATUS: (set(), {"target"}),
    ActionKind.LANGUAGE: ({"language", "target"}, set()),
    ActionKind.REPEAT: (set(), set()),
    ActionKind.BACK: (set(), set()),
    ActionKind.HANGUP: (set(), set()),
}


@dataclass(frozen=True, slots=True)
class Action:
    """What a key does. Only the fields of its kind are set (the loader checks this).

    ``say`` is a prompt id played (not interruptible) before the action, e.g. "transferring
    you now" before a queue, or the confirmation of a callback request.
    """

    kind: ActionKind
    target: str | None = None  # submenu, language (the node after), ticket_status (then)
    queue: str | None = None  # queue; callback (optional: which queue calls back)
    extension: str | None = None
    mailbox: str | None = None
    language: str | None = None
    say: str | None = None


@dataclass(frozen=True, slots=True)
class Prompt:
    """Words a caller hears, per language; ``files`` are recordings that replace the
    synthesized voice for a language (paths relative to the menu file)."""

    id: str
    text: dict[str, str]
    files: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    prompt: Prompt
    options: dict[str, Action]  # digit -> action
    timeout: float  # seconds to wait for a key after the prompt
    max_tries: int  # invalid or silent tries; the last one leads to on_failure
    on_failure: Action
    on_silence: Action | None = None  # silence does this at once instead of counting a try


@dataclass(frozen=True, slots=True)
class Menu:
    name: str
    source: Path
    start: str
    main: str  # outside business hours, every move to this node leads to after_hours
    after_hours: str | None
    languages: tuple[str, ...]
    default_language: str
    vip_priority: int
    nodes: dict[str, Node]
    prompts: dict[str, Prompt]  # messages: invalid, no_input, blocked, ticket_*, says

    def prompt(self, prompt_id: str) -> Prompt:
        """A node's prompt (by node name) or a message prompt."""
        node = self.nodes.get(prompt_id)
        return node.prompt if node is not None else self.prompts[prompt_id]

    def all_prompts(self) -> list[Prompt]:
        """Every prompt a caller of this menu may hear: node prompts, then messages."""
        return [node.prompt for node in self.nodes.values()] + list(self.prompts.values())
