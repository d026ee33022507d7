"""Blank lines after a message (MixMonitor's TestEvent ends in three CRLFs) are not part of
it, wherever the reads split the stream."""

from __future__ import annotations

from callcenter.ami.protocol import AmiParser

STREAM = (
    b"Event: TestEvent\r\nPrivilege: reporting,all\r\nState: MIXMONITOR_END\r\n"
    b"File: /var/spool/asterisk/recordings/2026/11/26/7-mix\r\n\r\n\r\n"
    b"Event: DeviceStateChange\r\nDevice: Queue:repair_avail\r\nState: NOT_INUSE\r\n\r\n"
)


def test_a_message_followed_by_a_blank_line_parses_at_every_split() -> None:
    for cut in range(len(STREAM) + 1):
        parser = AmiParser(expect_banner=False)
        messages = parser.feed(STREAM[:cut]) + parser.feed(STREAM[cut:])
        assert [m.get("Event") for m in messages] == ["TestEvent", "DeviceStateChange"], cut
        assert messages[0].get("File") == "/var/spool/asterisk/recordings/2026/11/26/7-mix"
