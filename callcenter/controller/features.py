"""What a feature plugs into the controller with (agents, recordings, the IVR, ...).

Each feature lives in its own package and gets every typed event in order, together with
the calls that event changed, plus a hook after every (re)connect to resync its own state.
Features send commands back through the AMI client they are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from callcenter.ami.client import AmiClient
from callcenter.ami.events import Event
from callcenter.domain.call import Call


class Feature(Protocol):
    name: str

    async def on_connect(self, ami: AmiClient) -> None:
        """After every AMI login, once the call log has resynced: rebuild live state."""

    async def on_event(self, event: Event, calls: Sequence[Call], ami: AmiClient) -> None:
        """One event (in order) and the calls it changed. Must not block: I/O goes to a
        thread or a task; an exception is logged and the AMI link is re-established."""
