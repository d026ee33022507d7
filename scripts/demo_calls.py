"""Places a few calls through the sandbox with the test phones, so the demo log is not empty."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.phones import PhoneHost
from tests.phones.audio import make_tone_wav

CALLCENTER = Path(sys.executable).with_name("callcenter")


def newest_path() -> list[str]:
    out = subprocess.run([str(CALLCENTER), "calls", "--json", "--limit", "1"],
                         capture_output=True, text=True, check=True).stdout
    calls = json.loads(out)
    return list(calls[0]["ivr_path"]) if calls else []


def press(call: object, digit: str, before: int) -> None:
    """Press a key until the menu takes it (a key during a fixed prompt is not heard)."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        call.send_dtmf(digit)  # type: ignore[attr-defined]
        until = time.monotonic() + 4
        while time.monotonic() < until:
            if len(newest_path()) > before:
                return
            time.sleep(0.2)
    raise SystemExit(f"demo: the menu did not take key {digit}")


def main() -> None:
    info = json.loads(
        subprocess.run([str(CALLCENTER), "sandbox", "info", "--json"], check=True,
                       capture_output=True, text=True).stdout
    )
    server = f"{info['sip']['host']}:{info['sip']['port']}"
    passwords = {a["extension"]: a["password"] for a in info["agents"]}
    tmp = Path(tempfile.mkdtemp(prefix="callcenter-demo-"))
    talk = make_tone_wav(tmp / "talk.wav", seconds=3.0)
    with PhoneHost(log_dir=tmp) as phones:
        trunk = phones.caller(info["pstn"]["username"], info["pstn"]["password"], server)
        agent = phones.agent("1001", passwords["1001"], server, answer_delay=1.5)
        agent.wait_registered(timeout=10)
        for number, name in (("13800138000", "王小明"), ("+44 20 7946 0018", "Alice Smith")):
            print(f"demo: {name} ({number}) calls the hotline {info['hotline']} ...", flush=True)
            call = trunk.dial(info["hotline"], from_number=number.replace(" ", ""),
                              display_name=name)
            call.wait_media(timeout=30)
            language = "1" if name == "王小明" else "2"
            press(call, language, 0)  # the language menu
            press(call, "3", 1)  # the main menu: inquiries
            agent.wait_incoming(timeout=30).wait_confirmed(timeout=30)
            call.play_wav(talk)
            call.wait_playback_done(timeout=30)
            call.hangup()
            call.wait_disconnected(timeout=10)
        agent.unregister()
        slow = phones.agent("1002", passwords["1002"], server, auto_answer=False)
        slow.wait_registered(timeout=10)
        print("demo: 李四 calls and gives up while it rings ...", flush=True)
        call = trunk.dial(info["direct"]["general"], from_number="13900001111",
                          display_name="李四")
        slow.wait_incoming(timeout=15)
        time.sleep(3)  # the caller listens to the ringing for a while, then hangs up
        call.hangup()
        call.wait_disconnected(timeout=10)


if __name__ == "__main__":
    main()
