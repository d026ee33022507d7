"""The sandbox's generated credentials, kept in the state dir with mode 0600.

Generated on first ``up`` and reused after, so phones and the controller keep working
across restarts. They are never logged and never written into the repository.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from callcenter.sandbox.errors import SandboxError

AMI_USERNAME = "callcenter"
PSTN_USERNAME = "pstn"


def _token() -> str:
    return secrets.token_urlsafe(18)


@dataclass(frozen=True)
class SandboxSecrets:
    ami_username: str
    ami_secret: str
    pstn_password: str
    agent_passwords: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "ami_username": self.ami_username,
                "ami_secret": self.ami_secret,
                "pstn_password": self.pstn_password,
                "agent_passwords": self.agent_passwords,
            },
            indent=2,
            sort_keys=True,
        )


def load_or_create_secrets(path: Path, agent_extensions: list[str]) -> SandboxSecrets:
    """Read the secrets file, adding what is missing (e.g. new agents) and saving it."""
    data: dict[str, object] = {}
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SandboxError(
                f"{path} is unreadable ({exc}); remove it to generate new credentials"
            ) from exc
    raw_agents = data.get("agent_passwords")
    agents = dict(raw_agents) if isinstance(raw_agents, dict) else {}
    current = SandboxSecrets(
        ami_username=str(data.get("ami_username") or AMI_USERNAME),
        ami_secret=str(data.get("ami_secret") or _token()),
        pstn_password=str(data.get("pstn_password") or _token()),
        agent_passwords={ext: str(agents.get(ext) or _token()) for ext in agent_extensions}
        | {str(k): str(v) for k, v in agents.items()},
    )
    if not path.exists() or json.loads(current.to_json()) != data:
        _write_private(path, current.to_json() + "\n")
    elif path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return current


def _write_private(path: Path, text: str) -> None:
    """Write atomically; the file is 0600 from the moment it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def set_agent_password(path: Path, extension: str, password: str | None) -> SandboxSecrets:
    """Store a new password for ``extension`` (``None``: forget the agent); the secrets."""
    current = load_or_create_secrets(path, [])
    agents = dict(current.agent_passwords)
    if password is None:
        agents.pop(extension, None)
    else:
        agents[extension] = password
    updated = SandboxSecrets(
        current.ami_username, current.ami_secret, current.pstn_password, agents
    )
    _write_private(path, updated.to_json() + "\n")
    return updated


def new_password() -> str:
    """A fresh SIP password (24 URL-safe characters)."""
    return _token()
