"""The ``dialer-connect`` contexts: tell the dialer, find the agent, bridge.

Predictive dialing chooses the agent after the answer: with AGENT empty the call
waits for ``Setvar AGENT`` and abandons after ``ABANDON_MS``.
"""

from __future__ import annotations

from telephony.sim import events as ev
from telephony.sim.call import Call
from telephony.sim.channels import Channel
from telephony.sim.local_leg import originate_response

DIAL_VARS = (
    "DIALSTATUS",
    "DIALEDPEERNUMBER",
    "DIALEDPEERNAME",
    "ANSWEREDTIME",
    "ANSWEREDTIME_MS",
    "DIALEDTIME",
    "DIALEDTIME_MS",
    "RINGTIME",
    "RINGTIME_MS",
    "PROGRESSTIME",
    "PROGRESSTIME_MS",
)
AGENTS = "sim-agents"


def enter_connect(call: Call, one: Channel, with_response: bool) -> None:
    one.context, one.exten = call.req.context, call.req.exten
    frames = [ev.newexten(one, "NoOp", f"attempt {attempt(call)}", 1)]
    if with_response:
        frames.append(originate_response(call, "Success", 4, one.name))
    call.emit(*frames)


def attempt(call: Call) -> str:
    return call.req.variable("ATTEMPT_ID")


def announce_answer(call: Call, one: Channel, priority: int) -> None:
    data = f"DialerAnswered,Attempt: {attempt(call)}"
    call.emit(
        ev.newexten(one, "UserEvent", data, priority),
        ev.user_event(one, "DialerAnswered", [("Attempt", attempt(call))]),
    )


def abandon_ms(call: Call) -> int:
    assert call.person is not None
    text = call.person.variables.get("ABANDON_MS", "") or call.req.variable("ABANDON_MS")
    return int(text) if text.isdigit() else 2000


def dial_agent(call: Call, one: Channel, priority: int) -> None:
    """Dial(Local/<AGENT>@sim-agents,15): the virtual agent answers at once."""
    agent = call.agent()
    call.dialed_at = call.loop.time()
    frames = [ev.newexten(one, "Dial", f"Local/{agent}@{AGENTS},15", priority)]
    frames += [ev.varset(one, name, "") for name in DIAL_VARS]
    a1, a2 = _agent_pair(call, one, agent)
    dial_string = f"{agent}@{AGENTS}"
    device = f"Local/{agent}@{AGENTS}"
    frames += _agent_setup(one, a1, a2, dial_string)
    frames += [
        ev.dial_begin(one, a1, dial_string),
        ev.newexten(a2, "NoOp", f"virtual agent {agent}", 1),
        ev.newexten(a2, "Answer", "", 2),
        ev.newstate(a2, 6),
        ev.device_state(device, "INUSE"),
        ev.newstate(a1, 6),
        ev.varset(one, "DIALSTATUS", "ANSWER"),
        ev.varset(one, "DIALEDPEERNAME", a1.name),
        ev.varset(one, "DIALEDPEERNUMBER", dial_string),
    ]
    a1.exten = ""
    frames += [ev.dial_end(one, a1, "ANSWER"), ev.device_state(device, "INUSE")]
    call.emit(*frames, *_bridge(call, one, a1))
    call.emit_later(0.5, lambda: ev.newexten(a2, "Wait", "30", 3))


def _agent_pair(call: Call, one: Channel, agent: str) -> tuple[Channel, Channel]:
    pbx = call.pbx
    base = f"Local/{agent}@{AGENTS}-{pbx.next_local_suffix()}"
    a1 = Channel(f"{base};1", pbx.next_uniqueid(), one.linkedid, AGENTS, agent)
    a2 = Channel(f"{base};2", pbx.next_uniqueid(), one.linkedid, AGENTS, agent, state=4)
    call.agent1, call.agent2 = pbx.register(a1), pbx.register(a2)
    return a1, a2


def _agent_setup(one: Channel, a1: Channel, a2: Channel, dial_string: str) -> list[str]:
    num, name = one.cid_num, one.cid_name
    frames = [ev.newchannel(a1), ev.newchannel(a2), ev.varset(a1, "DIALEDPEERNUMBER", dial_string)]
    # Asterisk shows the agent's ;1 with the caller as connected line and "s" as its own
    # number, and ;2 the other way round, as recorded.
    a1.exten, a1.cid_num, a1.cid_name, a1.conn_num, a1.conn_name = "s", "s", name, num, name
    frames += [ev.newexten(a1, "AppDial", "(Outgoing Line)"), ev.newcallerid(a1, "s", name)]
    frames.append(ev.newconnectedline(a1, num, name))
    frames.append(ev.varset(a2, "DIALEDPEERNUMBER", dial_string))
    frames.append(ev.newcallerid(a2, num, name, ("s", name)))
    frames += [ev.newconnectedline(a2, "s", name), ev.local_bridge(a1, a2)]
    return frames


def _bridge(call: Call, one: Channel, a1: Channel) -> list[str]:
    bid = call.bridge_id = call.pbx.new_bridge_id()
    a1.exten = ""
    frames = [
        ev.bridge_event("BridgeCreate", bid, 0),
        ev.newexten(a1, "AppDial", "(Outgoing Line)"),
        ev.bridge_event("BridgeEnter", bid, 1, a1),
        ev.bridge_event("BridgeEnter", bid, 2, one),
        ev.varset(a1, "BRIDGEPEER", one.name),
    ]
    if call.far is None:
        # Bridged to a SIP channel, the agent's side also learns the SIP Call-ID.
        frames.append(ev.varset(a1, "BRIDGEPVTCALLID", call.pbx.new_bridge_id()))
    frames.append(ev.varset(one, "BRIDGEPEER", a1.name))
    return frames


def run_amd(call: Call, one: Channel, human: bool) -> list[str]:
    status, cause = ("HUMAN", "HUMAN-800-800") if human else ("MACHINE", "MAXWORDS-3-2")
    data = f"DialerAMD,Attempt: {attempt(call)},Status: {status},Cause: {cause}"
    headers: list[tuple[str, object]] = [
        ("Attempt", attempt(call)),
        ("Status", status),
        ("Cause", cause),
    ]
    return [
        ev.varset(one, "AMDSTATUS", status),
        ev.varset(one, "AMDCAUSE", cause),
        ev.newexten(one, "UserEvent", data, 3),
        ev.user_event(one, "DialerAMD", headers),
        ev.newexten(one, "GotoIf", f"{0 if human else 1}?machine", 4),
    ]


def abandon(call: Call, one: Channel, priority: int) -> list[str]:
    """Nobody to take the call: say so, then hang up (the 2-second rule)."""
    data = f"DialerAbandoned,Attempt: {attempt(call)}"
    return [
        ev.newexten(one, "UserEvent", data, priority),
        ev.user_event(one, "DialerAbandoned", [("Attempt", attempt(call))]),
        ev.newexten(one, "Playback", "sim/abandon-message", priority + 1),
    ]
