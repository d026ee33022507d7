"""Ticket numbers: ``YYYYMMDD-NNNN``, a per-day sequence starting at 0001.

The day is the desk's local date (the business calendar's timezone) when the ticket was
opened; storage keeps the last sequence per day and asks ``next_ticket_number`` for the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_SEQUENCE = 9999
_PATTERN = re.compile(r"(\d{4})(\d{2})(\d{2})-(\d{4})")


@dataclass(frozen=True, slots=True, order=True)
class TicketNumber:
    day: date
    sequence: int

    def __post_init__(self) -> None:
        if not 1 <= self.sequence <= MAX_SEQUENCE:
            raise ValueError(
                f"ticket sequence {self.sequence} for {self.day.isoformat()} is outside "
                f"1..{MAX_SEQUENCE} (format YYYYMMDD-NNNN)"
            )

    def __str__(self) -> str:
        return f"{self.day:%Y%m%d}-{self.sequence:04d}"

    @classmethod
    def parse(cls, text: str) -> TicketNumber:
        """``"20261124-0001"`` -> TicketNumber(date(2026, 11, 24), 1)."""
        match = _PATTERN.fullmatch(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a ticket number like 20261124-0001")
        year, month, day, seq = (int(g) for g in match.groups())
        try:
            return cls(date(year, month, day), seq)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a ticket number: {exc}") from exc


def format_ticket_number(day: date, sequence: int) -> str:
    return str(TicketNumber(day, sequence))


def parse_ticket_number(text: str) -> TicketNumber:
    return TicketNumber.parse(text)


def next_ticket_number(day: date, last: TicketNumber | None) -> TicketNumber:
    """The number after ``last`` on ``day``; a new day (or no last number) starts at 0001."""
    if last is None or last.day != day:
        return TicketNumber(day, 1)
    if last.sequence >= MAX_SEQUENCE:
        raise ValueError(f"{day.isoformat()}: more than {MAX_SEQUENCE} tickets in one day")
    return TicketNumber(day, last.sequence + 1)
