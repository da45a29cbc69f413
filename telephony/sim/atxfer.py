"""An attended transfer started by ``Atxfer`` on the agent's channel (recordings
call-control/64, 65).

Asterisk plays the ``atxfer`` code of features.conf on the agent's channel: a quarter of a
second later the person is held on music; after the 3-second digit timeout the agent's
channel leaves the call's bridge for a new one with ``Local/<exten>@dialer-transfer``,
whose ;2 dials the destination (on the test PBX ``806`` rings virtual agent 806 in
sim-agents, which answers). ``CancelAtxfer`` brings the agent back to the person; the
agent's hangup merges the consultation into the call's bridge: the person stays on the
line with the destination and the agent's legs go.
"""

from __future__ import annotations

from telephony.results import CallResult
from telephony.sim import connect, hangups
from telephony.sim import events as ev
from telephony.sim.call import Call, Consultation
from telephony.sim.channels import UNKNOWN, Channel, event, lines

# Recorded: the person's music 0.26 s after the Atxfer, the destination dialled 3.18 s
# later (features.conf's digit timeout), the cancel acted on 0.26 s after CancelAtxfer
# (its own feature code), the agent's connected line told again 0.57 s after that.
DTMF_S = 0.26
DIGIT_TIMEOUT_S = 3.18
CANCEL_S = 0.26
AGENT_LINE_S = 0.57
MUSIC_CLASS = "default"
RING_S = 30  # extensions-test.conf: Dial(Local/806@sim-agents,30)
DESTINATION_CONTEXT = "sim-agents"


def start(call: Call, a1: Channel, context: str, exten: str) -> None:
    """Right after the reply: the feature code is being played.

    Only a destination with its own extension in the context (``806`` on the test PBX) is
    dialled as recorded; others (``00…`` through the trunk) are not simulated beyond the
    person's music, and their completion or cancel keeps the shape below.
    """
    dialled = exten in call.pbx.config.plan.extensions_of(context)
    consultation = call.consultation = Consultation(context, exten, dialled)
    call.emit(ev.varset(a1, "TRANSFER_CONTEXT", context))
    call.later(DTMF_S, lambda: _hold(call, a1, consultation))


def _hold(call: Call, a1: Channel, consultation: Consultation) -> None:
    one = call.person
    if call.finished or one is None or call.consultation is not consultation:
        return
    call.emit(
        event("Hold", ev.CALL, a1.snapshot()),
        ev.music_on_hold_start(one, MUSIC_CLASS),
    )
    if consultation.dialled:
        call.later(DIGIT_TIMEOUT_S, lambda: _consult(call, a1, consultation))


def _consult(call: Call, a1: Channel, c: Consultation) -> None:
    """The digit timeout is over: the transfer channel dials the destination, which
    answers; the agent's channel moves to the consultation's bridge."""
    if call.finished or call.consultation is not c or not a1.alive:
        return
    c.started = True
    c.bridge, c.dial_bridge = call.pbx.new_bridge_id(), call.pbx.new_bridge_id()
    t1, t2, frames = _transfer_pair(call, a1, c)
    d1, d2, dialled = _destination(call, c, t2)
    frames += dialled + _answered(c, t1, t2, d1, d2) + _agent_moves(call, a1, c, t1)
    call.emit(*frames)
    call.emit_later(0.5, lambda: ev.newexten(d2, "Wait", "30", 3) if d2.alive else "")
    call.pbx.when_call_ends(a1.linkedid, lambda: _gone_with_the_call(call, c))


def _transfer_pair(call: Call, a1: Channel, c: Consultation) -> tuple[Channel, Channel, list[str]]:
    """``Local/<exten>@<context>``: ;1 for the consultation's bridge, ;2 runs the context."""
    pbx = call.pbx
    target = f"Local/{c.exten}@{c.context}-{pbx.next_local_suffix()}"
    t1 = Channel(f"{target};1", pbx.next_uniqueid(), a1.linkedid, c.context, c.exten)
    t2 = Channel(f"{target};2", pbx.next_uniqueid(), a1.linkedid, c.context, c.exten, state=4)
    for name, ch in (("t1", t1), ("t2", t2)):
        c.legs[name] = pbx.register(ch)
    frames = [
        ev.newchannel(t1),
        ev.newchannel(t2),
        ev.varset(t1, "TRANSFERERNAME", a1.name),
        ev.varset(t1, "ATTENDEDTRANSFER", a1.name),
        ev.bridge_event("BridgeCreate", c.bridge, 0),
        ev.varset(t2, "ATTENDEDTRANSFER", a1.name),
        ev.varset(t2, "TRANSFERERNAME", a1.name),
        ev.newcallerid(t2, a1.cid_num, a1.cid_name),
        ev.local_bridge(t1, t2),
        ev.newconnectedline(t1, a1.cid_num, a1.cid_name),
        ev.newexten(t2, "NoOp", f"transfer to test endpoint {c.exten}", 1),
        ev.newexten(t2, "Dial", f"Local/{c.exten}@{DESTINATION_CONTEXT},{RING_S}", 2),
        *[ev.varset(t2, name, "") for name in connect.DIAL_VARS],
    ]
    return t1, t2, frames


def _answered(c: Consultation, t1: Channel, t2: Channel, d1: Channel, d2: Channel) -> list[str]:
    """The destination answers and is bridged to the transfer channel's ;2."""
    frames = [
        ev.bridge_event("BridgeEnter", c.bridge, 1, t1),
        ev.varset(t1, "ATTENDEDTRANSFER", ""),
        ev.newexten(d2, "NoOp", f"virtual agent {c.exten}", 1),
        ev.newexten(d2, "Answer", "", 2),
        ev.newstate(d2, 6),
        ev.newstate(d1, 6),
        ev.varset(t2, "DIALSTATUS", "ANSWER"),
        ev.varset(t2, "DIALEDPEERNAME", d1.name),
        ev.varset(t2, "DIALEDPEERNUMBER", _dial_string(c)),
    ]
    # Answered, the destination's ;1 shows no extension any more (as the agent's does).
    d1.exten = ""
    in_use = [ev.device_state(_device(c, DESTINATION_CONTEXT), "INUSE")] * 2
    in_use += [ev.device_state(_device(c, c.context), "INUSE")] * 2
    return frames + [
        ev.dial_end(t2, d1, "ANSWER"),
        ev.newstate(t2, 6),
        ev.bridge_event("BridgeCreate", c.dial_bridge, 0),
        ev.newstate(t1, 6),
        ev.dial_end(None, t1, "ANSWER"),
        ev.newexten(d1, "AppDial", "(Outgoing Line)"),
        ev.bridge_event("BridgeEnter", c.dial_bridge, 1, d1),
        *in_use,
        ev.bridge_event("BridgeEnter", c.dial_bridge, 2, t2),
        ev.varset(t2, "ATTENDEDTRANSFER", ""),
        ev.varset(d1, "BRIDGEPEER", t2.name),
        ev.varset(t2, "BRIDGEPEER", d1.name),
    ]


def _agent_moves(call: Call, a1: Channel, c: Consultation, t1: Channel) -> list[str]:
    """The agent's channel leaves the person (on music) for the consultation's bridge."""
    return [
        ev.bridge_event("BridgeLeave", call.bridge_id, 1, a1),
        ev.bridge_event("BridgeEnter", c.bridge, 2, a1),
        ev.varset(t1, "BRIDGEPEER", a1.name),
        ev.varset(a1, "BRIDGEPEER", t1.name),
        ev.newconnectedline(a1, t1.cid_num, t1.cid_name),
    ]


def _dial_string(c: Consultation) -> str:
    return f"{c.exten}@{DESTINATION_CONTEXT}"


def _device(c: Consultation, context: str) -> str:
    return f"Local/{c.exten}@{context}"


def _destination(call: Call, c: Consultation, t2: Channel) -> tuple[Channel, Channel, list[str]]:
    """The transfer channel's Dial creates the destination's pair, as the agent's Dial does."""
    pbx = call.pbx
    base = f"Local/{c.exten}@{DESTINATION_CONTEXT}-{pbx.next_local_suffix()}"
    d1 = Channel(f"{base};1", pbx.next_uniqueid(), t2.linkedid, DESTINATION_CONTEXT, c.exten)
    d2 = Channel(
        f"{base};2", pbx.next_uniqueid(), t2.linkedid, DESTINATION_CONTEXT, c.exten, state=4
    )
    for name, ch in (("d1", d1), ("d2", d2)):
        c.legs[name] = pbx.register(ch)
    number = _dial_string(c)
    frames = [ev.newchannel(d1), ev.newchannel(d2), ev.varset(d1, "DIALEDPEERNUMBER", number)]
    d1.cid_num, d1.conn_num, d1.conn_name = c.exten, t2.cid_num, t2.cid_name
    frames += [
        ev.newexten(d1, "AppDial", "(Outgoing Line)"),
        ev.newcallerid(d1, c.exten, d1.cid_name),
        ev.newconnectedline(d1, t2.cid_num, t2.cid_name),
        ev.varset(d2, "DIALEDPEERNUMBER", number),
        ev.newcallerid(d2, t2.cid_num, t2.cid_name, (c.exten, d1.cid_name)),
        ev.newconnectedline(d2, c.exten, d1.cid_name),
        ev.local_bridge(d1, d2),
        ev.dial_begin(t2, d1, number),
    ]
    return d1, d2, frames


def cancel(call: Call, a1: Channel) -> None:
    """CancelAtxfer: the agent goes back to the person; the consultation's legs go."""
    c = call.consultation
    if c is None:
        return
    if not c.started:
        # Nothing dialled (yet): the agent is the person's again (not recorded).
        call.consultation = None
        one = call.person
        if one is not None:
            call.emit(ev.newconnectedline(one, a1.cid_num, one.conn_name))
        return
    call.later(CANCEL_S, lambda: _cancelled(call, a1, c))


def _cancelled(call: Call, a1: Channel, c: Consultation) -> None:
    one = call.person
    if call.finished or one is None or call.consultation is not c:
        return
    call.consultation = None
    t1, t2 = c.leg("t1"), c.leg("t2")
    frames = [
        ev.bridge_event("BridgeLeave", c.bridge, 1, a1),
        ev.bridge_event("BridgeEnter", call.bridge_id, 2, a1),
        ev.music_on_hold_stop(one),
        ev.varset(one, "BRIDGEPEER", a1.name),
        ev.varset(a1, "BRIDGEPEER", one.name),
        ev.newconnectedline(one, a1.cid_num, a1.cid_name),
        event("Unhold", ev.CALL, a1.snapshot()),
        ev.varset(t1, "BRIDGEPEER", ""),
        ev.bridge_event("BridgeLeave", c.bridge, 0, t1),
        ev.hangup_request(t2, 16),
        *_dial_legs_go(call, c),
        ev.hangup(t1, 16),
        ev.bridge_event("BridgeDestroy", c.bridge, 0),
        *_devices_free(c),
    ]
    _forget(call, c)
    call.emit(*frames)
    call.emit_later(AGENT_LINE_S, lambda: ev.newconnectedline(a1, one.cid_num, one.cid_name))


def _dial_legs_go(call: Call, c: Consultation) -> list[str]:
    """The transfer channel's ;2 and the destination it dialled hang up (16)."""
    t2, d1, d2 = c.leg("t2"), c.leg("d1"), c.leg("d2")
    answered = call.elapsed_ms(call.loop.time())  # the values vary; their names do not
    return [
        ev.varset(t2, "BRIDGEPEER", ""),
        ev.varset(d1, "BRIDGEPEER", ""),
        ev.bridge_event("BridgeLeave", c.dial_bridge, 1, t2),
        ev.varset(t2, "ANSWEREDTIME", str(answered // 1000)),
        ev.varset(t2, "ANSWEREDTIME_MS", str(answered)),
        ev.varset(t2, "DIALEDTIME", str(answered // 1000)),
        ev.varset(t2, "DIALEDTIME_MS", str(answered)),
        ev.varset(t2, "DIALSTATUS", "ANSWER"),
        ev.soft_hangup_request(t2, 16),
        ev.hangup(t2, 16),
        ev.bridge_event("BridgeLeave", c.dial_bridge, 0, d1),
        ev.hangup_request(d2, 16),
        ev.hangup(d1, 16),
        ev.soft_hangup_request(d2, 16),
        ev.hangup(d2, 16),
        ev.bridge_event("BridgeDestroy", c.dial_bridge, 0),
    ]


def _devices_free(c: Consultation) -> list[str]:
    free = [ev.device_state(_device(c, c.context), "NOT_INUSE")] * 2
    return free + [ev.device_state(_device(c, DESTINATION_CONTEXT), "NOT_INUSE")] * 2


def _forget(call: Call, c: Consultation) -> None:
    for leg in c.legs.values():
        leg.alive = False
        call.pbx.forget(leg)


def agent_leaves(call: Call, a1: Channel) -> bool:
    """The agent's channel hung up while consulting: Asterisk completes the transfer
    (features.conf, atxferdropcall = no). False when no consultation is under way."""
    c = call.consultation
    one = call.person
    if c is None or c.completed or one is None or a1 is not call.agent1:
        return False
    c.completed = True
    if c.started:
        call.emit(*_merged(call, a1, one, c), *_agent_legs_go(call, a1, one, c))
        call.ender = lambda by_client: _transferred_call_ends(call, c, by_client)
    # Not started, not recorded: the agent left before the destination was dialled.
    # Asterisk most likely ends the person's call then; the simulator keeps the person.
    _forget_agent(call)
    return True


def _merged(call: Call, a1: Channel, one: Channel, c: Consultation) -> list[str]:
    """The consultation's bridge merges into the person's: the destination takes the
    agent's place beside the person."""
    t1 = c.leg("t1")
    return [
        _bridge_merge(call.bridge_id, c.bridge),
        ev.varset(a1, "BRIDGEPEER", ""),
        ev.music_on_hold_stop(one),
        ev.bridge_event("BridgeLeave", c.bridge, 1, t1),
        ev.bridge_event("BridgeEnter", call.bridge_id, 2, t1),
        ev.varset(one, "BRIDGEPEER", t1.name),
        ev.varset(t1, "BRIDGEPEER", one.name),
        ev.newconnectedline(one, t1.cid_num, t1.cid_name),
        ev.newconnectedline(t1, one.cid_num, one.cid_name),
        ev.bridge_event("BridgeLeave", c.bridge, 0, a1),
    ]


def _agent_legs_go(call: Call, a1: Channel, one: Channel, c: Consultation) -> list[str]:
    a2 = call.agent2
    frames: list[str] = []
    if a2 is not None:
        frames += [ev.hangup_request(a2, 16), ev.soft_hangup_request(a2, 16)]
        # ;2 loses the caller ID its ;1 no longer connects to, told as it goes.
        a2.cid_num = a2.cid_name = UNKNOWN
        frames += [
            ev.hangup(a2, 16),
            ev.newcallerid(a2, UNKNOWN, UNKNOWN, presentation=ev.UNAVAILABLE),
        ]
    frames += [
        _attended_transfer(call, a1, one, c.leg("t1"), c),
        ev.bridge_event("BridgeDestroy", c.bridge, 0),
        ev.hangup(a1, 16),
        ev.newconnectedline(c.leg("d1"), one.cid_num, one.cid_name),
    ]
    free = ev.device_state(call.agent_device, "NOT_INUSE")
    return frames + ([free, free] if a2 is not None else [free])


def _forget_agent(call: Call) -> None:
    for leg in (call.agent1, call.agent2):
        if leg is not None:
            leg.alive = False
            call.pbx.forget(leg)
    call.forget_agent()


def _prefixed_bridge(prefix: str, bid: str, count: int) -> str:
    """A bridge's headers as the merge and transfer events name them (``ToBridge…``)."""
    header = ev.bridge_header(bid, count)
    return "".join(f"{prefix}{line}\r\n" for line in header.split("\r\n") if line)


def _bridge_merge(to: str, source: str) -> str:
    body = _prefixed_bridge("To", to, 1) + _prefixed_bridge("From", source, 2)
    return event("BridgeMerge", ev.CALL, body)


def _attended_transfer(call: Call, a1: Channel, one: Channel, t1: Channel, c: Consultation) -> str:
    body = (
        "Result: Success\r\n"
        + a1.snapshot("OrigTransferer")
        + _prefixed_bridge("Orig", call.bridge_id, 2)
        + a1.snapshot("SecondTransferer")
        + _prefixed_bridge("Second", c.bridge, 0)
        + one.snapshot("Transferee")
        + t1.snapshot("TransferTarget")
    )
    tail = lines(
        ("IsExternal", "No"), ("DestType", "Bridge"), ("DestBridgeUniqueid", call.bridge_id)
    )
    return event("AttendedTransfer", ev.CALL, body, tail)


def _transferred_call_ends(call: Call, c: Consultation, by_client: bool) -> None:
    """The person, now bridged to the transfer channel, goes (the dialer's Hangup
    recorded in 65; the person's own hangup: the same with ;2 first)."""
    one, two = call.person, call.far
    assert one is not None
    t1, t2 = c.leg("t1"), c.leg("t2")
    frames: list[str] = []
    if not by_client and two is not None:
        frames += ev.person_dialplan_hangup(one, two)
    times = hangups.dial_times(call, one)
    frames += [
        ev.varset(one, "BRIDGEPEER", ""),
        ev.varset(t1, "BRIDGEPEER", ""),
        ev.bridge_event("BridgeLeave", call.bridge_id, 1, one),
        times[0],
        ev.bridge_event("BridgeLeave", call.bridge_id, 0, t1),
        *times[1:3],
        ev.bridge_event("BridgeDestroy", call.bridge_id, 0),
        times[3],
        ev.hangup_request(t2, 16),
        times[4],
        ev.hangup(t1, 16),
        *_dial_legs_go(call, c),
        *_devices_free(c),
    ]
    if by_client:
        frames.append(ev.soft_hangup_request(one, 16))
        if two is not None:
            frames += [ev.hangup_request(two, 16), ev.soft_hangup_request(two, 16)]
    if two is not None:
        frames += ev.far_hangup(two, one)
    frames += [ev.hangup(one, 16), *hangups.person_device_free(call)]
    _forget(call, c)
    call.emit(*frames)
    call.end(CallResult.ANSWERED, 16)


def _gone_with_the_call(call: Call, c: Consultation) -> None:
    """The person's call ended during the consultation: its legs go too (not recorded)."""
    if c.completed or not any(leg.alive for leg in c.legs.values()):
        return
    t1 = c.leg("t1")
    frames = [ev.bridge_event("BridgeLeave", c.bridge, 0, t1), ev.hangup_request(c.leg("t2"), 16)]
    frames += [*_dial_legs_go(call, c), ev.hangup(t1, 16), *_devices_free(c)]
    _forget(call, c)
    call.pbx.emit("".join(frames))
