"""SIP test phones for integration tests (pjsua2 in a child process, synchronous API here).

    from tests.phones import PhoneHost

    with PhoneHost() as phones:
        agent = phones.agent("1001", password, registrar="127.0.0.1:5060")
        agent.wait_registered(timeout=10)
        caller = phones.caller(user="pstn", password=pw, server="127.0.0.1:5060")
        call = caller.dial("8000", from_number="13800138000", display_name="王小明")
        call.wait_confirmed(timeout=15)
"""

from tests.phones.client import (
    Call,
    CallFailedError,
    CallInfo,
    Phone,
    PhoneError,
    PhoneHost,
    PhoneHostDiedError,
    RegInfo,
)

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
