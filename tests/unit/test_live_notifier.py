"""The live notifier: never blocks the publisher, drops the oldest for a slow reader and
says so, keeps a snapshot of what is live, and the wallboard's figures."""

from __future__ import annotations

import threading
import time

from callcenter.live.notifier import LiveNotifier
from callcenter.live.queue_stats import queue_figures


def test_a_subscriber_gets_what_is_published_in_order() -> None:
    notifier = LiveNotifier()
    with notifier.subscription() as sub:
        notifier.publish("call", {"phase": "queue"}, key="a")
        notifier.publish("call", {"phase": "talking"}, key="a")
        events = sub.get(timeout=0.1)
    assert [e.payload["phase"] for e in events] == ["queue", "talking"]
    assert events[0].seq < events[1].seq
    assert notifier.subscriber_count == 0


def test_a_slow_reader_loses_its_oldest_events_and_counts_them() -> None:
    notifier = LiveNotifier(queue_size=3)
    sub = notifier.subscribe()
    started = time.perf_counter()
    for n in range(1000):
        notifier.publish("call", {"n": n}, key="a")
    assert time.perf_counter() - started < 0.5  # the publisher never waited
    assert [e.payload["n"] for e in sub.get(timeout=0)] == [997, 998, 999]
    assert sub.take_dropped() == 997 and sub.take_dropped() == 0
    sub.close()


def test_a_waiting_reader_wakes_up_when_something_is_published() -> None:
    notifier = LiveNotifier()
    sub = notifier.subscribe()
    threading.Timer(
        0.05, lambda: notifier.publish("agent", {"state": "paused"}, key="1001")
    ).start()
    started = time.monotonic()
    events = sub.get(timeout=5)
    assert events and time.monotonic() - started < 1
    assert sub.get(timeout=0.01) == []  # a heartbeat's worth of nothing
    sub.close()


def test_the_snapshot_keeps_the_latest_of_each_live_item_and_forgets_ended_ones() -> None:
    notifier = LiveNotifier()
    notifier.publish("call", {"phase": "queue"}, key="a")
    notifier.publish("call", {"phase": "talking"}, key="a")
    notifier.publish("call", {"phase": "ivr"}, key="b")
    notifier.publish("call", {"phase": "ended", "ended": True}, key="b")
    notifier.publish("agent", {"state": "available"}, key="1001")
    assert [e.payload["phase"] for e in notifier.snapshot("call")] == ["talking"]
    assert [e.key for e in notifier.recently_ended("call")] == ["b"]
    assert [e.key for e in notifier.snapshot("agent")] == ["1001"]


def _call(linkedid: str, **values: object) -> dict[str, object]:
    return {"linkedid": linkedid, "queue": "general", "caller_number": linkedid, **values}


def test_wallboard_figures_follow_their_definitions() -> None:
    now = 10_000.0
    calls = [
        _call("w1", phase="queue", queued=now - 30, started=now - 40),
        _call("w2", phase="ringing", queued=now - 90, started=now - 95),
        _call("t1", phase="talking", wait_seconds=5.0, started=now - 200),
        _call("a1", phase="ended", disposition="answered", wait_seconds=15.0, started=1.0),
        _call("a2", phase="ended", disposition="answered", wait_seconds=40.0, started=2.0),
        _call("x1", phase="ended", disposition="abandoned", wait_seconds=50.0, started=3.0),
        _call("cb", phase="ended", disposition="callback", started=4.0),
        {
            **_call("other", phase="ended", disposition="answered", wait_seconds=1.0),
            "queue": "repair",
        },
    ]
    general, repair, everything = queue_figures(
        calls, queues=["general", "repair"], now=now, threshold_seconds=20
    )
    assert (general.waiting, general.longest_wait, general.talking) == (2, 90.0, 1)
    # answered: t1 (talking, 5 s), a1 (15 s), a2 (40 s); abandoned: x1
    assert (general.answered, general.abandoned, general.offered) == (3, 1, 4)
    assert general.service_level == 2 / 4
    assert general.average_speed_of_answer == 20.0
    assert general.abandon_rate == 1 / 4
    assert general.callbacks_pending == 1
    assert repair.answered == 1 and repair.service_level == 1.0
    assert everything.queue == "" and everything.answered == 4 and everything.waiting == 2


def test_a_callback_is_no_longer_pending_once_the_number_was_answered() -> None:
    calls = [
        _call("13800138000", phase="ended", disposition="callback", started=1.0),
        {**_call("later", phase="ended", disposition="answered", started=2.0),
         "caller_number": "13800138000"},
    ]  # fmt: skip
    (general, _total) = queue_figures(calls, queues=["general"], now=3.0, threshold_seconds=20)
    assert general.callbacks_pending == 0
