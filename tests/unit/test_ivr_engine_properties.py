"""Whatever a caller (or a confused runner) does, the IVR never leaves dead air."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.commands import (
    AWAITED,
    FINAL,
    CallerHungUp,
    CallerInfo,
    DigitsReceived,
    Hangup,
    IvrInput,
    PlaybackFinished,
    Start,
    TicketLookedUp,
)
from ivr.engine import Outcome, new_session, step
from ivr.menu import TICKET_STATUSES
from ivr.menu_load import load_menu

HOTLINE = load_menu(Path(__file__).resolve().parents[2] / "ivr" / "menus" / "hotline.toml")

inputs: st.SearchStrategy[IvrInput] = st.one_of(
    st.builds(DigitsReceived, st.text(alphabet="0123456789*#", max_size=13)),
    st.sampled_from(["", "1", "2", "4", "9", "202611240001"]).map(DigitsReceived),
    st.just(PlaybackFinished()),
    st.builds(
        TicketLookedUp,
        st.just("20261124-0001"),
        st.sampled_from([None, "error", *TICKET_STATUSES]),
    ),
    st.just(CallerHungUp()),
    st.builds(Start, st.builds(CallerInfo, st.just("1380000"))),
)
callers = st.builds(CallerInfo, st.just("13800138000"), st.just(""), st.booleans(), st.booleans())


@settings(max_examples=400, deadline=None)
@given(caller=callers, open=st.booleans(), events=st.lists(inputs, max_size=40))
def test_every_session_awaits_a_command_unless_it_ended(
    caller: CallerInfo, open: bool, events: list[IvrInput]
) -> None:
    session, sent = step(new_session(HOTLINE), Start(caller, open))
    assert sent and isinstance(sent[-1], AWAITED + FINAL)
    for event in events:
        before = session
        session, sent = step(session, event)
        # Every batch of commands ends waiting on the caller/runner, or ends the call.
        if sent:
            assert isinstance(sent[-1], AWAITED + FINAL)
            assert not any(isinstance(c, AWAITED + FINAL) for c in sent[:-1])
        else:
            assert session == before or session.outcome is Outcome.CALLER_HUNG_UP
        # No dead air: the session waits on exactly one command, or it is over.
        assert session.finished or session.awaiting is not None
        assert session.awaiting is None or session.awaiting == (
            sent[-1] if sent else before.awaiting
        )
        assert session.path[: len(before.path)] == before.path
        # The IVR hangs up only on a blocked caller or after a confirmed callback request.
        if any(isinstance(c, Hangup) for c in sent):
            assert caller.blocked or session.path[-1] == "closed:2"
