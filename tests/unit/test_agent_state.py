"""The agent state machine, fed AMI messages shaped like Asterisk 22 sends them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.agents.book import AgentBook
from callcenter.agents.state import AgentState
from callcenter.ami.events import event_from_message
from callcenter.ami.message import Message
from tests.unit.test_call_book import agent, caller, msg

T0 = 1_764_000_000.0
QUEUES = {"general_queue": "general", "repair": "repair"}


def member(
    event: str, t: float, queue: str = "general_queue", ext: str = "1001", **kw: str
) -> Message:
    headers = {"Queue": queue, "MemberName": ext, "Interface": f"PJSIP/{ext}",
               "StateInterface": f"PJSIP/{ext}", "Status": "1", "Paused": "0",
               "PausedReason": "", "InCall": "0", "Penalty": "0", "LastCall": "0",
               "LoginTime": str(int(T0)), "Wrapuptime": "0"} | kw  # fmt: skip
    items = [("Event", event), ("Timestamp", f"{T0 + t:.6f}"), *headers.items()]
    return Message(tuple(items))


def agent_event(event: str, t: float, queue: str = "general_queue", **kw: str) -> Message:
    return msg(event, t, caller(), agent("Dest"), Queue=queue, Interface="PJSIP/1001",
               MemberName="1001", **kw)  # fmt: skip


def device(t: float, state: str, ext: str = "1001") -> Message:
    return Message((("Event", "DeviceStateChange"), ("Timestamp", f"{T0 + t:.6f}"),
                    ("Device", f"PJSIP/{ext}"), ("State", state)))  # fmt: skip


def feed(book: AgentBook, *messages: Message) -> list[str]:
    return [str(c) for m in messages for c in book.apply(event_from_message(m))]


def logged_in(wrap_up: float = 0) -> AgentBook:
    book = AgentBook(queue_names=QUEUES, wrap_up={"general": wrap_up})
    feed(book, member("QueueMemberAdded", 0))
    return book


def test_a_queue_call_moves_the_agent_through_ringing_on_call_and_back() -> None:
    book = AgentBook(queue_names=QUEUES)
    log = feed(
        book,
        member("QueueMemberAdded", 0),
        agent_event("AgentCalled", 1),
        device(1.1, "RINGING"),
        agent_event("AgentConnect", 3, HoldTime="2"),
        device(3.1, "INUSE"),
        device(9.9, "NOT_INUSE"),  # the phone is free before AgentComplete: still on the call
        agent_event("AgentComplete", 10, TalkTime="7", Reason="agent"),
    )
    assert log == [
        "agent 1001: logged_out -> available (QueueMemberAdded)",
        "agent 1001: available -> ringing (AgentCalled)",
        "agent 1001: ringing -> on_call (AgentConnect)",
        "agent 1001: on_call -> available (AgentComplete)",
    ]
    assert book.get("1001").since == datetime.fromtimestamp(T0 + 10, tz=UTC)


def test_wrap_up_follows_the_queue_wrapup_time_then_the_agent_is_available() -> None:
    book = logged_in(wrap_up=5)
    feed(book, agent_event("AgentCalled", 1), agent_event("AgentConnect", 2))
    assert feed(book, agent_event("AgentComplete", 10)) == [
        "agent 1001: on_call -> wrap_up (AgentComplete)"
    ]
    end = datetime.fromtimestamp(T0 + 15, tz=UTC)
    assert book.next_wrap_up_end() == end
    assert book.wrap_up_due(end - timedelta(seconds=1)) == []
    (change,) = book.wrap_up_due(end)
    assert str(change) == "agent 1001: wrap_up -> available (WrapUpEnded)"
    assert change.queue is None and book.next_wrap_up_end() is None


def test_pause_with_reason_and_unpause() -> None:
    book = logged_in()
    assert feed(book, member("QueueMemberPause", 1, Paused="1", PausedReason="午休")) == [
        "agent 1001: available -> paused (QueueMemberPause) [午休]"
    ]
    assert book.get("1001").reason == "午休"
    assert feed(book, member("QueueMemberPause", 2, Paused="0")) == [
        "agent 1001: paused -> available (QueueMemberPause)"
    ]
    assert book.get("1001").pause_reason == ""


def test_paused_in_one_of_two_queues_is_still_available() -> None:
    book = logged_in()
    feed(book, member("QueueMemberAdded", 1, queue="repair"))
    assert feed(book, member("QueueMemberPause", 2, Paused="1", PausedReason="x")) == []
    assert book.get("1001").state is AgentState.AVAILABLE
    assert feed(book, member("QueueMemberPause", 3, queue="repair", Paused="1")) == [
        "agent 1001: available -> paused (QueueMemberPause) [x]"
    ]


def test_logout_from_every_queue_is_logged_out() -> None:
    book = logged_in()
    feed(book, member("QueueMemberAdded", 1, queue="repair"))
    assert feed(book, member("QueueMemberRemoved", 2)) == []
    assert feed(book, member("QueueMemberRemoved", 3, queue="repair")) == [
        "agent 1001: available -> logged_out (QueueMemberRemoved)"
    ]
    assert book.get("1001").queues == frozenset()


def test_a_ring_the_caller_gave_up_on_ends_when_the_phone_stops_ringing() -> None:
    book = logged_in()
    feed(book, agent_event("AgentCalled", 1))
    assert feed(book, device(3, "NOT_INUSE")) == [
        "agent 1001: ringing -> available (DeviceStateChange)"
    ]
    feed(book, agent_event("AgentCalled", 4))
    assert feed(book, agent_event("AgentRingNoAnswer", 19)) == [
        "agent 1001: ringing -> available (AgentRingNoAnswer)"
    ]


def test_a_direct_call_shows_from_the_device_state() -> None:
    book = logged_in()
    assert feed(book, device(1, "INUSE"), device(5, "NOT_INUSE")) == [
        "agent 1001: available -> on_call (DeviceStateChange)",
        "agent 1001: on_call -> available (DeviceStateChange)",
    ]
    assert feed(book, device(6, "INUSE", ext="2999")) == []  # not an agent we know


def test_resync_rebuilds_from_queue_status_and_records_only_real_changes() -> None:
    book = AgentBook(queue_names=QUEUES, wrap_up={"general": 60})
    book.remember("1001", AgentState.PAUSED)
    book.remember("1003", AgentState.AVAILABLE)
    items = [
        member("QueueMember", 0, Paused="1", PausedReason="lunch"),
        member("QueueMember", 0, ext="1002", InCall="1", Status="2"),
        member("QueueMember", 0, ext="1004", LastCall=str(int(T0) - 10)),
    ]
    members = [event_from_message(m) for m in items]
    now = datetime.fromtimestamp(T0, tz=UTC)
    changes = [str(c) for c in book.resync(members, now)]  # type: ignore[arg-type]
    assert sorted(changes) == [
        "agent 1002: logged_out -> on_call (QueueStatus)",
        "agent 1003: available -> logged_out (QueueStatus)",
        "agent 1004: logged_out -> wrap_up (QueueStatus)",
    ]
    assert book.get("1001").reason == "lunch"
    assert book.get("1004").wrap_up_until == now + timedelta(seconds=50)
