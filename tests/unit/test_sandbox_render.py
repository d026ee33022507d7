"""The Asterisk configuration templates render completely and stay on loopback."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from callcenter.config import Settings
from callcenter.sandbox.config_render import TEMPLATE_DIR, render_all, render_context
from callcenter.sandbox.installation import DEBIAN_DIRS
from callcenter.sandbox.secrets_store import load_or_create_secrets


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(state_dir=tmp_path / "state", cache_dir=tmp_path / "cache")


@pytest.fixture
def files(settings: Settings) -> dict[str, str]:
    secrets = load_or_create_secrets(
        settings.state_dir / "sandbox" / "secrets.json", settings.agent_extensions
    )
    return render_all(render_context(settings, secrets, dict(DEBIAN_DIRS)))


def section(text: str, name: str) -> str:
    """The body of one ``[name]`` section (every section of that name, joined)."""
    parts = re.split(r"^\[([^\]]+)\].*$", text, flags=re.M)
    return "\n".join(
        body for head, body in zip(parts[1::2], parts[2::2], strict=True) if head == name
    )


def test_every_template_renders_to_a_conf_file(files: dict[str, str]) -> None:
    templates = {p.name.removesuffix(".j2") for p in TEMPLATE_DIR.glob("*.j2")}
    assert set(files) == templates
    assert {"asterisk.conf", "modules.conf", "manager.conf", "pjsip.conf"} <= set(files)
    assert {"extensions.conf", "queues.conf", "rtp.conf", "logger.conf"} <= set(files)


def test_no_template_placeholder_is_left(files: dict[str, str]) -> None:
    for name, text in files.items():
        assert not re.search(r"\{\{|\}\}|\{%|%\}|\$\{?\w*PLACEHOLDER", text), name


def test_manager_binds_to_loopback_with_timestamps(files: dict[str, str]) -> None:
    general = section(files["manager.conf"], "general")
    assert re.search(r"^bindaddr = 127\.0\.0\.1$", general, re.M)
    assert re.search(r"^port = 5038$", general, re.M)
    assert re.search(r"^timestampevents = yes$", general, re.M)
    assert "permit = 127.0.0.1/255.255.255.255" in files["manager.conf"]


def test_sip_transport_and_media_bind_to_loopback(files: dict[str, str]) -> None:
    pjsip = files["pjsip.conf"]
    assert re.search(r"^bind = 127\.0\.0\.1:5060$", pjsip, re.M)
    assert "0.0.0.0" not in pjsip
    assert re.search(r"^media_address = 127\.0\.0\.1$", pjsip, re.M)
    assert re.search(r"^bind_rtp_to_media_address = yes$", pjsip, re.M)


def test_pstn_trunk_accepts_any_caller_id(files: dict[str, str]) -> None:
    pstn = section(files["pjsip.conf"], "pstn")
    assert "identify_by = auth_username,username" in pstn
    assert "context = from-pstn" in pstn
    assert "callerid" not in pstn  # an endpoint callerid would replace the From header


def test_every_agent_has_endpoint_auth_and_queue_membership(
    settings: Settings, files: dict[str, str]
) -> None:
    for ext in settings.agent_extensions:
        endpoint = section(files["pjsip.conf"], ext)
        assert "type = auth" in endpoint and "context = agents" in endpoint
        # Members are dynamic (agents log in and out); `sandbox up` logs these in.
        assert f"Goto(cc-agent-dial,{ext},1)" in section(files["extensions.conf"], "agents")
    assert "persistentmembers = yes" in files["queues.conf"]


def test_queue_general_gets_an_app_queue_name_that_is_not_the_settings_section(
    files: dict[str, str],
) -> None:
    assert "[general_queue](queue-defaults)" in files["queues.conf"]
    assert "Queue(general_queue,rtc,,,300)" in section(files["extensions.conf"], "cc-queue")


def test_hotline_fails_open_to_the_queue(files: dict[str, str]) -> None:
    dialplan = section(files["extensions.conf"], "callcenter-services")
    assert "exten => 8000,1," in dialplan
    assert "GLOBAL(CC_HEARTBEAT)" in dialplan
    assert dialplan.index("AGI(agi:async)") < dialplan.index("(queue),Goto(cc-queue,")
    assert "exten => 8001,1," in dialplan
    assert "include => callcenter-services" in section(files["extensions.conf"], "from-pstn")


def test_modules_are_not_autoloaded(files: dict[str, str]) -> None:
    modules = files["modules.conf"]
    assert re.search(r"^autoload = no$", modules, re.M)
    for needed in ("chan_pjsip", "app_queue", "res_agi", "app_mixmonitor", "pbx_config"):
        assert f"load => {needed}.so" in modules


def test_secrets_file_is_private_and_reused(settings: Settings) -> None:
    path = settings.state_dir / "sandbox" / "secrets.json"
    first = load_or_create_secrets(path, settings.agent_extensions)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_or_create_secrets(path, settings.agent_extensions)
    assert again == first
    more = load_or_create_secrets(path, [*settings.agent_extensions, "1011"])
    assert more.agent_passwords["1001"] == first.agent_passwords["1001"]
    assert more.agent_passwords["1011"]
