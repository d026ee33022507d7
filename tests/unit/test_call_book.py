"""The call reducer, fed AMI messages shaped exactly like Asterisk 22 sends them."""

from __future__ import annotations

from datetime import UTC, datetime

from callcenter.ami.events import event_from_message, extension_of
from callcenter.ami.message import Message
from callcenter.domain.call import Disposition
from callcenter.domain.call_book import CallBook

T0 = 1_764_000_000.0
CALLER = "PJSIP/pstn-00000001"
AGENT = "PJSIP/1001-00000002"


def chan(name: str, uid: str, linked: str, prefix: str = "", **extra: str) -> list[tuple[str, str]]:
    fields = {
        "Channel": name,
        "ChannelState": "4",
        "CallerIDNum": extra.pop("num", "13800138000"),
        "CallerIDName": extra.pop("cname", "王小明"),
        "ConnectedLineNum": "<unknown>",
        "ConnectedLineName": "<unknown>",
        "Language": "en",
        "Context": extra.pop("context", "from-pstn"),
        "Exten": extra.pop("exten", "8000"),
        "Uniqueid": uid,
        "Linkedid": linked,
    }
    return [(prefix + k, v) for k, v in fields.items()]


def msg(event: str, t: float, *parts: list[tuple[str, str]], **headers: str) -> Message:
    items: list[tuple[str, str]] = [("Event", event), ("Timestamp", f"{T0 + t:.6f}")]
    for part in parts:
        items.extend(part)
    items.extend(headers.items())
    return Message(tuple(items))


def caller(**kw: str) -> list[tuple[str, str]]:
    return chan(CALLER, "1.1", "1.1", **kw)


def agent(prefix: str = "") -> list[tuple[str, str]]:
    return chan(AGENT, "1.2", "1.1", prefix, num="1001", cname="", context="agents", exten="s")


def feed(book: CallBook, *messages: Message) -> list:
    changed = []
    for m in messages:
        changed.extend(book.apply(event_from_message(m)))
    return changed


def at(t: float) -> datetime:
    return datetime.fromtimestamp(T0 + t, tz=UTC)


ANSWERED_CALL = [
    msg("Newchannel", 0, caller()),
    msg("QueueCallerJoin", 0.5, caller(), Queue="general", Position="1", Count="1"),
    msg("Newchannel", 0.6, agent()),
    msg("AgentCalled", 0.6, caller(), agent("Dest"), Queue="general",
        Interface="PJSIP/1001", MemberName="PJSIP/1001"),
    msg("AgentConnect", 3.0, caller(), agent("Dest"), Queue="general",
        Interface="PJSIP/1001", MemberName="PJSIP/1001", HoldTime="3", RingTime="2"),
    msg("QueueCallerLeave", 3.0, caller(), Queue="general", Count="0", Position="1"),
    msg("Hangup", 13.0, agent(), Cause="16", **{"Cause-txt": "Normal Clearing"}),
    msg("Hangup", 13.1, caller(), Cause="16", **{"Cause-txt": "Normal Clearing"}),
]


def test_answered_call_keeps_caller_name_agent_and_times() -> None:
    book = CallBook()
    changed = feed(book, *ANSWERED_CALL)
    final = changed[-1]
    assert final.caller_name == "王小明"
    assert final.caller_number == "13800138000"
    assert final.dialed == "8000"
    assert final.queue == "general"
    assert final.agent == "1001"
    assert final.started_at == at(0)
    assert final.answered_at == at(3.0)
    assert final.ended_at == at(13.1)
    assert final.disposition is Disposition.ANSWERED
    assert abs(final.wait_seconds - 2.5) < 1e-6
    assert abs(final.talk_seconds - 10.0) < 1e-6  # ends when the agent's leg hangs up
    assert [e.kind for e in final.timeline] == [
        "start", "queue_join", "agent_ring", "answer", "hangup",
    ]
    assert book.open_calls == []


def test_caller_hanging_up_in_queue_counts_as_abandoned_with_wait() -> None:
    book = CallBook()
    changed = feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("QueueCallerJoin", 1.0, caller(), Queue="general", Position="1"),
        msg("QueueCallerAbandon", 9.0, caller(), Queue="general", HoldTime="8"),
        msg("Hangup", 9.0, caller(), Cause="16"),
    )
    final = changed[-1]
    assert final.disposition is Disposition.ABANDONED
    assert final.answered_at is None
    assert abs(final.wait_seconds - 8.0) < 1e-6
    assert final.talk_seconds == 0.0


def test_busy_direct_dial_is_busy_and_unreachable_is_failed() -> None:
    for status, expected in (("BUSY", Disposition.BUSY), ("CHANUNAVAIL", Disposition.FAILED)):
        book = CallBook()
        changed = feed(
            book,
            msg("Newchannel", 0, caller()),
            msg("DialEnd", 1, caller(), agent("Dest"), DialStatus=status),
            msg("Hangup", 2, caller(), Cause="17"),
        )
        assert changed[-1].disposition is expected


def test_direct_dial_answer_sets_agent_from_the_answering_channel() -> None:
    book = CallBook()
    changed = feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("DialEnd", 2, caller(), agent("Dest"), DialStatus="ANSWER"),
        msg("Hangup", 7, caller(), Cause="16"),
    )
    assert changed[-1].agent == "1001"
    assert changed[-1].disposition is Disposition.ANSWERED


def test_two_calls_at_once_are_kept_apart() -> None:
    book = CallBook()
    second = [("Channel", "PJSIP/pstn-00000009"), ("Uniqueid", "2.1"), ("Linkedid", "2.1"),
              ("CallerIDNum", "13900000000"), ("CallerIDName", "Ann \"A\" 😀"), ("Exten", "8001")]
    feed(book, msg("Newchannel", 0, caller()), msg("Newchannel", 0.1, second))
    assert {c.caller_name for c in book.open_calls} == {"王小明", 'Ann "A" 😀'}
    changed = feed(book, msg("Hangup", 1, second, Cause="16"))
    assert changed[0].linkedid == "2.1" and changed[0].dialed == "8001"
    assert [c.linkedid for c in book.open_calls] == ["1.1"]


def test_resync_closes_vanished_calls_as_failed() -> None:
    book = CallBook()
    feed(book, *ANSWERED_CALL[:5])
    closed = book.close_missing([], at(20))
    assert len(closed) == 1
    assert closed[0].disposition is Disposition.FAILED
    assert closed[0].ended_at == at(20)
    assert closed[0].timeline[-1].kind == "lost"
    assert book.open_calls == []


def test_resync_keeps_calls_still_live() -> None:
    book = CallBook()
    feed(book, msg("Newchannel", 0, caller()))
    assert book.close_missing(["1.1"], at(5)) == []
    assert len(book.open_calls) == 1


def test_events_of_unknown_calls_change_nothing() -> None:
    book = CallBook()
    assert feed(book, msg("Hangup", 1, agent(), Cause="16")) == []


def test_ivr_steps_build_the_path_in_order() -> None:
    book = CallBook()
    changed = feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("UserEvent", 1, caller(), UserEvent="IvrStep", Step="lang:1"),
        msg("UserEvent", 2, caller(), UserEvent="IvrStep", Step="main:3"),
    )
    assert changed[-1].ivr_path == ("lang:1", "main:3")


def test_asterisk_queue_names_map_back_to_the_desk_names() -> None:
    book = CallBook({"general_queue": "general"})
    changed = feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("QueueCallerJoin", 1, caller(), Queue="general_queue", Position="1"),
    )
    assert changed[-1].queue == "general"
    assert changed[-1].timeline[-1].detail == "general"


def test_extension_of_interfaces() -> None:
    assert extension_of("PJSIP/1001") == "1001"
    assert extension_of("PJSIP/1001-0000002a") == "1001"
    assert extension_of("Local/1002@agents") == "1002"


def test_names_escaped_by_ami_and_sip_come_back_as_the_caller_sent_them() -> None:
    # A SIP display name "Ann \"A\" \\ 😀" reaches AMI C-escaped on top of SIP's quoting.
    raw = 'Ann \\\\\\"A\\\\\\" \\\\\\\\ 😀'
    book = CallBook()
    changed = feed(book, msg("Newchannel", 0, caller(cname=raw)))
    assert changed[0].caller_name == 'Ann "A" \\ 😀'


def test_ivr_language_voicemail_and_callback_requests_shape_the_call() -> None:
    book = CallBook()
    feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("UserEvent", 1, caller(), UserEvent="IvrLanguage", Language="en"),
        msg("UserEvent", 2, caller(), UserEvent="IvrVoicemail", Path="/vm/1.wav"),
    )
    (voicemail,) = feed(book, msg("Hangup", 30, caller(), Cause="16"))
    assert voicemail.language == "en"
    assert voicemail.disposition is Disposition.VOICEMAIL
    assert voicemail.timeline[-2].detail == "/vm/1.wav"

    book = CallBook()
    feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("UserEvent", 1, caller(), UserEvent="IvrCallback", Number="13800138000"),
    )
    (callback,) = feed(book, msg("Hangup", 5, caller(), Cause="16"))
    assert callback.disposition is Disposition.CALLBACK


def test_a_blind_transfer_keeps_one_call_with_the_transfer_and_the_talk_goes_on() -> None:
    book = CallBook({"general_queue": "general"})
    connect = {"Queue": "general_queue", "Interface": "PJSIP/1001", "MemberName": "1001"}
    blind = {"Result": "Success", "IsExternal": "No", "Context": "agents", "Extension": "1002"}
    feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("AgentConnect", 5, caller(), agent("Dest"), **connect),
        msg("BlindTransfer", 20, agent("Transferer"), chan(CALLER, "1.1", "1.1", "Transferee"),
            **blind),
        msg("Hangup", 21, agent(), Cause="16"),
    )  # fmt: skip
    (done,) = feed(book, msg("Hangup", 60, caller(), Cause="16"))
    assert [(t.from_, t.to, t.kind) for t in done.transfers] == [("1001", "1002", "blind")]
    assert done.agent == "1001" and done.talk_seconds == 55


def test_an_attended_transfer_and_a_transfer_to_a_queue_are_named() -> None:
    book = CallBook({"general_queue": "general"})
    target = chan("Local/1003@agents-00000001;1", "1.5", "1.1")
    feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("AttendedTransfer", 9, agent("OrigTransferer"), agent("SecondTransferer"),
            [("TransferTarget" + k, v) for k, v in target], Result="Success", DestType="Bridge"),
        msg("BlindTransfer", 30, agent("Transferer"), Result="Success", Context="cc-queue",
            Extension="general_queue"),
        msg("BlindTransfer", 31, agent("Transferer"), Result="Fail", Context="agents",
            Extension="1009"),
    )  # fmt: skip
    (done,) = feed(book, msg("Hangup", 60, caller(), Cause="16"))
    assert [(t.to, t.kind) for t in done.transfers] == [("1003", "attended"),
                                                        ("queue:general", "blind")]  # fmt: skip


def test_the_survey_score_is_stored_as_csat() -> None:
    book = CallBook()
    feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("UserEvent", 30, caller(), UserEvent="Csat", Score="4"),
        msg("UserEvent", 31, caller(), UserEvent="Csat", Score="9"),  # not a score: ignored
    )
    (done,) = feed(book, msg("Hangup", 40, caller(), Cause="16"))
    assert done.csat == 4


def test_a_merged_attended_transfer_names_the_party_the_second_leg_reached() -> None:
    # DestType Bridge without TransferTarget: the transferer's second leg knows who it reached.
    book = CallBook()
    second = chan("PJSIP/1001-00000009", "1.7", "1.6", "SecondTransferer")
    second = [(k, "1002" if k == "SecondTransfererConnectedLineNum" else v) for k, v in second]
    feed(
        book,
        msg("Newchannel", 0, caller()),
        msg("AttendedTransfer", 9, agent("OrigTransferer"), second, Result="Success",
            DestType="Bridge"),
    )  # fmt: skip
    (done,) = feed(book, msg("Hangup", 60, caller(), Cause="16"))
    assert [(t.from_, t.to, t.kind) for t in done.transfers] == [("1001", "1002", "attended")]
