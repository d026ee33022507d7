"""The sans-IO AMI parser against recorded and hand-written transcripts."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter.ami.message import Message
from callcenter.ami.protocol import AmiParser, AmiProtocolError, serialize_action

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ami"
TRANSCRIPTS = sorted(FIXTURES.glob("*.bin"))
BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def transcript(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse_in_chunks(data: bytes, cuts: list[int]) -> tuple[AmiParser, list[Message]]:
    parser = AmiParser(expect_banner=data.startswith(b"Asterisk Call Manager/"))
    messages: list[Message] = []
    start = 0
    for cut in [*sorted(cuts), len(data)]:
        messages += parser.feed(data[start:cut])
        start = cut
    return parser, messages


def parse(data: bytes) -> list[Message]:
    parser, messages = parse_in_chunks(data, [])
    assert parser.buffered == 0, "a whole transcript leaves nothing behind"
    return messages


def test_there_are_transcripts_and_each_parses() -> None:
    assert len(TRANSCRIPTS) >= 10
    for path in TRANSCRIPTS:
        assert parse(path.read_bytes()), path.name


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.name)
def test_byte_by_byte_gives_the_same_messages_as_whole(path: Path) -> None:
    data = path.read_bytes()
    _, one_by_one = parse_in_chunks(data, list(range(1, len(data))))
    assert one_by_one == parse(data)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_splits_give_the_same_messages(data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(TRANSCRIPTS)).read_bytes()
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=40))
    _, messages = parse_in_chunks(raw, cuts)
    assert messages == parse(raw)


def test_banner_is_surfaced_even_when_split() -> None:
    raw = transcript("login_ok.bin")
    parser, messages = parse_in_chunks(raw, [3, 10, 28])
    assert parser.banner == "Asterisk Call Manager/11.0.0"
    assert parser.version == "11.0.0"
    assert messages[0]["Message"] == "Authentication accepted"


def test_chinese_and_emoji_names_survive_a_split_at_every_byte() -> None:
    name = '王小明 "老王" 🎧😀'
    raw = BANNER + f"Event: Newchannel\r\nCallerIDName: {name}\r\nExten: 4000\r\n\r\n".encode()
    for cut in range(len(raw) + 1):
        _, messages = parse_in_chunks(raw, [cut])
        assert [m["CallerIDName"] for m in messages] == [name], cut


def test_names_from_the_transcripts() -> None:
    answered = parse(transcript("queue_call_answered.bin"))
    assert answered[0]["Event"] == "Newchannel"
    assert answered[0]["CallerIDName"] == "王小明"
    connect = next(m for m in answered if m.get("Event") == "AgentConnect")
    assert connect["DestCallerIDName"] == "Agent Li 李"
    assert connect["AccountCode"] == ""
    abandoned = parse(transcript("queue_abandon.bin"))
    assert abandoned[2]["Event"] == "QueueCallerAbandon"
    assert abandoned[2]["CallerIDName"] == 'Ann "The Boss" 🎧 O\'Neil'


def test_async_agi_env_stays_url_encoded_and_decodes() -> None:
    start = parse(transcript("async_agi.bin"))[0]
    assert start["Event"] == "AsyncAGIStart"
    env = unquote(start["Env"])
    assert "agi_calleridname: 张三\n" in env


def test_repeated_keys_are_kept_in_order() -> None:
    raw = (
        b"Event: VarSet\r\nChanVariable: A=1\r\nChanVariable: B=2\r\nX: y\r\n"
        b"ChanVariable: C=3\r\n\r\n"
    )
    (message,) = AmiParser(expect_banner=False).feed(raw)
    assert message.get_all("ChanVariable") == ["A=1", "B=2", "C=3"]
    assert [k for k, _ in message.headers] == ["Event", *["ChanVariable"] * 2, "X", "ChanVariable"]


def test_values_are_kept_exactly_after_the_first_colon_space() -> None:
    raw = b"Event: X\r\nEmpty: \r\nBare:\r\nColons: a: b: c\r\nSpaces:   padded  \r\n\r\n"
    (message,) = AmiParser(expect_banner=False).feed(raw)
    assert message.headers == (
        ("Event", "X"),
        ("Empty", ""),
        ("Bare", ""),
        ("Colons", "a: b: c"),
        ("Spaces", "  padded  "),
    )


def test_command_output_headers_land_in_output() -> None:
    (message,) = parse(transcript("command_output.bin"))
    assert message["Response"] == "Success"
    assert len(message.output) == 6
    assert message.output[0].startswith("Channel ")
    assert message.output[-1] == "27 calls processed"
    assert message.get_all("Output") == list(message.output)


def test_legacy_follows_body_lands_in_output() -> None:
    (message,) = parse(transcript("command_follows_legacy.bin"))
    assert message.headers == (
        ("Response", "Follows"),
        ("Privilege", "Command"),
        ("ActionID", "cc-13"),
    )
    assert message.output == (
        "Name/username             Host                                    Dyn",
        "8001/8001                 127.0.0.1:5062: registered               D",
        "1 sip peers",
    )


def test_follows_body_may_hold_a_blank_line_and_a_following_message() -> None:
    raw = (
        b"Response: Follows\r\nPrivilege: Command\r\nfirst\r\n\r\nafter blank\n"
        b"--END COMMAND--\r\n\r\nEvent: Ping\r\n\r\n"
    )
    for cut in range(len(raw) + 1):
        _, messages = parse_in_chunks(raw, [cut])
        assert messages[0].output == ("first", "", "after blank")
        assert messages[1]["Event"] == "Ping"


def test_event_list_transcript_has_start_items_and_complete() -> None:
    messages = parse(transcript("core_show_channels.bin"))
    assert messages[0]["EventList"] == "start"
    assert [m["Event"] for m in messages[1:]] == [
        "CoreShowChannel",
        "CoreShowChannel",
        "CoreShowChannelsComplete",
    ]
    assert {m.action_id for m in messages} == {"cc-9"}
    assert messages[-1]["EventList"] == "Complete"


def test_blank_lines_between_messages_are_skipped() -> None:
    raw = b"Event: A\r\n\r\n\r\n\r\n\r\nEvent: B\r\n\r\n"
    assert [m["Event"] for m in AmiParser(expect_banner=False).feed(raw)] == ["A", "B"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"Event: A\r\nno colon here\r\n\r\n", "header line without ': '"),
        (b"Event: A\r\nKey:value\r\n\r\n", "header line without ': '"),
        (b"Event: A\nKey: value\r\n\r\n", "bare CR or LF"),
        (b"Event: A\r\n: no name\r\n\r\n", "empty header name"),
        (b"Event: \xe7\x8e\r\n\r\n", "invalid UTF-8"),
        (b"Event: A\r\nKey: v\rX\r\n\r\n", "bare CR or LF"),
    ],
)
def test_malformed_messages_raise_with_the_offending_bytes(raw: bytes, reason: str) -> None:
    parser = AmiParser(expect_banner=False)
    with pytest.raises(AmiProtocolError, match=reason) as caught:
        parser.feed(b"Event: Fine\r\n\r\n" + raw)
    assert caught.value.data in raw
    assert caught.value.data.startswith(raw[:8])
    assert isinstance(caught.value, ValueError)


def test_after_an_error_the_parser_stays_broken() -> None:
    parser = AmiParser(expect_banner=False)
    with pytest.raises(AmiProtocolError):
        parser.feed(b"garbage\r\n\r\n")
    assert parser.broken
    with pytest.raises(AmiProtocolError):
        parser.feed(b"Event: Fine\r\n\r\n")


def test_a_wrong_banner_is_refused() -> None:
    with pytest.raises(AmiProtocolError, match="banner") as caught:
        AmiParser().feed(b"HTTP/1.1 400 Bad Request\r\n")
    assert caught.value.data == b"HTTP/1.1 400 Bad Request\r\n"
    with pytest.raises(AmiProtocolError, match="banner"):
        AmiParser().feed(b"SSH-2.0-OpenSSH")  # no line end needed to know


def test_a_message_without_end_over_the_limit_is_refused() -> None:
    parser = AmiParser(expect_banner=False, max_message_size=1000)
    parser.feed(b"Event: Big\r\nData: ")
    with pytest.raises(AmiProtocolError, match="within 1000 bytes") as caught:
        for _ in range(200):
            parser.feed(b"x" * 10)
    assert "bytes in all" in str(caught.value)
    assert len(str(caught.value)) < 400, "the offending bytes are shown truncated"


def test_an_unfinished_follows_body_waits_for_end_command_up_to_the_limit() -> None:
    parser = AmiParser(expect_banner=False, max_message_size=300)
    assert parser.feed(b"Response: Follows\r\nPrivilege: Command\r\nline\n\r\n\r\n") == []
    with pytest.raises(AmiProtocolError, match="within 300 bytes"):
        for _ in range(30):
            parser.feed(b"Event: X\r\n\r\n")


def test_a_whole_message_over_the_limit_is_refused() -> None:
    parser = AmiParser(expect_banner=False, max_message_size=100)
    with pytest.raises(AmiProtocolError, match="over 100 bytes"):
        parser.feed(b"Event: A\r\n\r\nEvent: Big\r\nData: " + b"x" * 200 + b"\r\n\r\n")


AMI_ISH = st.sampled_from(
    [
        b"\r\n",
        b"\r\n\r\n",
        b"\r",
        b"\n",
        b": ",
        b":",
        b"Event",
        b"Key",
        b" ",
        b"\xe7\x8e",
        b"\x8b",
        b"\xff",
        b"Response: Follows\r\n",
        b"--END COMMAND--",
        b"Output: ",
        b"\x00",
    ]
)


@settings(max_examples=300, deadline=1000)
@given(
    st.one_of(st.binary(max_size=2000), st.lists(AMI_ISH, max_size=200).map(b"".join)),
    st.lists(st.integers(0, 2000), max_size=20),
    st.booleans(),
)
def test_random_bytes_only_ever_raise_ami_protocol_error(
    raw: bytes, cuts: list[int], banner: bool
) -> None:
    parser = AmiParser(expect_banner=banner, max_message_size=512)
    started = time.monotonic()
    start = 0
    try:
        for cut in [*sorted(c for c in cuts if c <= len(raw)), len(raw)]:
            for message in parser.feed(raw[start:cut]):
                assert all(isinstance(k, str) and isinstance(v, str) for k, v in message.headers)
            start = cut
    except AmiProtocolError as exc:
        assert exc.data or raw == b""
    assert time.monotonic() - started < 0.5


@given(
    st.lists(
        st.tuples(
            st.text(
                st.characters(blacklist_characters=":\r\n", blacklist_categories=["Cs"]),
                min_size=1,
                max_size=20,
            ),
            st.text(
                st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"]),
                max_size=40,
            ),
        ),
        max_size=10,
    )
)
def test_serialized_actions_parse_back_to_the_same_headers(
    headers: list[tuple[str, str]],
) -> None:
    (message,) = AmiParser(expect_banner=False).feed(serialize_action("Originate", headers))
    assert message.headers == (("Action", "Originate"), *headers)


@pytest.mark.parametrize(
    "headers",
    [
        [("Channel", "PJSIP/1\r\nAction: Hangup")],
        [("Channel", "x\n")],
        [("Chan\rnel", "x")],
        [("Chan: nel", "x")],
        [("", "x")],
    ],
)
def test_serialize_refuses_header_injection(headers: list[tuple[str, str]]) -> None:
    with pytest.raises(ValueError):
        serialize_action("Setvar", headers)


def test_a_real_asterisk_22_recording_parses() -> None:
    """Recorded from the sandbox with bench/record_ami.py while a caller abandoned a queue."""
    parser, messages = parse_in_chunks(transcript("real_sandbox_queue_abandon.bin"), [])
    assert parser.banner == "Asterisk Call Manager/11.0.0"
    events = [m["Event"] for m in messages if m.is_event]
    for name in ("Newchannel", "QueueCallerJoin", "QueueCallerAbandon", "Hangup", "Cdr"):
        assert name in events
    abandon = next(m for m in messages if m.get("Event") == "QueueCallerAbandon")
    assert abandon["CallerIDName"] == '王小明 😀 \\"Boss\\"'  # Asterisk escapes the quotes
    command = next(m for m in messages if m.output)
    assert command["Message"] == "Command output follows"
