"""How an answered call comes apart, depending on who hangs up first."""

from __future__ import annotations

from telephony.results import CallResult
from telephony.sim import events as ev
from telephony.sim import held
from telephony.sim.call import Call
from telephony.sim.channels import Channel


def _qos(*names: str) -> str:
    return "".join(f"min{n}=000.000000;max{n}=000.000000;avg{n}=000.000000;" for n in names)


# What a SIP channel reports of its media when it hangs up (file 40); no media here.
_RTP_QOS = (
    ("RTPAUDIOQOS", "ssrc=0;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000"),
    ("RTPAUDIOQOSJITTER", _qos("rxjitter")),
    ("RTPAUDIOQOSLOSS", _qos("rxlost")),
    ("RTPAUDIOQOSRTT", _qos("rtt")),
    ("RTPAUDIOQOSMES", _qos("rxmes")),
)


def dial_times(call: Call, one: Channel) -> list[str]:
    answered = call.elapsed_ms(call.dialed_at)
    return [
        ev.varset(one, "ANSWEREDTIME", str(answered // 1000)),
        ev.varset(one, "ANSWEREDTIME_MS", str(answered)),
        ev.varset(one, "DIALEDTIME", str(answered // 1000)),
        ev.varset(one, "DIALEDTIME_MS", str(answered + 2)),
        ev.varset(one, "DIALSTATUS", "ANSWER"),
    ]


def _agent_down(call: Call) -> list[str]:
    a1, a2 = call.agent1, call.agent2
    device = call.agent_device
    if a1 is None:
        return []
    if a2 is None:
        return [
            ev.bridge_event("BridgeDestroy", call.bridge_id, 0),
            ev.hangup_request(a1, 16),
            ev.hangup(a1, 16),
            ev.device_state(device, "NOT_INUSE"),
        ]
    return [
        ev.bridge_event("BridgeDestroy", call.bridge_id, 0),
        ev.hangup_request(a2, 16),
        ev.hangup(a1, 16),
        ev.device_state(device, "NOT_INUSE"),
        ev.soft_hangup_request(a2, 16),
        ev.hangup(a2, 16),
        ev.device_state(device, "NOT_INUSE"),
    ]


def _unbridge(call: Call, one: Channel) -> list[str]:
    a1 = call.agent1
    if a1 is None:
        return []
    frames = [ev.varset(one, "BRIDGEPEER", ""), ev.varset(a1, "BRIDGEPEER", "")]
    if call.far is None:
        frames.append(ev.varset(a1, "BRIDGEPVTCALLID", ""))
    frames.append(ev.bridge_event("BridgeLeave", call.bridge_id, 1, one))
    return frames


def _agent_leave(call: Call) -> list[str]:
    a1 = call.agent1
    return [ev.bridge_event("BridgeLeave", call.bridge_id, 0, a1)] if a1 is not None else []


def person_hangs_up(call: Call) -> None:
    """The person's dialplan ends with Hangup(16) (files 10, 14)."""
    one, two = call.person, call.far
    assert one is not None
    frames = []
    if two is not None:
        frames += [
            ev.newexten(two, "Hangup", "16", two.priority + 1),
            ev.soft_hangup_request(two, 16),
        ]
    frames.append(ev.hangup_request(one, 16))
    frames += _unbridge(call, one)
    frames += dial_times(call, one) if call.agent1 is not None else []
    frames += [ev.soft_hangup_request(one, 16), ev.hangup(one, 16)]
    if two is not None:
        frames.append(ev.hangup(two, 16))
    frames += _agent_leave(call) + _agent_down(call)
    frames += person_device_free(call)
    call.emit(*frames)
    call.end(CallResult.ANSWERED, 16)


def client_hangs_up(call: Call, result: CallResult) -> None:
    """The dialer's Hangup action on the person's channel (files 20, 40)."""
    one, two = call.person, call.far
    assert one is not None
    frames = _unbridge(call, one) + _agent_leave(call)
    frames += dial_times(call, one) if call.agent1 is not None else []
    frames.append(ev.soft_hangup_request(one, 16))
    if two is not None:
        frames += [ev.hangup_request(two, 16), ev.hangup(one, 16)]
    frames += _agent_down(call)
    if two is None:
        frames += [ev.varset(one, name, value) for name, value in _RTP_QOS]
        frames.append(ev.hangup(one, 16))
    else:
        frames += [ev.soft_hangup_request(two, 16), *ev.far_hangup(two, one)]
    frames += person_device_free(call)
    call.emit(*frames)
    call.end(result, 16)


def agent_hangs_up(call: Call) -> None:
    """The dialer's Hangup of the agent's channel, no transfer under way (recording 66).

    Dial's called party hung up: the bridge breaks and the person's channel is hung up
    too, without a further dialplan step. After a resume the person's dialplan (dialer-hold)
    ends with Hangup(16) as well; still on hold, the person stays with the music.
    """
    one, two, a1, a2 = call.person, call.far, call.agent1, call.agent2
    assert one is not None and a1 is not None
    if call.held:
        call.emit(*held.agent_leaves(call))
        return
    if call.detached:
        held.ends(call, True, person_device_free(call))
        call.end(CallResult.ANSWERED, 16)
        return
    bid = call.bridge_id
    frames = [ev.varset(a1, "BRIDGEPEER", ""), ev.varset(one, "BRIDGEPEER", "")]
    frames.append(ev.bridge_event("BridgeLeave", bid, 1, a1))
    frames += [ev.hangup_request(a2, 16)] if a2 is not None else []
    frames += [
        ev.bridge_event("BridgeLeave", bid, 0, one),
        ev.bridge_event("BridgeDestroy", bid, 0),
        ev.hangup(a1, 16),
    ]
    if a2 is not None:
        frames += [ev.soft_hangup_request(a2, 16), ev.hangup(a2, 16)]
    free = ev.device_state(call.agent_device, "NOT_INUSE")
    frames += [*dial_times(call, one), free]
    frames += [free] if a2 is not None else []
    frames.append(ev.soft_hangup_request(one, 16))
    if two is not None:
        frames += [ev.hangup_request(two, 16), ev.hangup(one, 16)]
        frames += [ev.soft_hangup_request(two, 16), ev.hangup(two, 16)]
    else:
        frames.append(ev.hangup(one, 16))
    call.emit(*frames, *person_device_free(call))
    call.end(CallResult.ANSWERED, 16)


def dialplan_hangs_up(
    call: Call, priority: int, result: CallResult, far_playing: bool = True
) -> None:
    """Hangup(16) in dialer-connect: a machine (file 19), or an abandoned call (51, 52).

    ``far_playing``: the person's side was in a Playback (a machine's greeting), which
    reports its status as it is cut; a person merely waiting reports nothing.
    """
    one, two = call.person, call.far
    assert one is not None
    frames = [ev.newexten(one, "Hangup", "16", priority), ev.soft_hangup_request(one, 16)]
    if two is not None:
        frames.append(ev.hangup_request(two, 16))
        if far_playing:
            frames.append(ev.varset(two, "PLAYBACKSTATUS", "SUCCESS"))
        frames += [ev.soft_hangup_request(two, 16), ev.hangup(two, 16)]
    frames += [ev.hangup(one, 16), *person_device_free(call)]
    call.emit(*frames)
    call.end(result, 16)


def person_device_free(call: Call) -> list[str]:
    """A Local device reports each half of its pair; a SIP endpoint once."""
    if call.far is None:
        return [ev.device_state(f"PJSIP/{call.where}", "NOT_INUSE")]
    free = ev.device_state(f"Local/{call.number}@{call.where}", "NOT_INUSE")
    return [free, free]


def call_ends(call: Call) -> None:
    """An answered call cut while it waited: by the dialer's Hangup, else by the person."""
    if call.ender is not None:
        call.ender(call.client_hangup)
    elif call.detached:
        held.ends(call, call.client_hangup, person_device_free(call))
        call.end(CallResult.ANSWERED, 16)
    elif call.client_hangup:
        client_hangs_up(call, CallResult.ANSWERED)
    else:
        person_hangs_up(call)
