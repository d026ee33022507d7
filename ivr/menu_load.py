"""Read a menu file (TOML) into a ``Menu``, checking everything a call could trip over.

Every problem names the file, the node and the key, e.g.
``ivr/menus/hotline.toml: node 'main': options[2].target: no node named 'mian'``.
All problems of a file are reported at once; unreachable nodes are warnings.
The file format is described in docs/ivr.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ivr.menu import (
    ACTION_KEYS,
    ENGINE_PROMPTS,
    ROUTING_KINDS,
    TICKET_PROMPTS,
    Action,
    ActionKind,
    Menu,
    Node,
    Prompt,
)

SHIPPED_MENUS = Path(__file__).resolve().parent / "menus"
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
DIGITS = "0123456789*"  # '#' ends input in Asterisk's GET DATA: it cannot be an option
MENU_KEYS = {"name", "start", "main", "after_hours", "languages", "default_language",
             "vip_priority", "on_failure"}  # fmt: skip
NODE_KEYS = {"prompt", "options", "timeout", "max_tries", "on_failure", "on_silence"}
DEFAULT_FAILURE = Action(ActionKind.QUEUE, queue="general")


@dataclass(frozen=True, slots=True)
class MenuProblem:
    file: Path
    node: str | None  # None: the [menu] or [prompts] tables
    key: str
    message: str

    def __str__(self) -> str:
        where = f"node '{self.node}': " if self.node is not None else ""
        return f"{self.file}: {where}{self.key}: {self.message}"


class MenuError(ValueError):
    """A menu file is not usable; ``problems`` lists every error found in it."""

    def __init__(self, problems: list[MenuProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(slots=True)
class MenuCheck:
    file: Path
    menu: Menu | None  # None when there are errors
    errors: list[MenuProblem] = field(default_factory=list)
    warnings: list[MenuProblem] = field(default_factory=list)


def load_menu(path: Path) -> Menu:
    """The menu in ``path``; raises ``MenuError`` naming every problem."""
    check = check_menu(path)
    if check.menu is None:
        raise MenuError(check.errors)
    return check.menu


def check_menu(path: Path) -> MenuCheck:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return MenuCheck(path, None, [MenuProblem(path, None, "(file)", str(exc))])
    except tomllib.TOMLDecodeError as exc:
        return MenuCheck(path, None, [MenuProblem(path, None, "(file)", f"not TOML: {exc}")])
    return parse_menu(data, source=path)


def shipped_menu_files() -> list[Path]:
    return sorted(SHIPPED_MENUS.glob("*.toml"))


def parse_menu(data: Mapping[str, Any], *, source: Path) -> MenuCheck:
    return _Reader(source).menu(data)


class _Reader:
    def __init__(self, source: Path) -> None:
        self.check = MenuCheck(source, None)
        self.source = source
        self.languages: tuple[str, ...] = ("zh", "en")
        self.node_names: set[str] = set()
        self.prompt_ids: set[str] = set()
        self.ticket_lookups: list[tuple[str | None, str]] = []  # where ticket_status is used

    def error(self, node: str | None, key: str, message: str) -> None:
        self.check.errors.append(MenuProblem(self.source, node, key, message))

    def unknown_keys(self, node: str | None, prefix: str, table: Mapping[str, Any],
                     allowed: set[str]) -> None:  # fmt: skip
        for key in sorted(set(table) - allowed):
            allowed_keys = ", ".join(sorted(allowed))
            self.error(node, f"{prefix}{key}", f"unknown key (allowed: {allowed_keys})")

    def table(self, node: str | None, key: str, value: Any) -> Mapping[str, Any]:
        if isinstance(value, Mapping):
            return value
        self.error(node, key, "must be a table")
        return {}

    def menu(self, data: Mapping[str, Any]) -> MenuCheck:
        self.unknown_keys(None, "", data, {"menu", "prompts", "nodes"})
        head = self.table(None, "menu", data.get("menu", {}))
        self.unknown_keys(None, "menu.", head, MENU_KEYS)
        langs = head.get("languages", ["zh", "en"])
        if not (isinstance(langs, list) and langs and all(isinstance(x, str) for x in langs)):
            self.error(None, "menu.languages", 'must be a list of language codes, e.g. ["zh"]')
            langs = ["zh", "en"]
        self.languages = tuple(langs)
        default = head.get("default_language", self.languages[0])
        if default not in self.languages:
            self.error(None, "menu.default_language", f"{default!r} is not in menu.languages")
        prompts = {
            pid: self.prompt(None, f"prompts.{pid}", pid, raw)
            for pid, raw in self.table(None, "prompts", data.get("prompts", {})).items()
        }
        raw_nodes = self.table(None, "nodes", data.get("nodes", {}))
        self.node_names, self.prompt_ids = set(raw_nodes), set(prompts)
        if not raw_nodes:
            self.error(None, "nodes", "a menu needs at least one node")
        fallback = DEFAULT_FAILURE
        if "on_failure" in head:
            fallback = self.action(None, "menu.on_failure", head["on_failure"]) or fallback
        nodes = {n: self.node(n, raw, fallback) for n, raw in raw_nodes.items()}
        for name in nodes:
            if name in prompts:
                self.error(name, "(name)", f"prompt id {name!r} is also defined in [prompts]")
        start = head.get("start", next(iter(nodes), ""))
        main = head.get("main", start)
        after_hours = head.get("after_hours")
        for key in ("start", "main", "after_hours"):  # main defaults to start: named once
            if key in head and head[key] not in nodes:
                self.error(None, f"menu.{key}", f"no node named {head[key]!r}")
        priority = head.get("vip_priority", 10)
        if not isinstance(priority, int) or not 0 <= priority <= 100:
            self.error(None, "menu.vip_priority", "must be a whole number 0..100")
            priority = 10
        menu = Menu(
            name=str(head.get("name", self.source.stem)), source=self.source, start=str(start),
            main=str(main), after_hours=after_hours, languages=self.languages,
            default_language=str(default), vip_priority=priority, nodes=nodes, prompts=prompts,
        )  # fmt: skip
        self.engine_prompts(menu)
        if not self.check.errors:
            self.check.menu = menu
            self.reachability(menu)
        return self.check

    def prompt(self, node: str | None, key: str, pid: str, raw: Any) -> Prompt:
        if not NAME.fullmatch(pid):
            self.error(node, key, "a prompt id is lower-case letters, digits and _")
        table = self.table(node, key, raw)
        self.unknown_keys(node, f"{key}.", table, {*self.languages, "files"})
        text: dict[str, str] = {}
        for lang in self.languages:
            value = table.get(lang)
            if not isinstance(value, str) or not value.strip():
                self.error(node, f"{key}.{lang}", f"no text for language '{lang}'")
            else:
                text[lang] = value.strip()
        files: dict[str, Path] = {}
        for lang, file in self.table(node, f"{key}.files", table.get("files", {})).items():
            if lang not in self.languages or not isinstance(file, str):
                self.error(node, f"{key}.files.{lang}", "must map a menu language to a path")
            elif not (self.source.parent / file).is_file():
                self.error(node, f"{key}.files.{lang}", f"no recorded file {file!r}")
            else:
                files[lang] = self.source.parent / file
        return Prompt(pid, text, files)

    def node(self, name: str, raw: Any, fallback: Action) -> Node:
        if not NAME.fullmatch(name):
            self.error(name, "(name)", "a node name is lower-case letters, digits and _")
        table = self.table(name, f"nodes.{name}", raw)
        self.unknown_keys(name, "", table, NODE_KEYS)
        prompt = self.prompt(name, "prompt", name, table.get("prompt"))
        timeout = table.get("timeout", 5)
        number = isinstance(timeout, int | float) and not isinstance(timeout, bool)
        if not number or not 1 <= timeout <= 60:
            self.error(name, "timeout", "must be seconds between 1 and 60")
            timeout = 5
        tries = table.get("max_tries", 3)
        if isinstance(tries, bool) or not isinstance(tries, int) or not 1 <= tries <= 9:
            self.error(name, "max_tries", "must be a whole number between 1 and 9")
            tries = 3
        options: dict[str, Action] = {}
        raw_options = table.get("options", [])
        if not isinstance(raw_options, list):
            self.error(name, "options", "must be a list of tables")
            raw_options = []
        for i, raw_option in enumerate(raw_options):
            key = f"options[{i}]"
            option = self.table(name, key, raw_option)
            digit = option.get("digit")
            if not isinstance(digit, str) or len(digit) != 1 or digit not in DIGITS:
                self.error(name, f"{key}.digit", f"must be one key of {DIGITS} (as a string)")
            elif digit in options:
                self.error(name, f"{key}.digit", f"duplicate digit {digit!r}")
            action = self.action(name, key, {k: v for k, v in option.items() if k != "digit"})
            if action is not None and isinstance(digit, str):
                options.setdefault(digit, action)
        on_failure = fallback
        if "on_failure" in table:
            on_failure = self.action(name, "on_failure", table["on_failure"]) or fallback
        if on_failure.kind not in ROUTING_KINDS:
            kinds = ", ".join(sorted(ROUTING_KINDS))
            self.error(name, "on_failure", f"must route the caller ({kinds}), never hang up")
        on_silence = None
        if "on_silence" in table:
            on_silence = self.action(name, "on_silence", table["on_silence"])
            if on_silence is not None and on_silence.kind is ActionKind.HANGUP:
                self.error(name, "on_silence", "a silent caller is never hung up on")
        return Node(name, prompt, options, float(timeout), tries, on_failure, on_silence)

    def action(self, node: str | None, key: str, raw: Any) -> Action | None:
        table = self.table(node, key, raw)
        kind_name = table.get("action")
        try:
            kind = ActionKind(str(kind_name))
        except ValueError:
            known = ", ".join(k.value for k in ActionKind)
            self.error(node, f"{key}.action", f"unknown action {kind_name!r} (one of {known})")
            return None
        required, optional = ACTION_KEYS[kind]
        self.unknown_keys(node, f"{key}.", table, {"action", "say", *required, *optional})
        for missing in sorted(required - set(table)):
            self.error(node, f"{key}.{missing}", f"action '{kind}' needs '{missing}'")
        values = {k: table[k] for k in ("target", "queue", "extension", "mailbox", "language",
                                         "say") if k in table}  # fmt: skip
        for field_name, value in values.items():
            if not isinstance(value, str) or not value:
                self.error(node, f"{key}.{field_name}", "must be a non-empty string")
                return None
        if "extension" in values and not values["extension"].isdigit():
            self.error(node, f"{key}.extension", "must be digits")
        if "queue" in values and not NAME.fullmatch(values["queue"]):
            self.error(node, f"{key}.queue", "a queue name is lower-case letters, digits and _")
        if "language" in values and values["language"] not in self.languages:
            self.error(node, f"{key}.language", f"{values['language']!r} is not a menu language")
        if "target" in values and values["target"] not in self.node_names:
            self.error(node, f"{key}.target", f"no node named {values['target']!r}")
        if "say" in values and values["say"] not in self.prompt_ids:
            self.error(node, f"{key}.say", f"no prompt {values['say']!r} in [prompts]")
        if kind is ActionKind.TICKET_STATUS:
            self.ticket_lookups.append((node, key))
        return Action(kind, **values)

    def engine_prompts(self, menu: Menu) -> None:
        """The messages the engine plays exist: always, and for ticket lookups."""
        needed: dict[str, tuple[str | None, str]] = {p: (None, "prompts") for p in ENGINE_PROMPTS}
        for node_name, key in self.ticket_lookups:
            needed.update({pid: (node_name, key) for pid in TICKET_PROMPTS})
        for pid, (node_name, key) in needed.items():
            if pid not in menu.prompts:
                self.error(node_name, key, f"needs prompt '{pid}' in [prompts]")

    def reachability(self, menu: Menu) -> None:
        seen: set[str] = set()
        todo = [menu.start] + ([menu.after_hours] if menu.after_hours else [])
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            node = menu.nodes[name]
            actions = [*node.options.values(), node.on_failure]
            actions += [node.on_silence] if node.on_silence else []
            todo += [a.target for a in actions if a.target is not None]
        for name in menu.nodes:
            if name not in seen:
                self.check.warnings.append(
                    MenuProblem(self.source, name, "(node)", "unreachable from menu.start")
                )
