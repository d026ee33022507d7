"""Queue settings for overflow and keep-your-place: validated, and rendered into Asterisk."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.config import ConfigError, Settings, load_settings
from callcenter.sandbox.config_render import render_all, render_context
from callcenter.sandbox.installation import DEBIAN_DIRS
from callcenter.sandbox.secrets_store import load_or_create_secrets
from tests.unit.test_sandbox_render import section


def rendered(tmp_path: Path, **queue_settings: dict[str, object]) -> dict[str, str]:
    settings = Settings(
        state_dir=tmp_path / "state", cache_dir=tmp_path / "cache", queue_settings=queue_settings
    )
    secrets = load_or_create_secrets(tmp_path / "secrets.json", settings.agent_extensions)
    return render_all(render_context(settings, secrets, dict(DEBIAN_DIRS)))


def test_overflow_to_voicemail_and_callback_go_to_their_contexts(tmp_path: Path) -> None:
    files = rendered(
        tmp_path,
        repair={"overflow_to": "callback", "overflow_seconds": 20},
        complaints={"overflow_to": "voicemail"},
        general={"overflow_to": "repair"},
    )
    queue = section(files["extensions.conf"], "cc-queue")
    assert '"TIMEOUT"]?cc-overflow,callback,1)' in queue
    assert '"TIMEOUT"]?cc-overflow,voicemail,1)' in queue
    assert '"TIMEOUT"]?cc-queue,repair,1)' in queue
    overflow = section(files["extensions.conf"], "cc-overflow")
    assert "UserEvent(IvrVoicemail," in overflow and "UserEvent(IvrCallback," in overflow


def test_keep_place_offers_star_in_the_queue_unless_turned_off(tmp_path: Path) -> None:
    files = rendered(tmp_path, repair={"keep_place": False, "periodic_announce_seconds": 40})
    general = section(files["queues.conf"], "general_queue")
    assert "context = cc-keep-place" in general
    assert "periodic-announce = /var/lib/asterisk/sounds/callcenter-queue/keep-place" in general
    repair = section(files["queues.conf"], "repair")
    assert "context" not in repair and "periodic-announce-frequency = 40" in repair
    assert "exten => *,1," in section(files["extensions.conf"], "cc-keep-place")


def test_an_unknown_overflow_target_is_refused_with_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(state_dir=tmp_path, queue_settings={"repair": {"overflow_to": "mail"}})
    message = str(raised.value)
    assert "repair.overflow_to" in message and "'voicemail', 'callback'" in message
