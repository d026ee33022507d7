"""The menu as admins save it: validated first, nothing written on error, a backup kept,
prompts rebuilt, and the saved version is the one the IVR loads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcenter.admin.menu_store import (
    check_text,
    configured_menu_path,
    effective_menu_path,
    list_backups,
    save_text,
)
from callcenter.config import Settings
from ivr.menu_load import MenuError


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        state_dir=tmp_path / "state", cache_dir=tmp_path / "cache", prompts_dir=tmp_path / "p"
    )


def shipped_text(settings: Settings) -> str:
    return configured_menu_path(settings).read_text(encoding="utf-8")


def test_an_error_names_node_and_key_and_nothing_is_saved(settings: Settings) -> None:
    text = shipped_text(settings).replace('queue = "repair"', 'queue = "repairs"', 1)
    check = check_text(settings, text)
    assert check.menu is None
    assert any(
        p.node == "main" and p.key.endswith(".queue") and "repairs" in p.message
        for p in check.errors
    ), check.errors
    with pytest.raises(MenuError):
        save_text(settings, text)
    assert effective_menu_path(settings) == configured_menu_path(settings)
    assert list_backups(settings) == []


def test_not_toml_is_an_error_of_the_file(settings: Settings) -> None:
    check = check_text(settings, "[menu\nname = ")
    assert check.menu is None and check.errors[0].key == "(file)"


def test_saving_keeps_the_previous_version_and_builds_the_prompts(settings: Settings) -> None:
    original = shipped_text(settings)
    changed = original.replace("欢迎致电总服务台", "欢迎致电维修服务台", 1)
    saved = save_text(settings, changed, now=datetime(2026, 5, 1, tzinfo=UTC))
    assert effective_menu_path(settings) == saved.path
    assert saved.path.read_text(encoding="utf-8") == changed
    assert saved.backup is not None and saved.backup.read_text(encoding="utf-8") == original
    assert saved.prompts_built >= 1
    assert (settings.prompts_dir / "zh" / "language.wav").is_file()  # type: ignore[operator]
    again = save_text(settings, original, now=datetime(2026, 5, 2, tzinfo=UTC))
    assert again.backup is not None and again.backup.read_text(encoding="utf-8") == changed
    assert len(list_backups(settings)) == 2
    assert configured_menu_path(settings).read_text(encoding="utf-8") == original  # untouched
