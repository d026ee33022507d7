"""IVR commands as AGI lines, and AGI replies as IVR inputs."""

from __future__ import annotations

import pytest

from ivr.agi import AgiResultError, parse_agi_result, prompt_file, to_agi
from ivr.commands import (
    CallerHungUp,
    CollectDigits,
    DigitsReceived,
    Hangup,
    LookupTicket,
    Play,
    PlaybackFinished,
    RecordStep,
    SetLanguage,
    ToQueue,
)

DIR = "/var/lib/asterisk/sounds/callcenter"
MENU = CollectDigits("main", "zh", 1, 6.0)
TICKET = CollectDigits("ticket_entry", "en", 12, 10.0, "#")


def test_commands_become_agi_lines() -> None:
    assert to_agi(MENU, prompts_dir=DIR) == f"GET DATA {DIR}/zh/main 6000 1"
    assert to_agi(TICKET, prompts_dir=DIR) == f"GET DATA {DIR}/en/ticket_entry 10000 12"
    assert to_agi(Play("invalid", "zh"), prompts_dir=DIR) == f'STREAM FILE {DIR}/zh/invalid ""'
    assert (
        to_agi(Play("invalid", "en", interruptible=True), prompts_dir=DIR + "/")
        == f'STREAM FILE {DIR}/en/invalid "0123456789*#"'
    )
    assert to_agi(RecordStep("main:3"), prompts_dir=DIR) == 'EXEC UserEvent "IvrStep,Step: main:3"'
    assert to_agi(SetLanguage("en"), prompts_dir=DIR) == "SET VARIABLE CHANNEL(language) en"
    assert to_agi(Hangup(), prompts_dir=DIR) == "HANGUP"


def test_routing_and_lookups_are_left_to_the_runner() -> None:
    assert to_agi(ToQueue("repair", 10), prompts_dir=DIR) is None
    assert to_agi(LookupTicket("20261124-0001"), prompts_dir=DIR) is None


def test_a_prompts_dir_with_spaces_is_refused() -> None:
    with pytest.raises(ValueError, match="without spaces"):
        prompt_file("/srv/my prompts", "zh", "main")


@pytest.mark.parametrize(
    ("command", "line", "expected"),
    [
        (MENU, "200 result=3\n", DigitsReceived("3")),
        (MENU, "200 result= (timeout)", DigitsReceived("")),
        (MENU, "200 result=", DigitsReceived("")),
        (MENU, "200 result=-1", DigitsReceived("")),  # failed (e.g. no file): as silence
        (TICKET, "200 result=202611240001", DigitsReceived("202611240001")),
        (TICKET, "200 result=2026 (timeout)", DigitsReceived("2026")),
        (Play("x", "zh"), "200 result=0 endpos=12345", PlaybackFinished()),
        (Play("x", "zh"), "200 result=-1 endpos=0", PlaybackFinished()),
        (Play("x", "zh", True), "200 result=51 endpos=800", DigitsReceived("3")),
        (Play("x", "zh", True), "200 result=35 endpos=800", DigitsReceived("#")),
        (MENU, "511 Command Not Permitted on a dead channel or intercept routine", CallerHungUp()),
        (RecordStep("main:3"), "200 result=0", None),
        (Hangup(), "200 result=1", None),
    ],
)
def test_agi_replies_become_inputs(command: object, line: str, expected: object) -> None:
    assert parse_agi_result(command, line) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("line", ["510 Invalid or unknown command", "520 Invalid command syntax"])
def test_replies_that_are_not_answers_raise(line: str) -> None:
    with pytest.raises(AgiResultError):
        parse_agi_result(MENU, line)
