"""The hotline menu as admins edit it: validated text, saved with a backup, prompts rebuilt.

The configured menu (``ivr_menu``, default the shipped ``ivr/menus/hotline.toml``) is never
written to. The console saves its version to ``<state_dir>/admin/menus/<name>.toml``, which
then wins (``effective_menu_path``); the version it replaces is copied first to
``<state_dir>/admin/menus/backups/<name>-<UTC time>.toml``. Deleting the saved file returns
to the configured menu. Recorded prompt files named by a relative path are looked up next to
the saved file.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from callcenter.admin.overrides import admin_dir
from callcenter.config import Settings
from ivr.menu import Action, Menu
from ivr.menu_load import SHIPPED_MENUS, MenuCheck, MenuError, MenuProblem, parse_menu

log = logging.getLogger(__name__)


def configured_menu_path(settings: Settings) -> Path:
    return settings.ivr_menu or SHIPPED_MENUS / "hotline.toml"


def edited_menu_path(settings: Settings) -> Path:
    return admin_dir(settings.state_dir) / "menus" / configured_menu_path(settings).name


def backups_dir(settings: Settings) -> Path:
    return edited_menu_path(settings).parent / "backups"


def effective_menu_path(settings: Settings) -> Path:
    """The menu the IVR runs: the console's saved version if there is one."""
    edited = edited_menu_path(settings)
    return edited if edited.is_file() else configured_menu_path(settings)


def _actions(menu: Menu) -> list[tuple[str, str, Action]]:
    """(node, key, action) of every action a caller can trigger."""
    found = []
    for node in menu.nodes.values():
        for i, (digit, action) in enumerate(node.options.items()):
            found.append((node.name, f"options[{i}] (digit {digit})", action))
        found.append((node.name, "on_failure", node.on_failure))
        if node.on_silence is not None:
            found.append((node.name, "on_silence", node.on_silence))
    return found


def check_text(settings: Settings, text: str) -> MenuCheck:
    """Validate menu ``text`` as if saved; also that every queue it names exists."""
    target = edited_menu_path(settings)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return MenuCheck(target, None, [MenuProblem(target, None, "(file)", f"not TOML: {exc}")])
    check = parse_menu(data, source=target)
    if check.menu is not None:
        for node, key, action in _actions(check.menu):
            if action.queue is not None and action.queue not in settings.queues:
                known = ", ".join(settings.queues)
                message = f"no queue {action.queue!r} (the queues are {known})"
                check.errors.append(MenuProblem(target, node, f"{key}.queue", message))
        if check.errors:
            check.menu = None
    return check


@dataclass(frozen=True)
class SavedMenu:
    path: Path
    backup: Path | None
    menu: Menu
    prompts_built: int


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def save_text(settings: Settings, text: str, *, now: datetime | None = None) -> SavedMenu:
    """Validate, back up the current version, save, rebuild the prompts. Nothing is written
    when the text has errors (``MenuError`` lists them all)."""
    check = check_text(settings, text)
    if check.menu is None:
        raise MenuError(check.errors)
    current = effective_menu_path(settings)
    backup = None
    if current.is_file():
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
        backup = backups_dir(settings) / f"{current.stem}-{stamp}.toml"
        _write_atomic(backup, current.read_text(encoding="utf-8"))
    target = edited_menu_path(settings)
    _write_atomic(target, text)
    built = build_prompts(settings, check.menu)
    log.info("admin: menu saved to %s (%d prompt file(s) rebuilt)", target, built)
    return SavedMenu(target, backup, check.menu, built)


def build_prompts(settings: Settings, menu: Menu) -> int:
    """Make the prompts of ``menu`` that are missing or changed; how many were made."""
    from callcenter.controller.ivr_setup import prompt_folders
    from ivr.prompt_build import build, check_tools, plan

    check_tools()
    return sum(build(job) for job in plan([menu], prompt_folders(settings)[1]))


def list_backups(settings: Settings) -> list[Path]:
    """Saved earlier versions, newest first."""
    folder = backups_dir(settings)
    return sorted(folder.glob("*.toml"), reverse=True) if folder.is_dir() else []
