"""The IVR engine on the shipped hotline menu: every path a caller can take."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.commands import (
    CallerHungUp,
    CallerInfo,
    CollectDigits,
    Command,
    DigitsReceived,
    Hangup,
    IvrInput,
    LookupTicket,
    Play,
    PlaybackFinished,
    RecordStep,
    RequestCallback,
    SetLanguage,
    Start,
    TicketLookedUp,
    ToQueue,
    ToVoicemail,
)
from ivr.engine import IvrSession, Outcome, new_session, step
from ivr.menu import Menu
from ivr.menu_load import load_menu, parse_menu

HOTLINE = load_menu(Path(__file__).resolve().parents[2] / "ivr" / "menus" / "hotline.toml")
CALLER = CallerInfo("13800138000", "张三")


def call(
    *keys: str, caller: CallerInfo = CALLER, open: bool = True, menu: Menu = HOTLINE
) -> tuple[IvrSession, list[Command]]:
    """A caller who listens to every prompt to the end and presses ``keys`` in turn."""
    session, sent = step(new_session(menu), Start(caller, open))
    session, sent = finish_plays(session, sent)
    for key in keys:
        session, more = step(session, DigitsReceived(key))
        session, sent = finish_plays(session, sent + more)
    return session, sent


def finish_plays(session: IvrSession, sent: list[Command]) -> tuple[IvrSession, list[Command]]:
    while isinstance(session.awaiting, Play):
        session, more = step(session, PlaybackFinished())
        sent = sent + more
    return session, sent


def feed(session: IvrSession, event: IvrInput) -> tuple[IvrSession, list[Command]]:
    session, sent = step(session, event)
    return finish_plays(session, sent)


def plays(sent: list[Command]) -> list[str]:
    return [c.prompt_id for c in sent if isinstance(c, Play)]


def test_the_caller_first_hears_the_language_choice_in_chinese() -> None:
    session, sent = step(new_session(HOTLINE), Start(CALLER))
    assert sent == [CollectDigits("language", "zh", 1, 5.0)]
    assert session.awaiting == sent[-1] and session.path == ()


def test_silence_at_the_language_choice_serves_the_caller_in_chinese() -> None:
    session, sent = call("")
    assert sent[-2:] == [SetLanguage("zh"), CollectDigits("main", "zh", 1, 6.0)]
    assert session.path == ("language:timeout",)


@pytest.mark.parametrize(("key", "language"), [("1", "zh"), ("2", "en")])
@pytest.mark.parametrize(
    ("choice", "queue", "say"),
    [
        ("1", "repair", "transfer"),
        ("2", "complaints", "transfer"),
        ("3", "general", "transfer"),
        ("0", "general", "transfer_operator"),
    ],
)
def test_each_main_menu_choice_queues_the_caller_in_their_language(
    key: str, language: str, choice: str, queue: str, say: str
) -> None:
    session, sent = call(key, choice)
    assert SetLanguage(language) in sent
    assert CollectDigits("main", language, 1, 6.0) in sent
    assert sent[-2:] == [Play(say, language), ToQueue(queue, 0)]
    assert session.path == (f"language:{key}", f"main:{choice}")
    assert session.outcome is Outcome.ROUTED and session.awaiting is None


def test_three_invalid_keys_go_to_the_general_queue() -> None:
    session, sent = call("1", "7", "8", "6")
    assert plays(sent) == ["invalid", "invalid", "too_many_tries"]
    assert sent[-1] == ToQueue("general", 0)
    assert session.path == ("language:1", "main:7", "main:8", "main:6", "main:fallback")


def test_three_silences_go_to_the_general_queue() -> None:
    session, sent = call("2", "", "", "")
    assert plays(sent) == ["no_input", "no_input", "too_many_tries"]
    assert sent[-1] == ToQueue("general", 0)
    assert session.path[-2:] == ("main:timeout", "main:fallback")


def test_invalid_and_silent_tries_count_together() -> None:
    _, sent = call("1", "", "5", "")
    assert sent[-1] == ToQueue("general", 0)


def test_nine_repeats_the_main_menu_without_counting_a_try() -> None:
    session, sent = call("1", "9", "9", "9", "9")
    assert sent[-2:] == [RecordStep("main:9"), CollectDigits("main", "zh", 1, 6.0)]
    assert session.tries == 0 and not session.finished
    _, sent = call("1", "9", "7", "9", "7", "2")
    assert sent[-1] == ToQueue("complaints", 0)


def test_ticket_status_collects_twelve_digits_then_hash_and_reads_the_status() -> None:
    session, sent = call("1", "4")
    assert sent[-1] == CollectDigits("ticket_entry", "zh", 12, 10.0, "#")
    session, sent = feed(session, DigitsReceived("202611240001"))
    assert sent == [RecordStep("ticket:20261124-0001"), LookupTicket("20261124-0001")]
    session, sent = feed(session, TicketLookedUp("20261124-0001", "in_progress"))
    assert plays(sent) == ["ticket_status_in_progress"]
    assert sent[-1] == CollectDigits("main", "zh", 1, 6.0)  # back to the main menu
    assert session.path[-2:] == ("ticket:20261124-0001", "ticket_status:in_progress")
    session, sent = feed(session, DigitsReceived("0"))
    assert sent[-1] == ToQueue("general", 0)


@pytest.mark.parametrize(
    ("status", "prompt"),
    [
        (None, "ticket_not_found"),
        ("error", "ticket_unavailable"),
        ("closed", "ticket_status_closed"),
    ],
)
def test_ticket_lookup_answers(status: str | None, prompt: str) -> None:
    session, _ = call("2", "4", "202611240001")
    _, sent = feed(session, TicketLookedUp("20261124-0001", status))
    assert plays(sent) == [prompt] and sent[-1] == CollectDigits("main", "en", 1, 6.0)


def test_a_wrong_ticket_number_is_asked_again_then_an_operator_helps() -> None:
    session, sent = call("1", "4", "2026", "", "1234567890123")
    assert plays(sent) == ["ticket_invalid", "ticket_invalid", "too_many_tries"]
    assert sent[-1] == ToQueue("general", 0)
    assert "ticket:2026" in session.path


def test_a_caller_hanging_up_mid_prompt_ends_the_session_with_the_path_so_far() -> None:
    session, _ = call("1", "7")  # the main menu is playing again
    assert isinstance(session.awaiting, CollectDigits)
    session, sent = step(session, CallerHungUp())
    assert sent == [] and session.outcome is Outcome.CALLER_HUNG_UP
    assert session.path == ("language:1", "main:7")
    assert step(session, DigitsReceived("1")) == (session, [])


def test_a_caller_hanging_up_during_a_message_keeps_the_path() -> None:
    session, _ = step(new_session(HOTLINE), Start(CALLER))
    session, _ = step(session, DigitsReceived("1"))
    session, _ = step(session, DigitsReceived("1"))
    assert session.awaiting == Play("transfer", "zh")
    session, _ = step(session, CallerHungUp())
    assert session.outcome is Outcome.CALLER_HUNG_UP and session.path == ("language:1", "main:1")


def test_a_blocked_caller_hears_a_polite_message_then_the_call_ends() -> None:
    session, sent = call(caller=CallerInfo("4000000000", blocked=True))
    assert sent == [RecordStep("blocked"), Play("blocked", "zh"), Hangup()]
    assert session.outcome is Outcome.HUNG_UP and session.path == ("blocked",)


def test_a_vip_caller_is_queued_with_a_higher_priority() -> None:
    _, sent = call("1", "1", caller=CallerInfo("13900000000", vip=True))
    assert sent[-1] == ToQueue("repair", 10)
    _, sent = call("1", "", "", "", caller=CallerInfo("13900000000", vip=True))
    assert sent[-1] == ToQueue("general", 10)


def test_after_hours_the_caller_may_leave_a_message() -> None:
    session, sent = call("1", "1", open=False)
    assert CollectDigits("closed", "zh", 1, 6.0) in sent
    assert sent[-2:] == [Play("voicemail_intro", "zh"), ToVoicemail("general")]
    assert session.path == ("language:1", "after_hours", "closed:1")


def test_after_hours_the_caller_may_ask_for_a_callback() -> None:
    session, sent = call("2", "2", open=False)
    assert sent[-3:] == [
        RequestCallback("13800138000"),
        Play("callback_confirm", "en"),
        Hangup(),
    ]
    assert session.outcome is Outcome.HUNG_UP


def test_after_hours_a_caller_who_cannot_choose_reaches_voicemail() -> None:
    _, sent = call("1", "", "5", "", open=False)
    assert sent[-1] == ToVoicemail("general")


def test_back_returns_to_the_previous_menu() -> None:
    menu = parse_menu(
        {
            "nodes": {
                "main": {
                    "prompt": {"zh": "主菜单", "en": "Main"},
                    "options": [{"digit": "2", "action": "submenu", "target": "more"}],
                },
                "more": {
                    "prompt": {"zh": "更多", "en": "More"},
                    "options": [{"digit": "*", "action": "back"}],
                },
            },
            "prompts": {p: {"zh": p, "en": p} for p in ("invalid", "no_input", "blocked")},
        },
        source=Path("test.toml"),
    ).menu
    assert menu is not None
    session, sent = call("2", "*", menu=menu)
    assert sent[-1] == CollectDigits("main", "zh", 1, 5.0)
    assert session.history == () and session.path == ("main:2", "more:*")
    _, sent = call("*", menu=menu)  # back at the top: the menu again
    assert sent[-1] == CollectDigits("main", "zh", 1, 5.0)


def test_inputs_that_answer_nothing_are_ignored() -> None:
    session, _ = step(new_session(HOTLINE), Start(CALLER))
    for stray in (PlaybackFinished(), TicketLookedUp("x", None), Start(CALLER)):
        assert step(session, stray) == (session, [])
