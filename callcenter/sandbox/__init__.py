"""The Asterisk sandbox: a loopback-only Asterisk for development, tests and the demo."""

from callcenter.sandbox.errors import SandboxError
from callcenter.sandbox.sandbox import Sandbox

__all__ = ["Sandbox", "SandboxError"]
