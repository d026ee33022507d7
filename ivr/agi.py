"""IVR commands as AGI command lines, and AGI result lines back as IVR inputs. Pure.

The runner sends each line with AMI ``Action: AGI`` (AsyncAGI) and feeds the
``AsyncAGIExec`` event's ``Result`` (URL-decoded, e.g. ``200 result=3``) to
``parse_agi_result`` together with the command it answers:

=====================  ==========================================  ==========================
command                AGI line                                    result -> input
=====================  ==========================================  ==========================
Play                   ``STREAM FILE <file> ""`` (or with escape   ``result=0`` finished,
                       digits ``"0123456789*#"`` if interruptible) ``result=<ASCII code>`` a key
CollectDigits          ``GET DATA <file> <timeout_ms> <max>``      ``result=<keys>``, ``result=``
                                                                   (+ ``(timeout)``) silence
RecordStep             ``EXEC UserEvent "IvrStep,Step: main:3"``   none (the call log reads
                                                                   the UserEvent)
SetLanguage            ``SET VARIABLE CHANNEL(language) en``       none
Hangup                 ``HANGUP``                                  none
other commands         ``None``: the runner does them itself       (see docs/ivr.md)
=====================  ==========================================  ==========================

``511`` (dead channel) means the caller hung up. ``result=-1`` means the command failed: a
missing sound file or a hangup (Asterisk says the same for both); it is read as "finished"
(Play) or "silence" (CollectDigits) so a missing file never strands a caller, and the runner
turns the ``AsyncAGIEnd``/``Hangup`` event of a real hangup into ``CallerHungUp``.
``GET DATA`` never returns the terminator ``#``: 12 digits and ``#`` give ``result=<12 digits>``.
"""

from __future__ import annotations

import re

from ivr.commands import (
    CallerHungUp,
    CollectDigits,
    Command,
    DigitsReceived,
    Hangup,
    IvrInput,
    Play,
    PlaybackFinished,
    RecordStep,
    SetLanguage,
)

ESCAPE_DIGITS = "0123456789*#"
_RESULT = re.compile(r"200 result=(?P<value>\S*)(?P<rest>.*)", re.DOTALL)


class AgiResultError(ValueError):
    """An AGI reply that is not an answer (e.g. ``510 Invalid or unknown command``)."""


def prompt_file(prompts_dir: str, language: str, prompt_id: str) -> str:
    """The name Asterisk plays (no extension): ``<prompts_dir>/<language>/<prompt_id>``.

    ``prompts_dir`` is the directory *as Asterisk sees it* (inside a chroot, its own path).
    """
    if not prompts_dir or any(ch.isspace() or ch == '"' for ch in prompts_dir):
        raise ValueError(f"prompts dir {prompts_dir!r} must be a path without spaces or quotes")
    return f"{prompts_dir.rstrip('/')}/{language}/{prompt_id}"


def to_agi(command: Command, *, prompts_dir: str) -> str | None:
    """The AGI command line for ``command``, or ``None`` for what the runner does itself
    (routing, ticket lookup, callback requests)."""
    match command:
        case Play(prompt_id, language, interruptible):
            escape = ESCAPE_DIGITS if interruptible else ""
            return f'STREAM FILE {prompt_file(prompts_dir, language, prompt_id)} "{escape}"'
        case CollectDigits(prompt_id, language, max_digits, timeout, _terminator):
            file = prompt_file(prompts_dir, language, prompt_id)
            return f"GET DATA {file} {round(timeout * 1000)} {max_digits}"
        case RecordStep(entry):
            clean = re.sub(r'[\\"\r\n,]', "_", entry)
            return f'EXEC UserEvent "IvrStep,Step: {clean}"'
        case SetLanguage(language):
            return f"SET VARIABLE CHANNEL(language) {language}"
        case Hangup():
            return "HANGUP"
        case _:
            return None


def parse_agi_result(command: Command, line: str) -> IvrInput | None:
    """The input an AGI reply to ``command`` means, or ``None`` when it needs none.

    ``200 result=3`` to GET DATA -> ``DigitsReceived("3")``; ``200 result= (timeout)`` ->
    ``DigitsReceived("")``; ``200 result=51 endpos=8000`` to STREAM FILE -> the key "3"
    (ASCII 51), ``200 result=0 endpos=...`` -> ``PlaybackFinished()``; ``511`` ->
    ``CallerHungUp()``; ``-1`` -> finished / silence (see the module docstring).
    Raises ``AgiResultError`` for anything else (a bug in the line sent).
    """
    text = line.strip()
    if text.startswith("511"):
        return CallerHungUp()
    match = _RESULT.fullmatch(text)
    if match is None:
        raise AgiResultError(f"unexpected AGI reply {text!r} to {command!r}")
    value = match["value"]
    match command:
        case CollectDigits():
            return DigitsReceived("" if value == "-1" else value)
        case Play():
            if value in ("0", "-1"):
                return PlaybackFinished()
            if value.isdigit() and chr(int(value)) in ESCAPE_DIGITS:
                return DigitsReceived(chr(int(value)))
            raise AgiResultError(f"unexpected STREAM FILE result {text!r}")
        case _:
            return None
