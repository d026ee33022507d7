"""The plain-dialplan peer of bench/ivr_load.py is the shipped menu, key for key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callcenter.config import Settings
from callcenter.sandbox.bench_menu import BENCH_MENU_EXTENSION
from callcenter.sandbox.config_render import render_all, render_context
from callcenter.sandbox.installation import DEBIAN_DIRS
from callcenter.sandbox.secrets_store import load_or_create_secrets
from tests.unit.test_sandbox_render import section


@pytest.fixture
def extensions(tmp_path: Path) -> str:
    settings = Settings(state_dir=tmp_path / "state", cache_dir=tmp_path / "cache")
    secrets = load_or_create_secrets(tmp_path / "secrets.json", settings.agent_extensions)
    return render_all(render_context(settings, secrets, dict(DEBIAN_DIRS)))["extensions.conf"]


def test_callers_on_the_pstn_trunk_reach_the_plain_dialplan_menu(extensions: str) -> None:
    assert "include => bench-dialplan-menu" in section(extensions, "from-pstn")
    menu = section(extensions, "bench-dialplan-menu")
    assert f"exten => {BENCH_MENU_EXTENSION},1," in menu
    assert BENCH_MENU_EXTENSION not in section(extensions, "callcenter-services")


def test_it_plays_the_controllers_prompt_files_and_keys(extensions: str) -> None:
    menu = section(extensions, "bench-dialplan-menu")
    prompts = f"{DEBIAN_DIRS['astvarlibdir']}/sounds/callcenter"
    assert f"Read(CC_KEY,{prompts}/${{CC_LANG}}/language,1,,1,5)" in menu
    assert f"Read(CC_KEY,{prompts}/${{CC_LANG}}/main,1,,1,6)" in menu
    routes = dict(re.findall(r"\(route-(\d)\),Set\(CC_QUEUE=(\w+)\)", menu))
    assert routes == {"1": "repair", "2": "complaints", "3": "general_queue", "0": "general_queue"}
    assert "Goto(cc-queue,${CC_QUEUE},1)" in menu
    # The same path entries as the controller's IVR reports.
    assert "UserEvent(IvrStep,Step: language:" in menu and "UserEvent(IvrStep,Step: main:" in menu
