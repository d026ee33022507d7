"""The asyncio AMI client against an in-process fake AMI server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from callcenter.ami import actions
from callcenter.ami.client import AmiClient
from callcenter.ami.errors import (
    AmiActionError,
    AmiAuthError,
    AmiConnectionError,
    AmiConnectionLost,
    AmiTimeout,
)
from callcenter.ami.message import Message
from callcenter.ami.protocol import AmiParser

SECRET = "s3cret-Wh1sper-9f2"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ami"
Reply = Callable[[Message, "FakeAmi"], Awaitable[None] | None]


def run_async(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(asyncio.wait_for(test(*args, **kwargs), 10))

    return wrapper


def wire(*headers: tuple[str, str]) -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in headers).encode() + b"\r\n"


class FakeAmi:
    """Speaks just enough AMI: banner, Login, Ping, EventList actions from the fixtures."""

    def __init__(self) -> None:
        self.actions: list[Message] = []
        self.replies: dict[str, Reply] = {}
        self.connections = 0
        self.writer: asyncio.StreamWriter | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.server.close()
        if self.writer is not None:
            self.writer.close()

    def send(self, raw: bytes) -> None:
        assert self.writer is not None
        self.writer.write(raw)

    def drop(self) -> None:
        assert self.writer is not None
        self.writer.transport.abort()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writer = writer
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        parser = AmiParser(expect_banner=False)
        try:
            while data := await reader.read(65536):
                for action in parser.feed(data):
                    self.actions.append(action)
                    reply = self.replies.get(action["Action"], FakeAmi.default)
                    result = reply(action, self)
                    if result is not None:
                        await result
        except ConnectionError:
            pass

    @staticmethod
    def default(action: Message, ami: FakeAmi) -> None:
        aid = ("ActionID", action["ActionID"])
        if action["Action"] == "Login":
            if action["Secret"] == SECRET:
                ami.send(wire(("Response", "Success"), aid, ("Message", "Authentication accepted")))
            else:
                ami.send(wire(("Response", "Error"), aid, ("Message", "Authentication failed")))
        elif action["Action"] in ("CoreShowChannels", "BridgeList", "QueueStatus"):
            name = {"CoreShowChannels": "core_show_channels.bin", "BridgeList": "bridge_list.bin",
                    "QueueStatus": "queue_status.bin"}[action["Action"]]  # fmt: skip
            raw = (FIXTURES / name).read_bytes()
            for message in AmiParser(expect_banner=False).feed(raw):
                headers = [(k, action["ActionID"] if k == "ActionID" else v)
                           for k, v in message.headers]  # fmt: skip
                ami.send(wire(*headers))
                ami.send(wire(("Event", "Interleaved")))  # unrelated events in between
        else:
            ami.send(wire(("Response", "Success"), aid, ("Ping", "Pong")))


class Recorder:
    def __init__(self) -> None:
        self.events: list[Message] = []
        self.connects = 0
        self.log: list[str] = []

    async def on_event(self, message: Message) -> None:
        self.events.append(message)
        self.log.append(message["Event"])

    def on_connect(self) -> None:
        self.connects += 1
        self.log.append("connect")


async def until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def started(secret: str = SECRET, **kwargs: Any) -> tuple[FakeAmi, AmiClient, Recorder]:
    ami = FakeAmi()
    await ami.start()
    rec = Recorder()
    client = AmiClient(
        "127.0.0.1", ami.port, "callcenter", secret,
        connect_timeout=1, action_timeout=kwargs.pop("action_timeout", 2),
        on_event=rec.on_event, on_connect=rec.on_connect,
        backoff_initial=0.05, backoff_max=0.2, **kwargs,
    )  # fmt: skip
    return ami, client, rec


@run_async
async def test_login_succeeds_and_on_connect_is_called() -> None:
    ami, client, rec = await started()
    await client.connect()
    assert client.connected
    assert client.banner == "Asterisk Call Manager/11.0.0"
    assert ami.actions[0]["Action"] == "Login" and ami.actions[0]["Username"] == "callcenter"
    await until(lambda: rec.connects == 1)
    await client.close()
    assert not client.connected
    assert ami.actions[-1]["Action"] == "Logoff"
    await ami.stop()


@run_async
async def test_wrong_secret_gives_a_clear_auth_error() -> None:
    ami, client, rec = await started(secret="wrong-secret")
    with pytest.raises(AmiAuthError, match=r"login refused for user 'callcenter'.*secret"):
        await client.connect()
    assert not client.connected
    assert rec.connects == 0
    await client.close()
    await ami.stop()


@run_async
async def test_unreachable_server_gives_a_connection_error() -> None:
    ami = FakeAmi()
    await ami.start()
    port = ami.port
    await ami.stop()
    client = AmiClient("127.0.0.1", port, "callcenter", SECRET, connect_timeout=1)
    with pytest.raises(AmiConnectionError, match=f"127.0.0.1:{port}"):
        await client.connect()


@run_async
async def test_answers_find_their_action_among_interleaved_events() -> None:
    ami, client, rec = await started()
    held: list[Message] = []

    def hold_first(action: Message, fake: FakeAmi) -> None:
        held.append(action)
        if len(held) == 2:  # answer the second one first, with events around the answers
            for number, pending in ((2, held[1]), (1, held[0])):
                fake.send(wire(("Event", f"Before{number}"), ("ActionID", "other-99")))
                fake.send(wire(("Response", "Success"), ("ActionID", pending["ActionID"]),
                               ("Value", pending["Variable"])))  # fmt: skip
            fake.send(wire(("Event", "After")))

    ami.replies["Getvar"] = hold_first
    await client.connect()
    first, second = await asyncio.gather(
        client.send(actions.getvar("ONE")), client.send(actions.getvar("TWO"))
    )
    assert (first["Value"], second["Value"]) == ("ONE", "TWO")
    await until(lambda: len(rec.events) == 3)
    assert rec.log == ["connect", "Before2", "Before1", "After"]
    await client.close()
    await ami.stop()


@run_async
async def test_collect_returns_the_event_list_items_and_snapshot_uses_it() -> None:
    ami, client, rec = await started()
    await client.connect()
    channels = await client.collect(actions.core_show_channels())
    assert [m["Event"] for m in channels] == ["CoreShowChannel", "CoreShowChannel"]
    assert channels[0]["CallerIDName"] == "王小明"
    snap = await client.snapshot()
    assert len(snap.channels) == 2
    assert [m["Event"] for m in snap.bridges] == ["BridgeListItem"]
    assert [m["Event"] for m in snap.queues] == ["QueueParams", "QueueMember", "QueueEntry"]
    await until(lambda: len(rec.events) == 4 * 4)
    assert {m["Event"] for m in rec.events} == {"Interleaved"}
    await client.close()
    await ami.stop()


@run_async
async def test_collect_raises_when_the_server_refuses() -> None:
    ami, client, _ = await started()
    ami.replies["QueueStatus"] = lambda action, fake: fake.send(
        wire(("Response", "Error"), ("ActionID", action["ActionID"]), ("Message", "No queue"))
    )
    await client.connect()
    with pytest.raises(AmiActionError, match="QueueStatus failed: No queue"):
        await client.collect(actions.queue_status(queue="nope"))
    await client.close()
    await ami.stop()


@run_async
async def test_an_unanswered_action_times_out(caplog: pytest.LogCaptureFixture) -> None:
    ami, client, _ = await started(action_timeout=0.2)
    silent: list[Message] = []
    ami.replies["Ping"] = lambda action, fake: silent.append(action)
    await client.connect()
    with pytest.raises(AmiTimeout, match="Ping"):
        await client.send(actions.ping())
    ami.send(wire(("Response", "Success"), ("ActionID", silent[0]["ActionID"])))  # too late
    await until(lambda: "nobody waits for" in caplog.text)
    assert client.connected, "a late answer is logged, not fatal"
    await client.close()
    await ami.stop()


@run_async
async def test_run_forever_reconnects_after_a_drop_and_resyncs() -> None:
    ami, client, rec = await started()
    task = asyncio.create_task(client.run_forever())
    await until(lambda: client.connected and rec.connects == 1)
    ami.replies["Ping"] = lambda action, fake: fake.drop()
    with pytest.raises(AmiConnectionLost):
        await client.send(actions.ping())
    del ami.replies["Ping"]
    await until(lambda: client.connected and rec.connects == 2)
    assert ami.connections == 2
    assert (await client.send(actions.ping()))["Ping"] == "Pong"
    await client.close()
    await task
    await ami.stop()


@run_async
async def test_malformed_bytes_are_logged_and_the_connection_is_renewed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ami, client, rec = await started()
    task = asyncio.create_task(client.run_forever())
    await until(lambda: rec.connects == 1)
    ami.send(wire(("Event", "Good")) + b"this line has no colon\r\n\r\n" + wire(("Event", "Lost")))
    await until(lambda: rec.connects == 2)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "this line has no colon" in errors[0].getMessage()
    assert [m["Event"] for m in rec.events] == ["Good"]
    assert rec.log == ["connect", "Good", "connect"]
    await client.close()
    await task
    await ami.stop()


@run_async
async def test_a_failing_event_handler_is_logged_and_forces_a_resync(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ami, client, rec = await started()

    async def explode(message: Message) -> None:
        raise RuntimeError("handler bug")

    client._on_event = explode
    task = asyncio.create_task(client.run_forever())
    await until(lambda: rec.connects == 1)
    ami.send(wire(("Event", "Boom")))
    await until(lambda: rec.connects == 2)
    assert "on_event handler failed on Boom" in caplog.text
    await client.close()
    await task
    await ami.stop()


@run_async
async def test_events_arrive_in_order_after_on_connect() -> None:
    ami, client, rec = await started()

    def burst(action: Message, fake: FakeAmi) -> None:
        FakeAmi.default(action, fake)
        for n in range(200):
            fake.send(wire(("Event", f"E{n}")))

    ami.replies["Login"] = burst
    await client.connect()
    await until(lambda: len(rec.events) == 200)
    assert rec.log == ["connect", *[f"E{n}" for n in range(200)]]
    await client.close()
    await ami.stop()


@run_async
async def test_the_secret_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    ami, client, rec = await started()
    task = asyncio.create_task(client.run_forever())
    await until(lambda: rec.connects == 1)
    await client.send(actions.ping())
    ami.send(b"garbage\r\n\r\n")
    await until(lambda: rec.connects == 2)
    await client.close()
    await task
    wrong = AmiClient("127.0.0.1", ami.port, "callcenter", SECRET + "x", connect_timeout=1)
    with pytest.raises(AmiAuthError) as caught:
        await wrong.connect()
    await wrong.close()
    await ami.stop()
    assert "Login" in caplog.text
    assert SECRET not in caplog.text
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(actions.login("callcenter", SECRET))
    assert SECRET not in repr(client)
