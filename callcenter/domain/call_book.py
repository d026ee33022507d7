"""The call reducer: typed AMI events in, updated calls out. Pure: no I/O, no clock.

A call is every channel sharing one Asterisk ``linkedid``; the caller's channel is the one
whose ``uniqueid`` equals the ``linkedid``. The call ends when the caller's channel hangs up.
`CallBook.apply` returns the calls an event changed, so the caller of the reducer (the
controller) knows exactly what to store and to announce.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from callcenter.ami import events as ev
from callcenter.domain.call import Call, Disposition, TimelineEntry, Transfer

# Dial statuses that say the far end refused or could not be reached.
_FAILED_DIAL = frozenset({"CHANUNAVAIL", "CONGESTION", "INVALIDARGS"})


def _note(call: Call, at: datetime, kind: str, detail: str = "") -> Call:
    return replace(call, timeline=(*call.timeline, TimelineEntry(at, kind, detail)))


def _attended_target(event: ev.AttendedTransfer) -> str:
    """Who the caller was handed to. When Asterisk merges the consultation bridge into the
    caller's (DestType Bridge) it names no TransferTarget; then the transferer's second
    leg is connected to that party."""
    if event.target is not None:
        return ev.extension_of(event.target.channel)
    if event.second is not None:
        return event.second.connected_number or ev.extension_of(event.second.channel)
    return ""


def final_disposition(call: Call, last_dial_status: str) -> Disposition:
    """How a finished call counts in the desk's statistics."""
    if call.answered_at is not None:
        return Disposition.ANSWERED
    if call.requested is not None:
        return call.requested
    if call.queue is not None:
        return Disposition.ABANDONED
    if last_dial_status == "BUSY":
        return Disposition.BUSY
    if last_dial_status in _FAILED_DIAL:
        return Disposition.FAILED
    return Disposition.ABANDONED


class CallBook:
    """Calls in progress, keyed by linkedid, and the events that move them."""

    def __init__(self, queue_names: Mapping[str, str] | None = None) -> None:
        # app_queue name -> the desk's queue name (``general`` is ``general_queue`` inside
        # Asterisk, because ``[general]`` is the settings section of queues.conf).
        self._queue_names = dict(queue_names or {})
        self._calls: dict[str, Call] = {}
        self._dial_status: dict[str, str] = {}
        self._agent_channel: dict[str, str] = {}  # linkedid -> uniqueid of the answering leg

    @property
    def open_calls(self) -> list[Call]:
        return list(self._calls.values())

    def get(self, linkedid: str) -> Call | None:
        return self._calls.get(linkedid)

    def adopt(self, call: Call) -> None:
        """Take over a call already in progress (after a restart of the controller)."""
        self._calls[call.linkedid] = call

    def apply(self, event: ev.Event) -> list[Call]:
        """Fold one event into the book; return the calls it changed (ended ones included)."""
        if not isinstance(event, ev.ChannelEvent):
            return []
        chan = event.chan
        if isinstance(event, ev.Newchannel) and chan.uniqueid == chan.linkedid:
            return [self._start(event)]
        call = self._calls.get(chan.linkedid)
        if call is None:
            return []
        updated = self._update(call, event)
        if updated is call:
            return []
        if updated.ended_at is not None:
            self._forget(updated.linkedid)
        else:
            self._calls[updated.linkedid] = updated
        return [updated]

    def close_missing(self, live_linkedids: Iterable[str], at: datetime) -> list[Call]:
        """End, as failed, every call whose channels Asterisk no longer has (after a resync)."""
        live = set(live_linkedids)
        closed = []
        for linkedid in [lid for lid in self._calls if lid not in live]:
            call = self._calls[linkedid]
            call = _note(call, at, "lost", "channels gone after reconnect to Asterisk")
            closed.append(
                replace(
                    call,
                    ended_at=at,
                    disposition=Disposition.FAILED,
                    talk_ended_at=call.talk_ended_at or (at if call.answered_at else None),
                    live_channels=frozenset(),
                )
            )
            self._forget(linkedid)
        return closed

    def _queue(self, asterisk_name: str) -> str:
        return self._queue_names.get(asterisk_name, asterisk_name)

    def _forget(self, linkedid: str) -> None:
        self._calls.pop(linkedid, None)
        self._dial_status.pop(linkedid, None)
        self._agent_channel.pop(linkedid, None)

    def _start(self, event: ev.Newchannel) -> Call:
        chan = event.chan
        call = Call(
            linkedid=chan.linkedid,
            caller_number=chan.caller_number,
            caller_name=chan.caller_name,
            dialed=chan.exten if chan.exten != "s" else "",
            started_at=event.at,
            language=chan.language or None,
            live_channels=frozenset({chan.uniqueid}),
        )
        call = _note(call, event.at, "start", chan.channel)
        self._calls[call.linkedid] = call
        return call

    def _update(self, call: Call, event: ev.ChannelEvent) -> Call:
        chan = event.chan
        is_caller = chan.uniqueid == call.linkedid
        at = event.at
        match event:
            case ev.Newchannel():
                return replace(call, live_channels=call.live_channels | {chan.uniqueid})
            case ev.NewCallerid() if is_caller:
                # Fill what the first event lacked; never overwrite what the caller sent.
                return replace(
                    call,
                    caller_number=call.caller_number or chan.caller_number,
                    caller_name=call.caller_name or chan.caller_name,
                )
            case ev.QueueCallerJoin():
                queue = self._queue(event.queue)
                call = _note(call, at, "queue_join", queue)
                return replace(call, queue=queue, queue_joined_at=call.queue_joined_at or at)
            case ev.QueueCallerAbandon():
                return _note(call, at, "queue_abandon", self._queue(event.queue))
            case ev.AgentCalled():
                return _note(call, at, "agent_ring", event.extension)
            case ev.AgentRingNoAnswer():
                return _note(call, at, "agent_no_answer", event.extension)
            case ev.AgentConnect():
                return self._answer(call, at, event.extension, event.dest, self._queue(event.queue))
            case ev.DialEnd():
                self._dial_status[call.linkedid] = event.dial_status
                if event.dial_status == "ANSWER" and event.dest is not None:
                    return self._answer(call, at, ev.extension_of(event.dest.channel), event.dest)
                return call
            case ev.Hangup():
                return self._hangup(call, event, is_caller=is_caller)
            case ev.AsyncAGIStart() if is_caller:
                return _note(call, at, "controller", "AsyncAGI session started")
            case ev.BlindTransfer() | ev.AttendedTransfer():
                return self._transfer(call, event)
            case ev.UserEvent() if is_caller and event.user_event == "Csat":
                score = event.fields.get("Score", "")
                if score not in ("1", "2", "3", "4", "5"):
                    return call
                return replace(_note(call, at, "csat", score), csat=int(score))
            case ev.UserEvent() if is_caller:
                return self._ivr_event(call, at, event)
            case _:
                if is_caller and not call.dialed and chan.exten not in ("", "s"):
                    return replace(call, dialed=chan.exten)
                return call

    def _ivr_event(self, call: Call, at: datetime, event: ev.UserEvent) -> Call:
        """What the IVR reports with ``UserEvent`` on the caller's channel."""
        fields = event.fields
        match event.user_event:
            case "IvrStep":
                step = fields.get("Step", "")
                return replace(_note(call, at, "ivr", step), ivr_path=(*call.ivr_path, step))
            case "IvrLanguage":
                return replace(call, language=fields.get("Language") or call.language)
            case "IvrVoicemail":
                call = _note(call, at, "voicemail", fields.get("Path", ""))
                return replace(call, requested=Disposition.VOICEMAIL)
            case "IvrCallback":
                call = _note(call, at, "callback_request", fields.get("Number", ""))
                return replace(call, requested=Disposition.CALLBACK)
            case "IvrBlocked":
                return _note(call, at, "blocked", fields.get("Number", ""))
            case "CallbackCall":
                # A callback the desk placed (callcenter/callbacks): the call that asked.
                return _note(call, at, "callback_for", fields.get("Of", ""))
            case _:
                return call

    def _transfer(self, call: Call, event: ev.BlindTransfer | ev.AttendedTransfer) -> Call:
        """An agent handed the caller on: one call, one more leg. The talk goes on with the
        new party, so the first agent's hang-up no longer ends it."""
        if event.result != "Success":
            return call
        if isinstance(event, ev.BlindTransfer):
            kind, to = "blind", event.extension
            if event.context == "cc-queue":
                to = f"queue:{self._queue(to)}"
            self._agent_channel.pop(call.linkedid, None)
        else:
            kind, to = "attended", _attended_target(event)
            if event.target is not None:
                self._agent_channel[call.linkedid] = event.target.uniqueid
        source = ev.extension_of(event.chan.channel)
        call = _note(call, event.at, "transfer", f"{kind} {source} -> {to}")
        entry = Transfer(event.at, source, to, kind)
        return replace(call, transfers=(*call.transfers, entry), talk_ended_at=None)

    def _answer(
        self,
        call: Call,
        at: datetime,
        extension: str,
        dest: ev.ChannelInfo | None,
        queue: str | None = None,
    ) -> Call:
        if call.answered_at is not None:
            return call
        if dest is not None:
            self._agent_channel[call.linkedid] = dest.uniqueid
        call = _note(call, at, "answer", extension)
        return replace(call, answered_at=at, agent=extension, queue=queue or call.queue)

    def _hangup(self, call: Call, event: ev.Hangup, *, is_caller: bool) -> Call:
        at = event.at
        live = call.live_channels - {event.chan.uniqueid}
        talk_ended = call.talk_ended_at
        if (
            call.answered_at is not None
            and talk_ended is None
            and (is_caller or self._agent_channel.get(call.linkedid) == event.chan.uniqueid)
        ):
            talk_ended = at
        call = replace(call, live_channels=live, talk_ended_at=talk_ended)
        if not is_caller:
            return call
        call = _note(call, at, "hangup", f"{event.cause} {event.cause_text}".strip())
        disposition = final_disposition(call, self._dial_status.get(call.linkedid, ""))
        return replace(call, ended_at=at, disposition=disposition)
