"""Agents' SIP accounts from the console: add (as ``callcenter agent add``), reset the
password, remove. Passwords go to the sandbox's secrets file (mode 0600) and Asterisk's
rendered config only; they are returned once to be shown, and never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from callcenter.admin.asterisk_apply import Applied, apply_to_asterisk, sandbox_installed
from callcenter.agents.store import AgentRepository
from callcenter.config import Settings
from callcenter.db.agent_models import AgentRow
from callcenter.sandbox.sandbox import Sandbox
from callcenter.sandbox.secrets_store import (
    load_or_create_secrets,
    new_password,
    set_agent_password,
)

log = logging.getLogger(__name__)


class AgentAccountError(ValueError):
    """The change cannot be made; the message says why and what to do instead.

    ``kind`` (``extension``, ``reserved``, ``exists``, ``configured``, ``unknown``,
    ``queue``, ``penalty``) lets the console say it in the user's language."""

    def __init__(self, message: str, *, kind: str, extension: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.extension = extension


@dataclass(frozen=True)
class SipCredentials:
    """What a softphone needs. ``repr`` hides the password (logs, tracebacks)."""

    server: str
    port: int
    username: str
    password: str
    transport: str = "UDP"

    def __repr__(self) -> str:
        return f"SipCredentials({self.username}@{self.server}:{self.port})"


@dataclass(frozen=True)
class AgentListing:
    extension: str
    name: str
    queues: list[str]  # the queues it logs in to (every queue when none are recorded)
    skills: dict[str, int]
    configured: bool  # one of agent_first..agent_count: its endpoint is in pjsip.conf
    has_account: bool  # a SIP password exists


def check_extension(settings: Settings, extension: str) -> str:
    value = extension.strip()
    if not value.isdigit() or not 2 <= len(value) <= 8:
        raise AgentAccountError(
            f"{extension!r} is not an extension: 2 to 8 digits", kind="extension"
        )
    taken = {settings.hotline, *settings.direct_extensions.values()}
    if value in taken:
        raise AgentAccountError(
            f"{value} is the hotline or a queue's direct number", kind="reserved", extension=value
        )
    return value


def check_queues(settings: Settings, queues: Sequence[str], skills: dict[str, int]) -> None:
    for queue in [*queues, *skills]:
        if queue not in settings.queues:
            raise AgentAccountError(
                f"no queue {queue!r}; the queues are {settings.queues}", kind="queue"
            )
    for queue, penalty in skills.items():
        if not 0 <= penalty <= 100:
            raise AgentAccountError(f"penalty for {queue}: {penalty} is not 0..100", kind="penalty")


def _credentials(settings: Settings, extension: str, password: str) -> SipCredentials:
    return SipCredentials(settings.bind_host, settings.sip_port, extension, password)


def list_agents(settings: Settings, session: Session) -> list[AgentListing]:
    """Configured agents and agents added later, by extension."""
    rows = {row.extension: row for row in AgentRepository(session).all()}
    sandbox = Sandbox(settings)
    passwords = (
        load_or_create_secrets(sandbox.secrets_file, []).agent_passwords
        if sandbox.secrets_file.exists()
        else {}
    )
    configured = set(settings.agent_extensions)
    listing = []
    for ext in sorted(configured | set(rows), key=lambda e: (len(e), e)):
        row: AgentRow | None = rows.get(ext)
        listing.append(
            AgentListing(
                extension=ext,
                name=row.name if row else "",
                queues=list(row.queues) if row and row.queues else list(settings.queues),
                skills={q: int(p) for q, p in (row.skills if row else {}).items()},
                configured=ext in configured,
                has_account=ext in passwords or ext in configured,
            )
        )
    return listing


def add_agent(
    settings: Settings,
    session: Session,
    extension: str,
    *,
    name: str,
    queues: Sequence[str],
    skills: dict[str, int],
) -> tuple[SipCredentials, Applied]:
    """A new agent with a SIP endpoint (live when the sandbox runs); the credentials."""
    ext = check_extension(settings, extension)
    check_queues(settings, queues, skills)
    sandbox = Sandbox(settings)
    known = load_or_create_secrets(sandbox.secrets_file, settings.agent_extensions)
    repo = AgentRepository(session)
    if ext in known.agent_passwords or repo.get(ext) is not None:
        raise AgentAccountError(
            f"agent {ext} exists already: edit it, or reset its password",
            kind="exists",
            extension=ext,
        )
    repo.save(ext, name=name.strip(), queues=list(queues), skills=dict(skills))
    password = new_password()
    set_agent_password(sandbox.secrets_file, ext, password)
    applied = _apply(settings, sandbox)
    log.info("admin: agent %s added (SIP account created)", ext)
    return _credentials(settings, ext, password), applied


def reset_password(settings: Settings, extension: str) -> tuple[SipCredentials, Applied]:
    """A new SIP password for an agent; its phone must register again with it."""
    sandbox = Sandbox(settings)
    known = load_or_create_secrets(sandbox.secrets_file, settings.agent_extensions)
    if extension not in known.agent_passwords:
        raise AgentAccountError(
            f"agent {extension} has no SIP account", kind="unknown", extension=extension
        )
    password = new_password()
    set_agent_password(sandbox.secrets_file, extension, password)
    applied = _apply(settings, sandbox)
    log.info("admin: agent %s SIP password reset", extension)
    return _credentials(settings, extension, password), applied


def update_agent(
    settings: Settings,
    session: Session,
    extension: str,
    *,
    name: str,
    queues: Sequence[str],
    skills: dict[str, int],
) -> AgentRow:
    check_queues(settings, queues, skills)
    repo = AgentRepository(session)
    if repo.get(extension) is None and extension not in settings.agent_extensions:
        raise AgentAccountError(f"no agent {extension}", kind="unknown", extension=extension)
    return repo.save(extension, name=name.strip(), queues=list(queues), skills=dict(skills))


def remove_agent(settings: Settings, session: Session, extension: str) -> Applied:
    """Remove an added agent: out of every queue, no SIP endpoint, no row (its timeline and
    calls stay). Configured agents (agent_first..agent_count) are settings, not removable."""
    from callcenter.agents.provision import rx

    if extension in settings.agent_extensions:
        raise AgentAccountError(
            f"agent {extension} is one of the configured agents (agent_first, agent_count): "
            "change those settings to remove it, or reset its password to lock the phone out",
            kind="configured",
            extension=extension,
        )
    repo = AgentRepository(session)
    row = repo.get(extension)
    sandbox = Sandbox(settings)
    known = load_or_create_secrets(sandbox.secrets_file, settings.agent_extensions)
    if row is None and extension not in known.agent_passwords:
        raise AgentAccountError(f"no agent {extension}", kind="unknown", extension=extension)
    if sandbox_installed(sandbox) and sandbox.status()["running"]:
        for queue in settings.asterisk_queues.values():
            output = rx(sandbox, f"queue show {queue}")
            if f"PJSIP/{extension} " in output or f"PJSIP/{extension})" in output:
                rx(sandbox, f"queue remove member PJSIP/{extension} from {queue}")
    set_agent_password(sandbox.secrets_file, extension, None)
    if row is not None:
        session.delete(row)
        session.flush()
    applied = _apply(settings, sandbox)
    log.info("admin: agent %s removed", extension)
    return applied


def _apply(settings: Settings, sandbox: Sandbox) -> Applied:
    if not sandbox_installed(sandbox):
        return Applied(installed=False)
    return apply_to_asterisk(settings)
