"""What the IVR engine is told (inputs) and what it asks for (commands): typed, frozen data.

Contract with the runner (see docs/ivr.md):

* The runner executes the commands of one step in order.
* Every step that does not end the session ends with exactly one *awaited* command
  (``Play``, ``CollectDigits`` or ``LookupTicket``); the runner answers it with one input:
  ``Play`` -> ``PlaybackFinished`` (or ``DigitsReceived`` if the caller pressed a key during
  an interruptible prompt: it counts as finished), ``CollectDigits`` -> ``DigitsReceived``
  (empty digits: the caller was silent), ``LookupTicket`` -> ``TicketLookedUp``.
* A step that ends the session ends with a *final* command (``ToQueue``, ``ToExtension``,
  ``ToVoicemail``, ``Hangup``), or with nothing when the caller hung up.
* ``RecordStep``, ``SetLanguage`` and ``RequestCallback`` need no answer.
"""

from __future__ import annotations

from dataclasses import dataclass

# ----- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallerInfo:
    number: str
    name: str = ""
    vip: bool = False  # on the desk's VIP list: queued with a higher priority
    blocked: bool = False  # on the block list: a polite message, then hang up


@dataclass(frozen=True, slots=True)
class Start:
    caller: CallerInfo
    open: bool = True  # within business hours


@dataclass(frozen=True, slots=True)
class DigitsReceived:
    digits: str  # "" = timeout (silence); the terminator is not included


@dataclass(frozen=True, slots=True)
class PlaybackFinished:
    pass


@dataclass(frozen=True, slots=True)
class TicketLookedUp:
    """The runner's answer to ``LookupTicket``.

    ``status``: a ``TICKET_STATUSES`` value, ``None`` when no such ticket exists, or any
    other string (e.g. ``"error"``) when the lookup failed: the caller hears "try later".
    """

    number: str
    status: str | None


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    pass


IvrInput = Start | DigitsReceived | PlaybackFinished | TicketLookedUp | CallerHungUp

# ----- commands -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Play:
    """Play a prompt (``<prompts_dir>/<language>/<prompt_id>``). Awaited."""

    prompt_id: str
    language: str
    interruptible: bool = False


@dataclass(frozen=True, slots=True)
class CollectDigits:
    """Play ``prompt_id`` (a key interrupts it), then wait ``timeout`` seconds for up to
    ``max_digits`` keys; ``terminator`` ('#') ends input early. Awaited."""

    prompt_id: str
    language: str
    max_digits: int
    timeout: float
    terminator: str | None = None


@dataclass(frozen=True, slots=True)
class LookupTicket:
    """Look the ticket up (number as printed, e.g. ``20261124-0001``). Awaited."""

    number: str


@dataclass(frozen=True, slots=True)
class RecordStep:
    """One entry of the call's IVR path for the call log, e.g. ``main:3``."""

    step: str


@dataclass(frozen=True, slots=True)
class SetLanguage:
    language: str


@dataclass(frozen=True, slots=True)
class RequestCallback:
    """File a callback request for ``number`` (optionally for one queue)."""

    number: str
    queue: str | None = None


@dataclass(frozen=True, slots=True)
class ToQueue:
    """Final: put the caller in ``queue``; higher ``priority`` is served first (QUEUE_PRIO)."""

    queue: str
    priority: int = 0


@dataclass(frozen=True, slots=True)
class ToExtension:
    """Final: ring an extension (an agent, a desk phone)."""

    extension: str


@dataclass(frozen=True, slots=True)
class ToVoicemail:
    """Final: let the caller leave a message in ``mailbox``."""

    mailbox: str


@dataclass(frozen=True, slots=True)
class Hangup:
    """Final: hang up (blocked callers, after a callback request, an explicit hang-up key)."""


Command = (
    Play
    | CollectDigits
    | LookupTicket
    | RecordStep
    | SetLanguage
    | RequestCallback
    | ToQueue
    | ToExtension
    | ToVoicemail
    | Hangup
)
AWAITED = (Play, CollectDigits, LookupTicket)
FINAL = (ToQueue, ToExtension, ToVoicemail, Hangup)
