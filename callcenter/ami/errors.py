"""Errors of the AMI client. :class:`~callcenter.ami.protocol.AmiProtocolError` (bad bytes)
lives with the sans-IO parser."""

from __future__ import annotations

from callcenter.ami.message import Message


class AmiError(Exception):
    """Base of the AMI client's errors."""


class AmiConnectionError(AmiError, ConnectionError):
    """The AMI server cannot be reached (refused, unreachable, connect timeout)."""


class AmiConnectionLost(AmiError, ConnectionError):
    """The connection ended (or was never up) while an action waited for its answer."""


class AmiAuthError(AmiError, PermissionError):
    """The server refused the Login: wrong username or secret, or a denied address."""


class AmiTimeout(AmiError, TimeoutError):
    """No answer to an action within its timeout."""


class AmiActionError(AmiError):
    """The server answered an action with ``Response: Error``."""

    def __init__(self, action: str, response: Message) -> None:
        reason = response.get("Message") or "no reason given"
        super().__init__(f"AMI action {action} failed: {reason}")
        self.action = action
        self.response = response
