"""Test-side API of the SIP test phones: a synchronous facade over child processes.

The phones themselves live in ``python -m tests.phones.host`` children (see that module for the
line-based JSON protocol). This module never imports pjsua2, so it is safe in any test process.

pjsua limits one process to 8 accounts and 8 SIP transports; every phone here has its own
account and its own UDP port, so :class:`PhoneHost` starts another child when the current ones
are full. That is invisible to tests: calls between phones in different children work the same.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, TypeVar

__all__ = [
    "Call",
    "CallFailedError",
    "CallInfo",
    "Phone",
    "PhoneError",
    "PhoneHost",
    "PhoneHostDiedError",
    "RegInfo",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
MAX_PHONES_PER_PROCESS = 8  # pjsua: PJSUA_MAX_ACC and the transport table are both 8
# The pjsua2-python wheel is built with PJSUA_MAX_CALLS = 4: a fifth call in one process fails
# with PJ_ETOOMANY whatever uaConfig.maxCalls says. Many concurrent calls need many processes.
MAX_CALLS_PER_PROCESS = 4
T = TypeVar("T")


class PhoneError(RuntimeError):
    """An error reported by (or about) the phone host child; ``child_traceback`` if it had one."""

    def __init__(self, message: str, child_traceback: str = "", log_path: Path | None = None):
        super().__init__(message + (f" (phone log: {log_path})" if log_path else ""))
        self.child_traceback = child_traceback
        self.log_path = log_path


class PhoneHostDiedError(PhoneError):
    """The child process ended unexpectedly."""


class CallFailedError(PhoneError):
    """The call ended before reaching the awaited state; ``info`` says how it ended."""

    def __init__(self, message: str, info: CallInfo):
        super().__init__(message)
        self.info = info


@dataclass(frozen=True)
class RegInfo:
    """Last registration report of a phone (``at`` is ``time.time()`` in the child)."""

    code: int
    reason: str
    active: bool
    expires: int
    at: float


@dataclass(frozen=True)
class CallInfo:
    """A snapshot of one call leg as this phone sees it. Times are epoch floats or None."""

    id: str
    phone: str
    direction: str  # "outgoing" | "incoming"
    state: str = "NULL"  # NULL CALLING INCOMING EARLY CONNECTING CONFIRMED DISCONNECTED
    created_at: float | None = None  # dial sent / INVITE received
    ringing_at: float | None = None  # first 18x received (outgoing) or 180 sent (incoming)
    confirmed_at: float | None = None
    disconnected_at: float | None = None
    media_active_at: float | None = None
    media_active: bool = False
    last_status_code: int = 0
    last_reason: str = ""
    hangup_by: str | None = None  # "local" | "remote" once disconnected
    remote_uri: str = ""  # incoming: the From header as received; outgoing: the dialed URI
    remote_display: str = ""  # incoming: the caller's display name, unescaped
    remote_number: str = ""  # incoming: the From user
    remote_contact: str = ""
    request_uri: str = ""  # incoming: INVITE Request-URI (callbacks: user = dialed number)
    request_user: str = ""
    to_uri: str = ""
    local_uri: str = ""  # outgoing: the From we sent (if overridden)
    sip_call_id: str = ""
    dtmf: tuple[tuple[str, float], ...] = ()  # received digits with their times
    play_done_at: float | None = None
    recording_path: str | None = None  # set once the recording file is finalized

    @property
    def dtmf_received(self) -> str:
        return "".join(digit for digit, _ in self.dtmf)

    @property
    def ended(self) -> bool:
        return self.disconnected_at is not None

    @property
    def talk_seconds(self) -> float | None:
        if self.confirmed_at is None or self.disconnected_at is None:
            return None
        return self.disconnected_at - self.confirmed_at


@dataclass
class _PhoneState:
    reg: RegInfo | None = None
    incoming: list[str] = field(default_factory=list)
    consumed: int = 0


class _Worker:
    """One child process and its RPC channel."""

    def __init__(self, host: PhoneHost, name: str, log_path: Path, log_level: int) -> None:
        self.host = host
        self.name = name
        self.log_path = log_path
        self.phones = 0
        self.ready = threading.Event()
        self.dead: str | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
        )
        env["PYTHONUNBUFFERED"] = "1"
        self._stderr: IO[bytes] = open(log_path, "ab")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.phones.host", "--name", name,
             "--log-file", str(log_path), "--log-level", str(log_level)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=REPO_ROOT,
            env=env,
        )
        self._reader = threading.Thread(target=self._read, name=f"phones-{name}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        reason = "the phone host closed its output"
        try:
            for raw in self.proc.stdout:
                message = json.loads(raw)
                if "id" in message and "event" not in message:
                    slot = self._pending.pop(message["id"], None)
                    if slot is not None:
                        slot.put(message)
                elif message.get("event") == "ready":
                    self.ready.set()
                elif message.get("event") == "fatal":
                    reason = str(message.get("message"))
                else:
                    self.host._on_event(message)
        except Exception as exc:
            reason = f"bad message from phone host: {exc!r}"
        code = self.proc.wait()
        self.dead = f"{reason}; exit code {code}"
        for slot in list(self._pending.values()):
            slot.put({"ok": False, "error": f"phone host {self.name} died: {self.dead}"})
        self._pending.clear()
        self.host._wake()

    def request(self, op: str, timeout: float, **args: Any) -> Any:
        if self.dead is not None:
            raise PhoneHostDiedError(f"phone host {self.name} is gone: {self.dead}",
                                     log_path=self.log_path)
        request_id = next(self._ids)
        slot: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=1)
        self._pending[request_id] = slot
        line = json.dumps({"id": request_id, "op": op, "args": args}) + "\n"
        try:
            with self._lock:
                assert self.proc.stdin is not None
                self.proc.stdin.write(line.encode("ascii"))
                self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self._pending.pop(request_id, None)
            raise PhoneHostDiedError(f"phone host {self.name}: cannot send {op}: {exc}",
                                     log_path=self.log_path) from None
        try:
            reply = slot.get(timeout=timeout)
        except queue.Empty:
            self._pending.pop(request_id, None)
            raise TimeoutError(f"phone host {self.name} did not answer {op} within {timeout}s "
                               f"(log: {self.log_path})") from None
        if not reply.get("ok"):
            raise PhoneError(f"{op} failed: {reply.get('error')}",
                             child_traceback=str(reply.get("traceback", "")),
                             log_path=self.log_path)
        return reply.get("result")

    def close(self, timeout: float) -> None:
        if self.dead is None:
            with contextlib.suppress(Exception):
                self.request("shutdown", timeout=timeout)
        with contextlib.suppress(Exception):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._reader.join(timeout=5)
        self._stderr.close()


class PhoneHost:
    """Owns the phone child process(es); use as a context manager.

    ``log_dir`` receives ``phones-<name>.log`` per child (pjsip log + child stderr); by default a
    fresh temporary directory that is kept for debugging. ``log_level`` is pjsip's (4 includes
    every SIP message).
    """

    def __init__(
        self,
        *,
        log_dir: str | os.PathLike[str] | None = None,
        log_level: int = 4,
        phones_per_process: int = MAX_PHONES_PER_PROCESS,
        startup_timeout: float = 20.0,
        rpc_timeout: float = 10.0,
    ) -> None:
        if not 1 <= phones_per_process <= MAX_PHONES_PER_PROCESS:
            raise ValueError(f"phones_per_process must be 1..{MAX_PHONES_PER_PROCESS}")
        self.log_dir = Path(log_dir) if log_dir else Path(tempfile.mkdtemp(prefix="phones-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.log_level = log_level
        self.phones_per_process = phones_per_process
        self.startup_timeout = startup_timeout
        self.rpc_timeout = rpc_timeout
        self.errors: list[str] = []  # errors raised inside pjsua callbacks in the children
        self._workers: list[_Worker] = []
        self._cond = threading.Condition()
        self._calls: dict[str, CallInfo] = {}
        self._phone_states: dict[str, _PhoneState] = {}
        self._phones: list[Phone] = []
        self._closed = False

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> PhoneHost:
        self.start()
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close()
        if exc_type is None and self.errors:
            raise PhoneError("errors inside the phone host: " + " | ".join(self.errors),
                             log_path=self.log_path)

    def start(self) -> None:
        """Start the first child now (phones otherwise start it lazily)."""
        if not self._workers:
            self._spawn()

    def close(self, timeout: float = 5.0) -> None:
        """Hang up every call, unregister, and end the children (idempotent)."""
        if self._closed:
            return
        self._closed = True
        for worker in self._workers:
            worker.close(timeout)

    @property
    def log_paths(self) -> list[Path]:
        return [worker.log_path for worker in self._workers]

    @property
    def log_path(self) -> Path | None:
        """The first child's log: pjsip messages and the child's stderr."""
        return self._workers[0].log_path if self._workers else None

    @property
    def pids(self) -> list[int]:
        return [worker.proc.pid for worker in self._workers]

    def _spawn(self) -> _Worker:
        name = f"w{len(self._workers)}"
        worker = _Worker(self, name, self.log_dir / f"phones-{name}.log", self.log_level)
        self._workers.append(worker)
        deadline = time.monotonic() + self.startup_timeout
        while not worker.ready.wait(0.05):
            if worker.dead is not None or time.monotonic() > deadline:
                reason = worker.dead or f"not ready within {self.startup_timeout}s"
                raise PhoneHostDiedError(f"phone host {name} failed to start: {reason}",
                                         log_path=worker.log_path)
        return worker

    def _worker_for_new_phone(self) -> _Worker:
        if self._closed:
            raise PhoneError("PhoneHost is closed")
        for worker in self._workers:
            if worker.dead is None and worker.phones < self.phones_per_process:
                return worker
        return self._spawn()

    # ------------------------------------------------------------------ phones

    def agent(
        self,
        extension: str,
        password: str | None = None,
        registrar: str | None = None,
        *,
        auto_answer: bool = True,
        answer_delay: float = 0.0,
        username: str | None = None,
        display_name: str | None = None,
    ) -> Phone:
        """An agent softphone; registers to ``registrar`` ("host:port") if given, auto-answers
        incoming calls after ``answer_delay`` seconds (180 Ringing is sent at once). Without a
        registrar it is reachable directly at ``phone.uri``."""
        return self._add_phone(
            "agent", user=extension, server=registrar, register=registrar is not None,
            auth_user=username, password=password, display_name=display_name,
            auto_answer=auto_answer, answer_delay=answer_delay,
        )

    def caller(
        self,
        user: str = "pstn",
        password: str | None = None,
        server: str | None = None,
        *,
        register: bool = False,
        auto_answer: bool = False,
        answer_delay: float = 0.0,
    ) -> Phone:
        """A PSTN-side phone that authenticates as ``user`` (the trunk) and dials with any From.

        ``register=True`` also registers it at ``server`` so Asterisk can call it back; such
        calls show the dialed number in ``CallInfo.request_user``."""
        return self._add_phone(
            "caller", user=user, server=server, register=register, auth_user=user,
            password=password, display_name=None, auto_answer=auto_answer,
            answer_delay=answer_delay,
        )

    def _add_phone(self, kind: str, **args: Any) -> Phone:
        worker = self._worker_for_new_phone()
        result = worker.request("add_phone", self.rpc_timeout, **args)
        worker.phones += 1
        phone = Phone(self, worker, kind=kind, id=result["phone"], user=args["user"],
                      server=args["server"], port=int(result["port"]), uri=result["uri"])
        with self._cond:
            self._phone_states.setdefault(phone.id, _PhoneState())
        self._phones.append(phone)
        return phone

    @property
    def phones(self) -> list[Phone]:
        return list(self._phones)

    def hangup_all(self, timeout: float = 10.0) -> None:
        """Hang up every live call of every phone and wait until all are disconnected."""
        for phone in self._phones:
            phone.hangup_all(timeout=timeout)

    # ------------------------------------------------------------------ events

    def _wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _on_event(self, message: dict[str, Any]) -> None:
        kind = message.get("event")
        with self._cond:
            if kind == "reg":
                state = self._phone_states.setdefault(message["phone"], _PhoneState())
                state.reg = RegInfo(code=int(message["code"]), reason=str(message["reason"]),
                                    active=bool(message["active"]),
                                    expires=int(message["expires"]), at=float(message["at"]))
            elif kind == "incoming":
                call_id = message["call"]
                self._calls[call_id] = replace(
                    self._call(call_id, message["phone"], "incoming"),
                    state="INCOMING",
                    created_at=message["at"],
                    remote_uri=message["remote_uri"],
                    remote_display=message["remote_display"],
                    remote_number=message["remote_number"],
                    request_uri=message["request_uri"],
                    request_user=message["request_user"],
                    to_uri=message["to_uri"],
                    sip_call_id=message["sip_call_id"],
                )
                self._phone_states.setdefault(message["phone"], _PhoneState()).incoming.append(
                    call_id)
            elif kind == "call":
                self._on_call_state(message)
            elif kind == "media":
                info = self._call(message["call"])
                self._calls[info.id] = replace(
                    info, media_active=bool(message["active"]),
                    media_active_at=info.media_active_at or (
                        message["at"] if message["active"] else None))
            elif kind == "dtmf":
                info = self._call(message["call"])
                self._calls[info.id] = replace(
                    info, dtmf=(*info.dtmf, (str(message["digit"]), float(message["at"]))))
            elif kind == "play_done":
                info = self._call(message["call"])
                self._calls[info.id] = replace(info, play_done_at=message["at"])
            elif kind == "recording_done":
                info = self._call(message["call"])
                self._calls[info.id] = replace(info, recording_path=message["path"])
            elif kind == "error":
                self.errors.append(str(message.get("message")))
            self._cond.notify_all()

    def _call(self, call_id: str, phone: str = "", direction: str = "outgoing") -> CallInfo:
        info = self._calls.get(call_id)
        if info is None:
            info = CallInfo(id=call_id, phone=phone, direction=direction)
            self._calls[call_id] = info
        return info

    def _on_call_state(self, message: dict[str, Any]) -> None:
        info = self._call(message["call"])
        at = float(message["at"])
        changes: dict[str, Any] = {
            "state": message["state"],
            "last_status_code": int(message["code"]),
            "last_reason": str(message["reason"]),
        }
        if message.get("sip_call_id"):
            changes["sip_call_id"] = message["sip_call_id"]
        if message.get("ringing") and info.ringing_at is None:
            changes["ringing_at"] = at
        if message["state"] == "CONFIRMED" and info.confirmed_at is None:
            changes["confirmed_at"] = at
            changes["remote_contact"] = message.get("remote_contact", "")
        if message["state"] == "DISCONNECTED":
            changes["disconnected_at"] = at
            changes["hangup_by"] = message.get("hangup_by")
            changes["media_active"] = False
        self._calls[info.id] = replace(info, **changes)

    def _snapshot(self, call_id: str) -> CallInfo:
        with self._cond:
            return self._calls[call_id]

    def _wait(self, worker: _Worker, what: str, timeout: float,
              check: Callable[[], T | None], describe: Callable[[], str] = lambda: "") -> T:
        """Wait until ``check()`` (called with the lock held) returns non-None."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = check()
                if result is not None:
                    return result
                if worker.dead is not None:
                    raise PhoneHostDiedError(f"phone host {worker.name} died while waiting for "
                                             f"{what}: {worker.dead}", log_path=worker.log_path)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    detail = describe()
                    raise TimeoutError(f"{what} did not happen within {timeout}s"
                                       + (f"; {detail}" if detail else "")
                                       + f" (phone log: {worker.log_path})")
                self._cond.wait(min(remaining, 0.25))


class Phone:
    """One SIP phone (agent or caller). Get one from :meth:`PhoneHost.agent`/``caller``."""

    def __init__(self, host: PhoneHost, worker: _Worker, *, kind: str, id: str, user: str,
                 server: str | None, port: int, uri: str) -> None:
        self.host = host
        self._worker = worker
        self.kind = kind
        self.id = id
        self.user = user
        self.server = server
        self.port = port
        self.uri = uri  # direct address: sip:<user>@127.0.0.1:<port>
        self._calls: list[Call] = []

    def __repr__(self) -> str:
        return f"<Phone {self.kind} {self.user} {self.uri}>"

    @property
    def registration(self) -> RegInfo | None:
        with self.host._cond:
            return self.host._phone_states[self.id].reg

    def wait_registered(self, timeout: float = 10.0) -> RegInfo:
        """Wait for a successful registration; raises PhoneError on a final 4xx (bad password,
        unknown user); keeps waiting through timeouts (the registrar may be starting)."""
        state = self.host._phone_states[self.id]

        def check() -> RegInfo | None:
            reg = state.reg
            if reg is None:
                return None
            if reg.active and 200 <= reg.code < 300:
                return reg
            if 400 <= reg.code < 500 and reg.code != 408:
                raise PhoneError(f"{self.user} registration failed: {reg.code} {reg.reason}",
                                 log_path=self._worker.log_path)
            return None

        return self.host._wait(self._worker, f"{self.user} registration", timeout, check,
                               lambda: f"last registration report {state.reg}")

    def set_registration(self, active: bool) -> None:
        self._worker.request("set_registration", self.host.rpc_timeout, phone=self.id,
                             active=active)

    def unregister(self, timeout: float = 10.0) -> RegInfo:
        """Send REGISTER with Expires: 0 and wait for the answer."""
        with self.host._cond:
            before = self.host._phone_states[self.id].reg
        self.set_registration(False)
        state = self.host._phone_states[self.id]

        def check() -> RegInfo | None:
            reg = state.reg
            return reg if reg is not None and reg is not before and not reg.active else None

        return self.host._wait(self._worker, f"{self.user} unregistration", timeout, check)

    def dial(
        self,
        target: str,
        *,
        from_number: str | None = None,
        display_name: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Call:
        """Call ``target``: an extension (dialed as ``sip:<target>@<server>``) or a full
        ``sip:`` URI. ``from_number``/``display_name`` set the From header
        (``"<display>" <sip:<number>@<server host>>``); authentication stays this phone's."""
        result = self._worker.request(
            "dial", self.host.rpc_timeout, phone=self.id, target=target,
            from_number=from_number, display_name=display_name, headers=headers or {},
        )
        call_id = result["call"]
        with self.host._cond:
            info = self.host._call(call_id, self.id, "outgoing")
            self.host._calls[call_id] = replace(
                info, phone=self.id, direction="outgoing",
                created_at=info.created_at or result["started_at"],
                remote_uri=result["destination"], local_uri=result["local_uri"])
        call = Call(self, call_id)
        self._calls.append(call)
        return call

    def wait_incoming(self, timeout: float = 10.0) -> Call:
        """The next incoming call not yet returned by this method (in arrival order)."""
        state = self.host._phone_states[self.id]

        def check() -> Call | None:
            if state.consumed < len(state.incoming):
                call_id = state.incoming[state.consumed]
                state.consumed += 1
                return Call(self, call_id)
            return None

        call = self.host._wait(self._worker, f"incoming call on {self.user}", timeout, check)
        self._calls.append(call)
        return call

    @property
    def incoming(self) -> list[CallInfo]:
        """Every incoming call so far (whether or not returned by :meth:`wait_incoming`)."""
        with self.host._cond:
            state = self.host._phone_states[self.id]
            return [self.host._calls[call_id] for call_id in state.incoming]

    def hangup_all(self, timeout: float = 10.0) -> None:
        with self.host._cond:
            state = self.host._phone_states[self.id]
            ids = {c.id for c in self._calls} | set(state.incoming)
            live = [i for i in ids if self.host._calls.get(i) and not self.host._calls[i].ended]
        calls = [Call(self, call_id) for call_id in live]
        for call in calls:
            call.hangup()
        for call in calls:
            call.wait_disconnected(timeout)


class Call:
    """One call leg on one phone. Every ``wait_*`` returns a :class:`CallInfo` snapshot."""

    def __init__(self, phone: Phone, call_id: str) -> None:
        self.phone = phone
        self.id = call_id
        self._host = phone.host
        self._worker = phone._worker

    def __repr__(self) -> str:
        return f"<Call {self.id} on {self.phone.user}: {self.info.state}>"

    @property
    def info(self) -> CallInfo:
        return self._host._snapshot(self.id)

    def _request(self, op: str, **args: Any) -> Any:
        return self._worker.request(op, self._host.rpc_timeout, call=self.id, **args)

    def _wait(self, what: str, timeout: float, done: Callable[[CallInfo], bool],
              fail_on_end: bool = True) -> CallInfo:
        def check() -> CallInfo | None:
            info = self._host._calls[self.id]
            if done(info):
                return info
            if fail_on_end and info.ended:
                raise CallFailedError(
                    f"call {self.id} on {self.phone.user} ended before {what}: "
                    f"{info.last_status_code} {info.last_reason} (state was {info.state})", info)
            return None

        return self._host._wait(self._worker, f"{what} of call {self.id} on {self.phone.user}",
                                timeout, check, lambda: f"call is {self._host._calls[self.id]}")

    # -------------------------------------------------------------- waits

    def wait_ringing(self, timeout: float = 10.0) -> CallInfo:
        """Until 18x (or answered straight away: then ``ringing_at`` may be None)."""
        return self._wait("ringing", timeout,
                          lambda i: i.ringing_at is not None or i.confirmed_at is not None)

    def wait_confirmed(self, timeout: float = 15.0) -> CallInfo:
        """Until answered (CONFIRMED); raises CallFailedError if it ends first."""
        return self._wait("answer", timeout, lambda i: i.confirmed_at is not None)

    def wait_media(self, timeout: float = 10.0) -> CallInfo:
        """Until the audio stream is active (players/recorders start flowing)."""
        return self._wait("media", timeout, lambda i: i.media_active)

    def wait_disconnected(self, timeout: float = 10.0) -> CallInfo:
        return self._wait("disconnect", timeout, lambda i: i.ended, fail_on_end=False)

    def wait_state(self, state: str, timeout: float = 10.0) -> CallInfo:
        return self._wait(f"state {state}", timeout, lambda i: i.state == state,
                          fail_on_end=state != "DISCONNECTED")

    def wait_dtmf(self, digits: str, timeout: float = 10.0) -> CallInfo:
        """Until the received DTMF digits contain ``digits``."""
        return self._wait(f"DTMF {digits!r}", timeout, lambda i: digits in i.dtmf_received)

    def wait_playback_done(self, timeout: float = 30.0) -> CallInfo:
        return self._wait("end of playback", timeout, lambda i: i.play_done_at is not None)

    # -------------------------------------------------------------- actions

    def answer(self, code: int = 200) -> None:
        """Answer an incoming call (or send a provisional code such as 183)."""
        self._request("answer", code=code)

    def reject(self, code: int = 486) -> None:
        self._request("hangup", code=code)

    def hangup(self, code: int = 0) -> None:
        """Hang up (BYE, CANCEL or a final response); a no-op if already ended."""
        self._request("hangup", code=code)

    def send_dtmf(self, digits: str, method: str = "rfc2833") -> None:
        """Send digits (RFC 2833 telephone-events by default, or ``"info"``)."""
        self._request("send_dtmf", digits=digits, method=method)

    def play_wav(self, path: str | os.PathLike[str], *, loop: bool = False) -> float:
        """Play a mono PCM WAV (8/16 kHz) into the call; returns its duration in seconds.
        Starts when media is up if called earlier; a new call replaces the current file."""
        with self._host._cond:
            self._host._calls[self.id] = replace(self._host._calls[self.id], play_done_at=None)
        result = self._request("play", path=os.fspath(Path(path).resolve()), loop=loop)
        return float(result["duration"])

    def stop_playback(self) -> None:
        self._request("stop_play")

    def start_recording(self, path: str | os.PathLike[str]) -> None:
        """Record what this phone hears (8 kHz mono WAV) until stop or hang-up."""
        self._request("start_recording", path=os.fspath(Path(path).resolve()))

    def stop_recording(self) -> Path | None:
        """Stop and finalize the recording; returns its path (None if none was running)."""
        path = self._request("stop_recording")["path"]
        return Path(path) if path else None

    def transfer(self, target: str) -> None:
        """Blind transfer (REFER) to an extension or a sip: URI."""
        self._request("transfer", target=target)
