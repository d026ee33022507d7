"""What happens once a call's transcript is stored.

:func:`on_transcript` is called once per call, after the transcript (redacted) is
committed with the call (and, in the same transaction, as a note on the call's tickets),
by whichever worker ran the job: the place for anything else that should follow.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def on_transcript(call_id: int, text: str) -> None:
    """The transcript of call ``call_id`` (redacted, one ``speaker: ...`` line per turn)."""
    log.info("call %d: transcript stored (%d characters)", call_id, len(text))
