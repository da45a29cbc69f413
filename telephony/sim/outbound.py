"""The ``[outbound]`` context of asterisk/extensions.conf when the carrier is unreachable.

``Local/<national>@outbound/n``: ;2 presents the caller ID, then
``Dial(PJSIP/<number>@trunk)`` fails at once (CHANUNAVAIL) and ``Hangup()`` keeps
the cause Dial copied, 3 (no route to destination), on both halves (file 49).
"""

from __future__ import annotations

from telephony.results import CallResult
from telephony.sim import events as ev
from telephony.sim.call import Call
from telephony.sim.channels import Channel
from telephony.sim.connect import DIAL_VARS
from telephony.sim.local_leg import device, originate_failure

NO_ROUTE = 3


def first_step(call: Call) -> str:
    """What the context's NoOp shows on ;2."""
    return f"outbound {call.number}"


def trunk_unreachable(call: Call, one: Channel, two: Channel, trunk: str) -> None:
    call.emit(*_dial_fails(call, two, trunk))
    free = ev.device_state(device(call), "NOT_INUSE")
    call.emit(
        ev.newexten(two, "Hangup", "", 5),
        ev.soft_hangup_request(two, 16),
        ev.varset(one, "CHANLOCALSTATUS", "CHANUNAVAIL"),
        ev.hangup_request(one, NO_ROUTE),
        ev.hangup(two, NO_ROUTE),
        free,
        ev.dial_end(None, one, "CHANUNAVAIL"),
        originate_failure(call, 0),
        ev.hangup(one, NO_ROUTE),
        free,
    )
    call.end(CallResult.NETWORK_FAILURE, NO_ROUTE)


def _dial_fails(call: Call, two: Channel, trunk: str) -> list[str]:
    # ExecIf shows its condition evaluated: 0 when the Originate brought a caller ID.
    missing = int(call.req.caller_num in ("", "<unknown>"))
    fallback = call.pbx.config.plan.globals.get("DIALER_CALLER_ID", "")
    frames = [
        ev.newexten(two, "ExecIf", f"{missing}?Set(CALLERID(num)={fallback})", 2),
        ev.newexten(two, "Set", "CALLERID(num-pres)=allowed_passed_screen", 3),
        ev.newexten(two, "Dial", f"PJSIP/{call.number}@{trunk}", 4),
    ]
    frames += [ev.varset(two, name, "") for name in DIAL_VARS]
    frames.append(ev.varset(two, "DIALSTATUS", "CHANUNAVAIL"))
    return frames
