"""Which AMI account the controller and the CLI use: the configured one, else the sandbox's.

Kept apart from the runner so that commands needing only AMI (agents, transfers) do not
import the console.
"""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.config import Settings


@dataclass(frozen=True)
class AmiEndpoint:
    host: str
    port: int
    username: str
    secret: str

    def __repr__(self) -> str:  # never show the secret
        return f"AmiEndpoint({self.username}@{self.host}:{self.port})"


def ami_endpoint(settings: Settings) -> AmiEndpoint:
    """The configured AMI account, or the sandbox's when none is configured."""
    if settings.ami_username and settings.ami_secret:
        return AmiEndpoint(
            settings.ami_host or settings.bind_host,
            settings.ami_port,
            settings.ami_username,
            settings.ami_secret,
        )
    from callcenter.sandbox.sandbox import Sandbox

    ami = Sandbox(settings).info()["ami"]
    return AmiEndpoint(ami["host"], int(ami["port"]), ami["username"], ami["secret"])
