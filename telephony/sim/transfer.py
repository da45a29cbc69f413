"""A blind transfer of the agent's channel: its bridge peer, the person, goes to
``dialer-transfer,<exten>`` and the agent's legs hang up (recording call-control/62).

The test PBX registers no phone: an endpoint destination (``_X.`` → ``Dial(PJSIP/<exten>,30)``)
fails at once (CHANUNAVAIL) and the dialplan's ``Hangup()`` ends the person's channel with
cause 3, as recorded. An E.164 destination (``00…``) or an extension of its own
(``806`` in extensions-test.conf) is dialled and answered: the person stays on the line,
which the recordings do not show beyond the Dial.
"""

from __future__ import annotations

from telephony.results import CallResult
from telephony.sim import connect, hangups
from telephony.sim import events as ev
from telephony.sim.call import Call
from telephony.sim.channels import Channel, event, lines

NO_ROUTE = 3


def blind(call: Call, a1: Channel, context: str, exten: str) -> None:
    one = call.person
    assert one is not None
    bid = call.bridge_id
    frames = [
        event("Unhold", ev.CALL, a1.snapshot()),
        ev.varset(one, "BLINDTRANSFER", a1.name),
        ev.varset(a1, "BLINDTRANSFER", one.name),
        ev.varset(one, "BRIDGEPEER", ""),
        ev.varset(a1, "BRIDGEPEER", ""),
    ]
    # Both parties as they were before the jump.
    said = _blind_transfer_event(a1, one, bid, context, exten)
    one.context, one.exten = context, exten
    frames += [ev.newexten(one, one.application, one.app_data, 1), said]
    frames += _agent_goes(call, a1, bid)
    call.emit(*frames)
    if reachable(call, context, exten):
        call.emit(*_dial_destination(call, one, exten))
    else:
        _unreachable(call, one, exten)


def reachable(call: Call, context: str, exten: str) -> bool:
    """An E.164 destination, or an exact extension of the context (not its ``_X.`` pattern)."""
    return exten.startswith("00") or exten in call.pbx.config.plan.extensions_of(context)


def _blind_transfer_event(a1: Channel, one: Channel, bid: str, context: str, exten: str) -> str:
    body = "Result: Success\r\n" + a1.snapshot("Transferer") + one.snapshot("Transferee")
    tail = ev.bridge_header(bid, 2) + lines(
        ("IsExternal", "Yes"), ("Context", context), ("Extension", exten)
    )
    return event("BlindTransfer", ev.CALL, body, tail)


def _agent_goes(call: Call, a1: Channel, bid: str) -> list[str]:
    """The agent's legs leave the bridge and hang up; the person's Dial is over."""
    one, a2 = call.person, call.agent2
    assert one is not None
    frames = [ev.bridge_event("BridgeLeave", bid, 1, a1)]
    if a2 is not None:
        frames.append(ev.hangup_request(a2, 16))
    frames += [
        ev.bridge_event("BridgeLeave", bid, 0, one),
        ev.hangup(a1, 16),
        ev.bridge_event("BridgeDestroy", bid, 0),
    ]
    if a2 is not None:
        frames.append(ev.soft_hangup_request(a2, 16))
    frames.append(ev.varset(one, "DIALSTATUS", "ANSWER"))
    if a2 is not None:
        frames.append(ev.hangup(a2, 16))
    free = ev.device_state(call.agent_device, "NOT_INUSE")
    frames += [free, free] if a2 is not None else [free]
    for leg in (a1, a2):
        if leg is not None:
            leg.alive = False
            call.pbx.forget(leg)
    call.forget_agent()
    call.bridge_id = ""
    return frames


def _dial_destination(call: Call, one: Channel, exten: str) -> list[str]:
    """dialer-transfer's own steps up to its Dial (asterisk/extensions.conf)."""
    if not exten.startswith("00"):
        # extensions-test.conf: ``806,2,Dial(Local/806@sim-agents,30)``.
        dial = f"Local/{exten}@sim-agents,30"
        return [ev.newexten(one, "Dial", dial, 2), *_cleared(one)]
    caller = call.pbx.config.plan.globals.get("DIALER_CALLER_ID", "")
    return [
        ev.newexten(one, "Set", f"CALLERID(num)={caller}", 2),
        ev.newexten(one, "Set", "CALLERID(num-pres)=allowed_passed_screen", 3),
        ev.newexten(one, "Dial", f"PJSIP/+{exten[2:]}@trunk,60", 4),
        *_cleared(one),
    ]


def _cleared(one: Channel) -> list[str]:
    return [ev.varset(one, name, "") for name in connect.DIAL_VARS]


def _unreachable(call: Call, one: Channel, exten: str) -> None:
    """Dial(PJSIP/<exten>,30) fails at once; Hangup() ends the person's side, cause 3."""
    two = call.far
    frames = [ev.newexten(one, "Dial", f"PJSIP/{exten},30", 2), *_cleared(one)]
    frames += [
        ev.varset(one, "DIALSTATUS", "CHANUNAVAIL"),
        ev.newexten(one, "Hangup", "", 3),
        ev.soft_hangup_request(one, 16),
    ]
    if two is not None:
        frames.append(ev.hangup_request(two, NO_ROUTE))
    frames.append(ev.hangup(one, NO_ROUTE))
    if two is not None:
        frames += [ev.soft_hangup_request(two, 16), ev.hangup(two, NO_ROUTE)]
    call.emit(*frames, *hangups.person_device_free(call))
    call.end(CallResult.ANSWERED, NO_ROUTE)
    call.wake()
