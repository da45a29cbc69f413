"""Hold and resume of a bridged call, and how such a call ends (recording call-control/61).

Hold is a dual Redirect: the person's channel leaves the agent's Dial for ``dialer-hold``
(music on hold) and the agent's for ``dialer-hold-agent`` (a long Wait). Resume is the
``Bridge`` action, which builds a new bridge. From then on the legs no longer belong to
a Dial: each runs its own context, which is why the call comes apart differently.
"""

from __future__ import annotations

from telephony.sim import events as ev
from telephony.sim.call import Call
from telephony.sim.channels import UNKNOWN, Channel

HOLD_CONTEXT = "dialer-hold"
HOLD_AGENT_CONTEXT = "dialer-hold-agent"
# asterisk/extensions.conf: Set(CHANNEL(language)=fr) then MusicOnHold(default) at 2 and 3;
# the agent's Wait(3600) at 2, Hangup(16) at 3.
MUSIC_CLASS = "default"
AGENT_WAIT = "3600"


def is_hold(call: Call, first: Channel, extra: Channel | None, contexts: tuple[str, str]) -> bool:
    """A dual Redirect of the person and the agent of a bridged call to the hold contexts."""
    return (
        extra is not None
        and first is call.person
        and extra is call.agent1
        and bool(call.bridge_id)
        and contexts == (HOLD_CONTEXT, HOLD_AGENT_CONTEXT)
    )


def _goto(ch: Channel, context: str) -> str:
    """The jump itself: Asterisk reports the new place with the application it left."""
    ch.context, ch.exten = context, "s"
    return ev.newexten(ch, ch.application, ch.app_data, 1)


def hold(call: Call) -> None:
    one, a1 = call.person, call.agent1
    assert one is not None and a1 is not None
    bid = call.bridge_id
    frames = [ev.varset(a1, "BRIDGEPEER", ""), ev.varset(one, "BRIDGEPEER", "")]
    frames += [_goto(a1, HOLD_AGENT_CONTEXT), _goto(one, HOLD_CONTEXT)]
    frames += [
        ev.bridge_event("BridgeLeave", bid, 1, a1),
        ev.bridge_event("BridgeLeave", bid, 0, one),
        ev.newexten(a1, "Wait", AGENT_WAIT, 2),
        ev.bridge_event("BridgeDestroy", bid, 0),
        ev.varset(one, "DIALSTATUS", "ANSWER"),
        ev.newexten(one, "Set", "CHANNEL(language)=fr", 2),
    ]
    # A Local pair shares its language: both halves speak French from now on.
    for ch in (one, call.far):
        if ch is not None:
            ch.language = "fr"
    frames += [
        ev.newexten(one, "MusicOnHold", MUSIC_CLASS, 3),
        ev.music_on_hold_start(one, MUSIC_CLASS),
    ]
    call.bridge_id = ""
    call.detached = call.held = True
    call.emit(*frames)


def resume(call: Call) -> None:
    """``Bridge``: music stops, the caller ID is presented again, a new bridge."""
    one, a1 = call.person, call.agent1
    assert one is not None and a1 is not None
    bid = call.bridge_id = call.pbx.new_bridge_id()
    num, name, connected = one.cid_num, one.cid_name, (one.conn_num, one.conn_name)
    frames = [ev.bridge_event("BridgeCreate", bid, 0), ev.music_on_hold_stop(one)]
    one.priority, a1.priority = 4, 3
    frames += [
        ev.newcallerid(one, UNKNOWN, UNKNOWN, (UNKNOWN, UNKNOWN), ev.UNAVAILABLE),
        ev.newconnectedline(one, UNKNOWN, UNKNOWN),
        ev.newcallerid(one, num, name, connected),
        ev.newconnectedline(one, *connected),
        ev.bridge_event("BridgeEnter", bid, 1, one),
        ev.bridge_event("BridgeEnter", bid, 2, a1),
        ev.varset(one, "BRIDGEPEER", a1.name),
        ev.varset(a1, "BRIDGEPEER", one.name),
        ev.newconnectedline(one, a1.cid_num, a1.cid_name),
    ]
    call.held = False
    call.emit(*frames)


def ends(call: Call, by_client: bool, devices: list[str]) -> None:
    """The end of a call whose legs left the Dial: the dialer's Hangup (recorded after a
    resume) or the person's own hangup (not recorded: the same with ;2 going first).

    Held and never resumed, the agent's leg would wait out its Wait(3600) on Asterisk;
    the simulator hangs it up with the call, as its dialplan's next step would.
    """
    one, two, a1, a2 = call.person, call.far, call.agent1, call.agent2
    assert one is not None
    frames: list[str] = []
    if not by_client and two is not None:
        frames += ev.person_dialplan_hangup(one, two)
    if call.held:
        frames.append(ev.music_on_hold_stop(one))
    elif a1 is not None:
        frames += [ev.varset(one, "BRIDGEPEER", ""), ev.varset(a1, "BRIDGEPEER", "")]
        frames.append(ev.bridge_event("BridgeLeave", call.bridge_id, 1, one))
    if by_client and two is not None:
        frames.append(ev.hangup_request(two, 16))
    if a1 is not None and not call.held:
        frames.append(ev.bridge_event("BridgeLeave", call.bridge_id, 0, a1))
    if by_client and two is not None:
        frames.append(ev.soft_hangup_request(two, 16))
    if two is not None:
        frames += ev.far_hangup(two, one)
    agent_first, agent_rest = _agent_ends(call, a1, a2)
    frames += [*agent_first, ev.hangup(one, 16), *agent_rest, *devices]
    call.emit(*frames)


def _agent_ends(call: Call, a1: Channel | None, a2: Channel | None) -> tuple[list[str], list[str]]:
    """The agent's dialplan goes on to Hangup(16) once its bridge or its Wait is over:
    its first steps, then (after the person's channel is gone) the rest."""
    if a1 is None:
        return [], []
    first = [ev.newexten(a1, "Hangup", "16", 3), ev.soft_hangup_request(a1, 16)]
    rest = []
    if a2 is not None:
        rest += [ev.hangup_request(a2, 16), ev.soft_hangup_request(a2, 16), ev.hangup(a2, 16)]
    rest.append(ev.hangup(a1, 16))
    free = ev.device_state(call.agent_device, "NOT_INUSE")
    rest += [free, free] if a2 is not None else [free]
    return first, rest


def agent_leaves(call: Call) -> list[str]:
    """The agent's channel hung up while the person hears the music: only its legs go
    (not recorded; the person's MusicOnHold goes on until they hang up)."""
    first, rest = _agent_ends(call, call.agent1, call.agent2)
    for leg in (call.agent1, call.agent2):
        if leg is not None:
            leg.alive = False
            call.pbx.forget(leg)
    call.forget_agent()
    return first[1:] + rest
