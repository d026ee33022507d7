"""The one error type of the sandbox: its message tells a person what to do."""


class SandboxError(Exception):
    """The sandbox cannot do what was asked; the message says why and what to do."""
