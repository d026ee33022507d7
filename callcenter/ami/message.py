"""One whole AMI message: ordered headers (repeated keys kept) and command output lines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Message:
    """A decoded AMI message. Keys keep their case as sent; look-ups ignore case."""

    headers: tuple[tuple[str, str], ...]
    # Lines of ``Response: Follows`` bodies and ``Output:`` headers, in order.
    output: tuple[str, ...] = ()

    def get(self, key: str, default: str | None = None) -> str | None:
        wanted = key.lower()
        for k, v in self.headers:
            if k.lower() == wanted:
                return v
        return default

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def get_all(self, key: str) -> list[str]:
        wanted = key.lower()
        return [v for k, v in self.headers if k.lower() == wanted]

    def as_dict(self) -> dict[str, str]:
        """First value per key; for logs and tests, never for repeated keys."""
        out: dict[str, str] = {}
        for k, v in self.headers:
            out.setdefault(k, v)
        return out

    @property
    def is_event(self) -> bool:
        return self.get("Event") is not None

    @property
    def is_response(self) -> bool:
        return self.get("Response") is not None

    @property
    def action_id(self) -> str | None:
        return self.get("ActionID")
