"""Listen, whisper, barge: ChanSpy on an agent's call, ringing the supervisor's own phone.

``Originate Channel=PJSIP/<supervisor> Application=ChanSpy Data=PJSIP/<agent>,q[w|B]``:
the supervisor's phone rings; when they answer, Asterisk spies on the agent's channel.
``q`` keeps it quiet (no beep, no channel name read out); ``w`` lets the supervisor talk to
the agent only (whisper); ``B`` lets them talk to both (barge).
"""

from __future__ import annotations

import re
from enum import StrEnum

from callcenter.ami import actions
from callcenter.ami.actions import Action

_EXTENSION = re.compile(r"^[0-9A-Za-z_-]{1,32}$")


class SpyMode(StrEnum):
    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE = "barge"


_OPTIONS = {SpyMode.LISTEN: "q", SpyMode.WHISPER: "qw", SpyMode.BARGE: "qB"}


def spy_action(*, supervisor: str, agent: str, mode: SpyMode) -> Action:
    """The Originate that rings ``supervisor`` and spies on ``agent`` in ``mode``."""
    for what, value in (("supervisor", supervisor), ("agent", agent)):
        if not _EXTENSION.match(value):
            raise ValueError(f"{what} extension {value!r} is not a valid extension")
    if supervisor == agent:
        raise ValueError("a supervisor cannot spy on their own extension")
    return actions.originate(
        f"PJSIP/{supervisor}",
        application="ChanSpy",
        data=f"PJSIP/{agent},{_OPTIONS[mode]}",
        caller_id=f"{mode.value} {agent} <{agent}>",
        timeout_ms=30_000,
    )
