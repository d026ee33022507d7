"""The child process that runs SIP test phones with pjsua2 (one Endpoint per process).

Started by :class:`tests.phones.PhoneHost` as ``python -m tests.phones.host --name w0 --log-file
PATH``; nothing else should need to start it. It is single-threaded as far as Python is
concerned: one loop polls pjsua2 (``libHandleEvents``) and stdin, so every pjsua2 call and
callback happens on the main thread (``mainThreadOnly``, no pjsua worker threads).

Protocol (one JSON object per line, ASCII-only thanks to ``ensure_ascii``):

* parent -> child: ``{"id": 7, "op": "dial", "args": {...}}``
* child -> parent: ``{"id": 7, "ok": true, "result": {...}}`` or
  ``{"id": 7, "ok": false, "error": "message", "traceback": "..."}``
* child -> parent, unsolicited: ``{"event": "ready" | "reg" | "call" | "dtmf" | "media" |
  "play_done" | "error", ...}``; every event carries ``at`` (``time.time()`` in the child
  at the moment pjsua2 reported it).

Stdin EOF (the parent died or closed the pipe) hangs up everything and ends the process. The
process always leaves with ``os._exit`` without ``libDestroy``: pjsua2's Python proxies assert
when they are collected after the library is gone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import select
import signal
import sys
import time
import traceback
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pjsua2 as pj

from tests.phones.sipuri import format_name_addr, parse_name_addr

STATE_NAMES: dict[int, str] = {
    pj.PJSIP_INV_STATE_NULL: "NULL",
    pj.PJSIP_INV_STATE_CALLING: "CALLING",
    pj.PJSIP_INV_STATE_INCOMING: "INCOMING",
    pj.PJSIP_INV_STATE_EARLY: "EARLY",
    pj.PJSIP_INV_STATE_CONNECTING: "CONNECTING",
    pj.PJSIP_INV_STATE_CONFIRMED: "CONFIRMED",
    pj.PJSIP_INV_STATE_DISCONNECTED: "DISCONNECTED",
}
DTMF_METHODS = {
    "rfc2833": pj.PJSUA_DTMF_METHOD_RFC2833,
    "info": pj.PJSUA_DTMF_METHOD_SIP_INFO,
}
POLL_MS = 5
SHUTDOWN_GRACE_S = 2.0


class HostError(Exception):
    """A request the child cannot carry out; its message goes back to the test verbatim."""


def _pj_message(exc: pj.Error) -> str:
    return f"{exc.title}: {exc.reason} (status={exc.status})"


def _wait_wav_final(path: str, timeout: float = 2.0) -> bool:
    """pjmedia destroys a recorder's port asynchronously (in the conference clock thread) and
    only then writes the final RIFF sizes; poll until the header matches the file size."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path, "rb") as wav:
                head = wav.read(8)
                size = os.fstat(wav.fileno()).st_size
            if len(head) == 8 and int.from_bytes(head[4:8], "little") == size - 8:
                return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def _sip_headers(whole_msg: str) -> tuple[str, dict[str, str]]:
    """Request line and the first value of each header (compact forms expanded)."""
    compact = {"f": "from", "t": "to", "i": "call-id", "m": "contact"}
    head = whole_msg.split("\r\n\r\n", 1)[0]
    lines = head.replace("\r\n", "\n").split("\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        headers.setdefault(compact.get(key, key), value.strip())
    return (lines[0] if lines else ""), headers


@dataclass
class Phone:
    id: str
    user: str
    domain: str
    server: str | None
    port: int
    auto_answer: bool
    answer_delay: float
    registering: bool
    account: PhoneAccount | None = None
    unregistering: bool = False

    @property
    def uri(self) -> str:
        return f"sip:{self.user}@127.0.0.1:{self.port}"


@dataclass
class CallEntry:
    id: str
    phone: Phone
    direction: str
    call: PhoneCall
    audio: Any = None
    player: Any = None
    player_samples: int = 0
    player_loop: bool = False
    player_pos: int = 0
    recorder: Any = None
    recorder_path: str | None = None
    local_hangup: bool = False
    ended: bool = False
    ringing_seen: bool = False
    answer_due: float | None = None
    info: dict[str, Any] = field(default_factory=dict)


class PhoneAccount(pj.Account):  # type: ignore[misc]
    def __init__(self, host: Host, phone: Phone) -> None:
        super().__init__()
        self.host = host
        self.phone = phone

    def onRegState(self, prm: Any) -> None:
        self.host.guard(self.host.on_reg_state, self.phone, prm)

    def onIncomingCall(self, prm: Any) -> None:
        self.host.guard(self.host.on_incoming_call, self, prm)


class PhoneCall(pj.Call):  # type: ignore[misc]
    def __init__(self, host: Host, account: PhoneAccount, call_id: int | None = None) -> None:
        if call_id is None:
            super().__init__(account)
        else:
            super().__init__(account, call_id)
        self.host = host
        self.entry: CallEntry | None = None

    def onCallState(self, prm: Any) -> None:
        if self.entry is not None:
            self.host.guard(self.host.on_call_state, self.entry)

    def onCallMediaState(self, prm: Any) -> None:
        if self.entry is not None:
            self.host.guard(self.host.on_media_state, self.entry)

    def onDtmfDigit(self, prm: Any) -> None:
        if self.entry is not None:
            self.host.guard(self.host.on_dtmf, self.entry, prm)


class Host:
    def __init__(self, name: str, out_fd: int, log_file: str, log_level: int) -> None:
        self.name = name
        self.out = os.fdopen(out_fd, "w", encoding="ascii", buffering=1)
        self.phones: dict[str, Phone] = {}
        self.calls: dict[str, CallEntry] = {}
        self.graveyard: list[CallEntry] = []
        self.counter = 0
        self.ep = pj.Endpoint()
        self.ep.libCreate()
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.maxCalls = 32  # capped by the build's PJSUA_MAX_CALLS (4 in the wheel)
        cfg.uaConfig.userAgent = f"callcenter-test-phone/{name}"
        cfg.logConfig.filename = log_file
        cfg.logConfig.fileFlags = pj.PJ_O_APPEND
        cfg.logConfig.level = log_level
        cfg.logConfig.consoleLevel = 0
        cfg.medConfig.clockRate = 8000
        cfg.medConfig.sndClockRate = 8000
        cfg.medConfig.channelCount = 1
        cfg.medConfig.noVad = True
        cfg.medConfig.ecTailLen = 0
        # Keep the (null) sound device open: it is the media clock. pjsua closes an idle
        # device after a second, and then no RTP leaves the phone, RFC 2833 keys included.
        cfg.medConfig.sndAutoCloseTime = -1
        self.ep.libInit(cfg)
        self.ep.audDevManager().setNullDev()
        for codec, priority in (("PCMU/8000", 255), ("PCMA/8000", 254)):
            with contextlib.suppress(pj.Error):
                self.ep.codecSetPriority(codec, priority)
        self.ep.libStart()
        self.rtp_port = random.randrange(20000, 60000, 2)

    # ----------------------------------------------------------------- plumbing

    def next_id(self, kind: str) -> str:
        self.counter += 1
        return f"{self.name}{kind}{self.counter}"

    def send(self, message: dict[str, Any]) -> None:
        self.out.write(json.dumps(message) + "\n")

    def event(self, name: str, **fields: Any) -> None:
        self.send({"event": name, **fields})

    def guard(self, fn: Callable[..., None], *args: Any) -> None:
        """Run a pjsua2 callback body; report exceptions instead of letting SWIG abort."""
        try:
            fn(*args)
        except Exception as exc:
            text = traceback.format_exc()
            sys.stderr.write(f"[{self.name}] callback error\n{text}")
            self.event("error", message=f"{type(exc).__name__}: {exc}", traceback=text,
                       at=time.time())

    def handle_line(self, line: bytes) -> None:
        request_id: Any = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            if request["op"] == "shutdown":
                self.shutdown(reply_to=request_id)
            handler = getattr(self, "op_" + str(request["op"]), None)
            if handler is None:
                raise HostError(f"unknown op {request['op']!r}")
            result = handler(**request.get("args", {}))
            self.send({"id": request_id, "ok": True, "result": result})
        except Exception as exc:
            if isinstance(exc, pj.Error):
                message = _pj_message(exc)
            elif isinstance(exc, HostError):
                message = str(exc)
            else:
                message = f"{type(exc).__name__}: {exc}"
            text = traceback.format_exc()
            sys.stderr.write(f"[{self.name}] request {line[:200]!r} failed\n{text}")
            self.send({"id": request_id, "ok": False, "error": message, "traceback": text})

    def run(self, in_fd: int) -> None:
        buffer = b""
        while True:
            self.ep.libHandleEvents(POLL_MS)
            self.tick()
            ready, _, _ = select.select([in_fd], [], [], 0)
            if not ready:
                continue
            chunk = os.read(in_fd, 65536)
            if not chunk:
                self.shutdown(reply_to=None)
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line.strip():
                    self.handle_line(line)

    def tick(self) -> None:
        """Deferred work: delayed answers, playback ends, deleting ended calls."""
        now = time.time()
        for entry in list(self.calls.values()):
            if entry.answer_due is not None and now >= entry.answer_due and not entry.ended:
                entry.answer_due = None
                self.guard(self._answer, entry, 200)
            if entry.player is not None and not entry.player_loop and entry.audio is not None:
                try:
                    position = int(entry.player.getPos())
                except pj.Error:
                    position = -1
                # With PJMEDIA_FILE_NO_LOOP the position drops back to 0 at the end of file.
                done = position < entry.player_pos or position >= entry.player_samples
                entry.player_pos = max(position, 0)
                if done:
                    self._stop_player(entry)
                    self.event("play_done", call=entry.id, at=time.time())
        while self.graveyard:
            entry = self.graveyard.pop()
            entry.call.entry = None
            self.calls.pop(entry.id, None)

    # ---------------------------------------------------------------- lookups

    def phone(self, phone: str) -> Phone:
        try:
            return self.phones[phone]
        except KeyError:
            raise HostError(f"no phone {phone!r} in {self.name}") from None

    def entry(self, call: str) -> CallEntry:
        entry = self.calls.get(call)
        if entry is None or entry.ended:
            raise HostError(f"call {call!r} has ended or does not exist")
        return entry

    # -------------------------------------------------------------- callbacks

    def on_reg_state(self, phone: Phone, prm: Any) -> None:
        assert phone.account is not None
        info = phone.account.getInfo()
        phone.unregistering = False
        self.event("reg", phone=phone.id, code=int(prm.code), reason=str(prm.reason),
                   active=bool(info.regIsActive), expires=int(prm.expiration), at=time.time())

    def _route_incoming(self, account: PhoneAccount, request_uri: str) -> Phone:
        """pjsua picks the account by To/user; we trust the transport port the INVITE hit."""
        target = parse_name_addr(request_uri)
        for phone in self.phones.values():
            if target.port == phone.port:
                return phone
        for phone in self.phones.values():
            if target.user and target.user == phone.user and phone.auto_answer:
                return phone
        return account.phone

    def on_incoming_call(self, account: PhoneAccount, prm: Any) -> None:
        now = time.time()
        whole = str(prm.rdata.wholeMsg)
        request_line, headers = _sip_headers(whole)
        parts = request_line.split()
        request_uri = parts[1] if len(parts) >= 2 else ""
        phone = self._route_incoming(account, request_uri)
        call = PhoneCall(self, account, prm.callId)
        entry = CallEntry(id=self.next_id("c"), phone=phone, direction="incoming", call=call)
        self.calls[entry.id] = entry
        info = call.getInfo()
        remote_raw = headers.get("from") or str(info.remoteUri)
        remote = parse_name_addr(remote_raw)
        entry.info = {
            "remote_uri": remote_raw,
            "remote_display": remote.display_name,
            "remote_number": remote.user,
            "request_uri": request_uri,
            "request_user": parse_name_addr(request_uri).user,
            "to_uri": headers.get("to", ""),
            "sip_call_id": str(info.callIdString),
            "source": str(prm.rdata.srcAddress),
        }
        self.event("incoming", call=entry.id, phone=phone.id, at=now, **entry.info)
        call.entry = entry
        ringing = pj.CallOpParam()
        ringing.statusCode = 180
        call.answer(ringing)  # the EARLY state callback reports ringing_at
        if phone.auto_answer:
            entry.answer_due = now + max(0.0, phone.answer_delay)

    def on_call_state(self, entry: CallEntry) -> None:
        now = time.time()
        info = entry.call.getInfo()
        state = STATE_NAMES.get(int(info.state), str(info.state))
        fields: dict[str, Any] = {
            "state": state,
            "code": int(info.lastStatusCode),
            "reason": str(info.lastReason),
            "sip_call_id": str(info.callIdString),
        }
        if state == "EARLY" and not entry.ringing_seen:
            entry.ringing_seen = True
            fields["ringing"] = True
        if state == "CONFIRMED":
            fields["remote_contact"] = str(info.remoteContact)
        if state == "DISCONNECTED":
            if entry.ended:
                return
            entry.ended = True
            fields["hangup_by"] = "local" if entry.local_hangup else "remote"
            self._release_media(entry)
            self.graveyard.append(entry)
        self.event("call", call=entry.id, at=now, **fields)

    def on_media_state(self, entry: CallEntry) -> None:
        info = entry.call.getInfo()
        for media in info.media:
            if media.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            active = media.status == pj.PJSUA_CALL_MEDIA_ACTIVE
            if active:
                entry.audio = entry.call.getAudioMedia(media.index)
                if entry.player is not None:
                    entry.player.startTransmit(entry.audio)
                if entry.recorder is not None:
                    entry.audio.startTransmit(entry.recorder)
            self.event("media", call=entry.id, active=active, status=int(media.status),
                       at=time.time())
            return

    def on_dtmf(self, entry: CallEntry, prm: Any) -> None:
        self.event("dtmf", call=entry.id, digit=str(prm.digit), at=time.time())

    # --------------------------------------------------------------- media

    def _stop_player(self, entry: CallEntry) -> None:
        player, entry.player = entry.player, None
        if player is not None and entry.audio is not None:
            with contextlib.suppress(pj.Error):
                player.stopTransmit(entry.audio)
        del player  # the C++ destructor closes the file

    def _stop_recorder(self, entry: CallEntry) -> str | None:
        recorder, entry.recorder = entry.recorder, None
        path, entry.recorder_path = entry.recorder_path, None
        if recorder is not None and entry.audio is not None:
            with contextlib.suppress(pj.Error):
                entry.audio.stopTransmit(recorder)
        if recorder is None or path is None:
            return None
        del recorder  # the destructor (eventually) writes the final WAV header
        if not _wait_wav_final(path):
            sys.stderr.write(f"[{self.name}] recording {path} was not finalized in time\n")
        return path

    def _release_media(self, entry: CallEntry) -> None:
        self._stop_player(entry)
        path = self._stop_recorder(entry)
        if path is not None:
            self.event("recording_done", call=entry.id, path=path, at=time.time())
        entry.audio = None

    def _answer(self, entry: CallEntry, code: int) -> None:
        if entry.ended:
            return
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        entry.call.answer(prm)

    # ------------------------------------------------------------------ ops

    def op_ping(self) -> dict[str, Any]:
        return {"at": time.time(), "phones": len(self.phones), "calls": len(self.calls)}

    def op_add_phone(
        self,
        user: str,
        server: str | None = None,
        register: bool = False,
        auth_user: str | None = None,
        password: str | None = None,
        display_name: str | None = None,
        auto_answer: bool = False,
        answer_delay: float = 0.0,
        reg_timeout: int = 300,
    ) -> dict[str, Any]:
        if register and not server:
            raise HostError("a registering phone needs a server (registrar)")
        tcfg = pj.TransportConfig()
        tcfg.boundAddress = "127.0.0.1"
        tcfg.port = 0
        transport = self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
        port = int(str(self.ep.transportGetInfo(transport).localName).rsplit(":", 1)[1])
        domain = server.rsplit(":", 1)[0] if server else "127.0.0.1"
        phone = Phone(id=self.next_id("p"), user=user, domain=domain, server=server, port=port,
                      auto_answer=auto_answer, answer_delay=answer_delay, registering=register)
        cfg = pj.AccountConfig()
        cfg.idUri = format_name_addr(display_name, f"sip:{user}@{domain}")
        if register:
            cfg.regConfig.registrarUri = f"sip:{server}"
            cfg.regConfig.timeoutSec = reg_timeout
            cfg.regConfig.retryIntervalSec = 5
            cfg.regConfig.firstRetryIntervalSec = 1
            cfg.regConfig.randomRetryIntervalSec = 0
        if password is not None:
            cred = pj.AuthCredInfo("digest", "*", auth_user or user, 0, password)
            cfg.sipConfig.authCreds.append(cred)
        cfg.sipConfig.transportId = transport
        cfg.natConfig.sipOutboundUse = 0
        cfg.natConfig.contactRewriteUse = 0
        cfg.natConfig.viaRewriteUse = 0
        cfg.natConfig.sdpNatRewriteUse = 0
        cfg.callConfig.timerUse = pj.PJSUA_SIP_TIMER_INACTIVE
        cfg.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
        cfg.mediaConfig.transportConfig.port = self.rtp_port
        cfg.mediaConfig.transportConfig.portRange = 4000
        account = PhoneAccount(self, phone)
        account.create(cfg, not self.phones)
        phone.account = account
        self.phones[phone.id] = phone
        return {"phone": phone.id, "port": port, "uri": phone.uri, "domain": domain}

    def op_set_registration(self, phone: str, active: bool) -> None:
        owner = self.phone(phone)
        assert owner.account is not None
        owner.account.setRegistration(active)

    def op_dial(
        self,
        phone: str,
        target: str,
        from_number: str | None = None,
        display_name: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        owner = self.phone(phone)
        assert owner.account is not None
        if target.startswith(("sip:", "sips:")):
            destination = target
        elif owner.server:
            destination = f"sip:{target}@{owner.server}"
        else:
            raise HostError(f"phone {phone} has no server: dial a full sip: URI")
        prm = pj.CallOpParam(True)
        prm.opt.audioCount = 1
        prm.opt.videoCount = 0
        if from_number is not None or display_name is not None:
            number = from_number if from_number is not None else owner.user
            prm.txOption.localUri = format_name_addr(display_name, f"sip:{number}@{owner.domain}")
        for name, value in (headers or {}).items():
            header = pj.SipHeader()
            header.hName = name
            header.hValue = value
            prm.txOption.headers.append(header)
        call = PhoneCall(self, owner.account)
        entry = CallEntry(id=self.next_id("c"), phone=owner, direction="outgoing", call=call)
        entry.info = {"remote_uri": destination, "local_uri": prm.txOption.localUri}
        call.entry = entry
        self.calls[entry.id] = entry
        started = time.time()
        try:
            call.makeCall(destination, prm)
        except pj.Error:
            call.entry = None
            self.calls.pop(entry.id, None)
            raise
        return {"call": entry.id, "started_at": started, "destination": destination,
                "local_uri": str(prm.txOption.localUri)}

    def op_answer(self, call: str, code: int = 200) -> None:
        entry = self.entry(call)
        entry.answer_due = None
        self._answer(entry, code)

    def op_hangup(self, call: str, code: int = 0) -> dict[str, Any]:
        entry = self.calls.get(call)
        if entry is None or entry.ended:
            return {"already_ended": True}
        entry.answer_due = None
        entry.local_hangup = True
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        entry.call.hangup(prm)
        return {"already_ended": False, "at": time.time()}

    def op_send_dtmf(self, call: str, digits: str, method: str = "rfc2833") -> dict[str, Any]:
        entry = self.entry(call)
        if method not in DTMF_METHODS:
            raise HostError(f"unknown DTMF method {method!r}; use one of {sorted(DTMF_METHODS)}")
        prm = pj.CallSendDtmfParam()
        prm.digits = digits
        prm.method = DTMF_METHODS[method]
        entry.call.sendDtmf(prm)
        return {"at": time.time()}

    def op_play(self, call: str, path: str, loop: bool = False) -> dict[str, Any]:
        entry = self.entry(call)
        if not os.path.isfile(path):
            raise HostError(f"no such WAV file: {path}")
        try:
            with wave.open(path, "rb") as wav:
                duration = wav.getnframes() / float(wav.getframerate())
        except (wave.Error, EOFError) as exc:
            raise HostError(f"not a PCM WAV file: {path}: {exc}") from None
        self._stop_player(entry)
        player = pj.AudioMediaPlayer()
        player.createPlayer(path, 0 if loop else pj.PJMEDIA_FILE_NO_LOOP)
        entry.player = player
        entry.player_loop = loop
        entry.player_samples = int(player.getInfo().sizeSamples)
        entry.player_pos = 0
        if entry.audio is not None:
            player.startTransmit(entry.audio)
        return {"duration": duration, "media_active": entry.audio is not None,
                "at": time.time()}

    def op_stop_play(self, call: str) -> None:
        self._stop_player(self.entry(call))

    def op_start_recording(self, call: str, path: str) -> dict[str, Any]:
        entry = self.entry(call)
        self._stop_recorder(entry)
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise HostError(f"recording directory does not exist: {directory}")
        recorder = pj.AudioMediaRecorder()
        recorder.createRecorder(path)
        entry.recorder = recorder
        entry.recorder_path = path
        if entry.audio is not None:
            entry.audio.startTransmit(recorder)
        return {"media_active": entry.audio is not None, "at": time.time()}

    def op_stop_recording(self, call: str) -> dict[str, Any]:
        entry = self.calls.get(call)  # an ended call's recording is already finalized
        path = self._stop_recorder(entry) if entry is not None else None
        return {"path": path, "at": time.time()}

    def op_transfer(self, call: str, target: str) -> None:
        entry = self.entry(call)
        if not target.startswith(("sip:", "sips:")):
            if not entry.phone.server:
                raise HostError("transfer target must be a sip: URI for a phone without server")
            target = f"sip:{target}@{entry.phone.server}"
        entry.call.xfer(target, pj.CallOpParam(True))

    # ------------------------------------------------------------- shutdown

    def shutdown(self, reply_to: Any) -> None:
        """Hang up, unregister, finalize recordings, then leave without libDestroy."""
        try:
            self.ep.hangupAllCalls()
            for phone in self.phones.values():
                if phone.registering and phone.account is not None:
                    try:
                        if phone.account.getInfo().regIsActive:
                            phone.unregistering = True
                            phone.account.setRegistration(False)
                    except pj.Error:
                        phone.unregistering = False
            deadline = time.time() + SHUTDOWN_GRACE_S
            while time.time() < deadline:
                self.ep.libHandleEvents(20)
                self.tick()
                live = [e for e in self.calls.values() if not e.ended]
                if not live and not any(p.unregistering for p in self.phones.values()):
                    break
            for entry in self.calls.values():
                self._release_media(entry)
        except Exception:
            sys.stderr.write(f"[{self.name}] shutdown error\n{traceback.format_exc()}")
        if reply_to is not None:
            self.send({"id": reply_to, "ok": True, "result": None})
        sys.stderr.flush()
        self.out.flush()
        os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="w0")
    parser.add_argument("--log-file", required=True)
    parser.add_argument("--log-level", type=int, default=4)
    args = parser.parse_args()
    # Ctrl-C reaches the whole process group; a KeyboardInterrupt inside a SWIG callback would
    # abort. The parent closes us (shutdown request or stdin EOF) instead.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Keep the protocol on a private descriptor; anything C code prints to fd 1 goes to stderr.
    out_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        host = Host(args.name, out_fd, args.log_file, args.log_level)
    except Exception as exc:
        text = traceback.format_exc()
        sys.stderr.write(text)
        os.write(out_fd, (json.dumps({"event": "fatal", "message": str(exc)}) + "\n").encode())
        os._exit(2)
    host.event("ready", pid=os.getpid(), at=time.time(),
               version=str(host.ep.libVersion().full))
    try:
        host.run(sys.stdin.fileno())
    except BaseException:
        sys.stderr.write(f"[{args.name}] main loop crashed\n{traceback.format_exc()}")
        host.event("fatal", message="phone host main loop crashed; see log", at=time.time())
        host.shutdown(reply_to=None)


if __name__ == "__main__":
    main()
