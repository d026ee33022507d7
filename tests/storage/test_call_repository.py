"""Calls: saved from the domain ``Call``, read back exactly, shaped for ``calls --json``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db import call_repository
from callcenter.db.call_repository import CallRepository, call_to_dict
from callcenter.db.engine import session_scope
from callcenter.db.models import CallRow
from callcenter.domain.call import Call, Disposition, TimelineEntry

T0 = datetime(2026, 5, 9, 8, 30, 0, 123456, tzinfo=UTC)
NAME = '王小明 📞 "Bobby" O\'Brien \\ <x>'


def a_call(linkedid: str = "1715243400.17", **changes: object) -> Call:
    call = Call(
        linkedid=linkedid,
        caller_number="+86 10 6552 0000",
        caller_name=NAME,
        dialed="8000",
        started_at=T0,
        queue="general",
        queue_joined_at=T0 + timedelta(seconds=12),
        ivr_path=("2", "1"),
        timeline=(
            TimelineEntry(T0, "start", "PJSIP/pstn-00000001"),
            TimelineEntry(T0 + timedelta(seconds=12), "queue_join", "general"),
        ),
    )
    return _replace(call, **changes)


def _replace(call: Call, **changes: object) -> Call:
    from dataclasses import replace

    return replace(call, **changes)  # type: ignore[arg-type]


def answered(call: Call) -> Call:
    return _replace(
        call,
        answered_at=T0 + timedelta(seconds=20, microseconds=250_000),
        ended_at=T0 + timedelta(minutes=3, seconds=5),
        agent="1001",
        disposition=Disposition.ANSWERED,
        timeline=(
            *call.timeline,
            TimelineEntry(T0 + timedelta(seconds=20), "agent_connect", "1001"),
        ),
    )


def test_a_call_round_trips_exactly_with_chinese_emoji_and_quotes(
    sessions: sessionmaker[Session],
) -> None:
    call = answered(a_call())
    with session_scope(sessions) as session:
        call_id = CallRepository(session).save(call)

    with sessions() as session:
        row = CallRepository(session).get(call_id)
        assert row is not None
        assert row.caller_name == NAME
        assert row.caller_number == "+86 10 6552 0000"
        assert row.dialed == "8000"
        assert row.ivr_path == ["2", "1"]
        assert row.disposition == "answered"
        assert row.agent == "1001"
        assert row.queue == "general"
        assert row.wait_seconds == call.wait_seconds
        assert row.talk_seconds == call.talk_seconds
        assert row.timeline[-1] == {
            "at": "2026-05-09T08:30:20.123456+00:00",
            "kind": "agent_connect",
            "detail": "1001",
        }


def test_times_come_back_timezone_aware_utc_and_equal(sessions: sessionmaker[Session]) -> None:
    beijing = timezone(timedelta(hours=8))
    call = answered(a_call(started_at=T0.astimezone(beijing)))
    with session_scope(sessions) as session:
        call_id = CallRepository(session).save(call)

    with sessions() as session:
        row = CallRepository(session).get(call_id)
        assert row is not None
        for stored, original in [
            (row.started_at, call.started_at),
            (row.answered_at, call.answered_at),
            (row.ended_at, call.ended_at),
        ]:
            assert stored is not None and original is not None
            assert stored.utcoffset() == timedelta(0)
            assert stored == original
        assert row.started_at.isoformat() == "2026-05-09T08:30:00.123456+00:00"
        assert row.created_at.tzinfo is not None and row.updated_at.tzinfo is not None


def test_saving_the_same_linkedid_again_updates_the_same_row(
    sessions: sessionmaker[Session],
) -> None:
    ringing = a_call()
    with session_scope(sessions) as session:
        repo = CallRepository(session)
        first_id = repo.save(ringing)
        assert repo.open_calls()[0].id == first_id
        repo.set_recording(first_id, "/var/spool/rec/1715243400.17.wav")

    with session_scope(sessions) as session:
        repo = CallRepository(session)
        seen = repo.get(first_id)  # in the identity map before the upsert
        assert seen is not None and seen.disposition is None
        second_id = repo.save(answered(ringing))
        assert second_id == first_id
        assert seen.disposition == "answered"  # the loaded object is refreshed

    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(CallRow)) == 1
        repo = CallRepository(session)
        row = repo.get(first_id)
        assert row is not None
        assert row.disposition == "answered"
        assert row.agent == "1001"
        assert len(row.timeline) == 3
        assert row.recording == "/var/spool/rec/1715243400.17.wav"  # kept by save()
        assert row.updated_at >= row.created_at
        assert repo.open_calls() == []


def test_call_to_dict_follows_the_calls_json_contract(sessions: sessionmaker[Session]) -> None:
    call = answered(a_call())
    with session_scope(sessions) as session:
        repo = CallRepository(session)
        call_id = repo.save(call)
        repo.set_transcript(call_id, "你好，我的电脑坏了", language="zh")
        repo.set_ticket(call_id, 42)
        open_id = repo.save(a_call("1715243999.1", ivr_path=()))

    with sessions() as session:
        repo = CallRepository(session)
        done = repo.get(call_id)
        ringing = repo.get(open_id)
        assert done is not None and ringing is not None
        data = call_to_dict(done)
        open_data = call_to_dict(ringing)

    assert list(data) == [
        "id", "linkedid", "caller_number", "caller_name", "dialed",
        "started_at", "answered_at", "ended_at", "wait_seconds", "talk_seconds",
        "disposition", "queue", "agent", "ivr_path", "language", "recording", "transcript",
        "ticket", "timeline", "recording_error", "keyword_flags", "transcript_segments",
        "transfers", "csat",
    ]  # fmt: skip
    assert data["id"] == call_id
    assert data["caller_name"] == NAME
    assert data["started_at"] == "2026-05-09T08:30:00.123456+00:00"
    assert datetime.fromisoformat(data["ended_at"]) == call.ended_at
    assert data["wait_seconds"] == 8.25  # queue join at +12 s, answered at +20.25 s
    assert data["talk_seconds"] == 164.75
    assert data["disposition"] == "answered"
    assert data["ivr_path"] == ["2", "1"]
    assert data["recording"] is None
    assert data["transcript"] == "你好，我的电脑坏了"
    assert data["ticket"] == 42
    assert [e["kind"] for e in data["timeline"]] == ["start", "queue_join", "agent_connect"]

    assert open_data["answered_at"] is None and open_data["ended_at"] is None
    assert open_data["disposition"] is None and open_data["agent"] is None
    assert open_data["wait_seconds"] == 0.0 and open_data["talk_seconds"] == 0.0
    assert open_data["ivr_path"] == [] and open_data["ticket"] is None
    for value in (open_data["wait_seconds"], data["talk_seconds"]):
        assert isinstance(value, float)


def test_seconds_are_rounded_to_milliseconds(sessions: sessionmaker[Session]) -> None:
    call = _replace(
        answered(a_call()), ended_at=T0 + timedelta(seconds=20, microseconds=250_000 + 123_456)
    )
    with session_scope(sessions) as session:
        call_id = CallRepository(session).save(call)
    with sessions() as session:
        row = CallRepository(session).get(call_id)
        assert row is not None
        assert call_to_dict(row)["talk_seconds"] == 0.123


def test_recent_lists_newest_first_and_honours_the_limit(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        repo = CallRepository(session)
        # Saved out of order: the order comes from started_at, not from insertion.
        for minute in (3, 1, 4, 0, 2):
            repo.save(a_call(f"call-{minute}", started_at=T0 + timedelta(minutes=minute)))

    with sessions() as session:
        repo = CallRepository(session)
        assert [r.linkedid for r in repo.recent()] == [f"call-{m}" for m in (4, 3, 2, 1, 0)]
        assert [r.linkedid for r in repo.recent(limit=2)] == ["call-4", "call-3"]
        assert repo.recent(limit=0) == []
        assert repo.get(10_000) is None


def test_saving_works_on_backends_without_on_conflict_too(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(call_repository, "_upsert", lambda dialect, values: None)
    with session_scope(sessions) as session:
        repo = CallRepository(session)
        first_id = repo.save(a_call())
        assert repo.save(answered(a_call())) == first_id
    with sessions() as session:
        row = CallRepository(session).get(first_id)
        assert row is not None and row.disposition == "answered" and row.caller_name == NAME
        assert session.scalar(select(func.count()).select_from(CallRow)) == 1
