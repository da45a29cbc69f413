"""An Originate with an application: the supervisor's phone rung into ChanSpy.

Asterisk answers ``Originate successfully queued`` at once (``Async: true``), rings
the phone, and reports with ``OriginateResponse``: ``Success`` / ``Reason: 4`` once
the phone answered and the application started, ``Failure`` / ``Reason: 0`` for a
phone the PBX does not know. The simulator's phones answer at once.

A virtual phone (``Local/805@sim-agents``) is a ;1/;2 pair whose ;2 runs the virtual
agent's dialplan; ChanSpy then starts on the agent's channel, which re-reads its bridge
peer (recording call-control/63). With ``E`` the spy ends with the spied channel: its
ChanSpyStop and the phone's hangup are Asterisk's usual shape, not recorded.
"""

from __future__ import annotations

import asyncio

from telephony.sim import events as ev
from telephony.sim.channels import Channel, event, lines
from telephony.sim.core import PbxCore
from telephony.sim.records import SpyRecord
from telephony.sim.request import parse_caller_id
from telephony.sim.session import Connection

# Recorded: ChanSpyStart 0.19 s after the phone answered; the virtual phone's Wait(30)
# half a second after its Answer, as the virtual agents' (telephony/sim/connect.py).
CHANSPY_START_S = 0.19
PHONE_WAIT_S = 0.5
PJSIP_CONTEXT = "agents-no-outbound"


def _phone_known(conn: Connection, phone: str) -> bool:
    tech, _, rest = phone.partition("/")
    if tech.upper() == "PJSIP":
        return conn.sim.config.knows_endpoint(rest)
    exten, _, where = rest.partition("@")
    return conn.sim.config.plan.has_extension(where.partition("/")[0], exten)


def originate_application(conn: Connection, h: dict[str, str]) -> None:
    core = conn.sim.core
    phone, channel_id = h.get("channel", ""), h.get("channelid") or core.next_uniqueid()
    answered = _phone_known(conn, phone)
    record = SpyRecord(phone, h.get("application", ""), h.get("data", ""), channel_id, answered)
    core.spies.append(record)
    num, name = parse_caller_id(h.get("callerid", ""))
    if not answered:
        core.emit(_response(h, record, phone, num, name))
        return
    one, two, frames, device = _ring(core, phone, channel_id, num, name)
    in_use = ev.device_state(device, "INUSE")
    devices = [in_use, in_use] if two is not None else [in_use]
    core.emit("".join([*frames, _response(h, record, one.name, num, name), *devices]))
    loop = asyncio.get_running_loop()
    if two is not None:
        loop.call_later(core.scaled(PHONE_WAIT_S), _phone_waits, core, two)
    spyee = core.find(record.data.rpartition(",")[0] or record.data)
    if record.application.lower() == "chanspy" and spyee is not None:
        loop.call_later(core.scaled(CHANSPY_START_S), _start, core, one, two, spyee, device)


def _response(h: dict[str, str], record: SpyRecord, channel: str, num: str, name: str) -> str:
    tail = lines(
        *((("ActionID", h["actionid"]),) if "actionid" in h else ()),
        ("Response", "Success" if record.answered else "Failure"),
        ("Channel", channel),
        # An application originate has no Context nor Exten (recording 60).
        ("Application", record.application),
        ("Data", record.data),
        ("Reason", 4 if record.answered else 0),
        ("Uniqueid", record.channel_id),
        ("CallerIDNum", num),
        ("CallerIDName", name),
    )
    return event("OriginateResponse", ev.CALL, tail)


def _ring(
    core: PbxCore, phone: str, channel_id: str, num: str, name: str
) -> tuple[Channel, Channel | None, list[str], str]:
    """The phone's channels up to its answer; the device they use."""
    tech, _, rest = phone.partition("/")
    if tech.upper() == "PJSIP":
        one = core.register(
            Channel(f"{phone}-{core.next_sip_suffix()}", channel_id, channel_id, PJSIP_CONTEXT, "s")
        )
        frames = [ev.newchannel(one), ev.newcallerid(one, num, name), ev.newstate(one, 6)]
        return one, None, frames, phone
    exten, _, context = rest.partition("@")
    base = f"{phone}-{core.next_local_suffix()}"
    one = core.register(Channel(f"{base};1", channel_id, channel_id, context, exten))
    two = core.register(
        Channel(f"{base};2", f"{channel_id};2", channel_id, context, exten, state=4)
    )
    frames = [
        ev.newchannel(one),
        ev.newchannel(two),
        ev.newexten(one, "AppDial2", "(Outgoing Line)"),
        ev.newcallerid(one, num, name),
        ev.newconnectedline(one, num, name),
        ev.newcallerid(two, num, name, (num, name)),
        ev.newconnectedline(two, num, name),
        ev.local_bridge(one, two),
        ev.dial_begin(None, one, rest),
        ev.newexten(two, "NoOp", f"virtual agent {exten}", 1),
        ev.newexten(two, "Answer", "", 2),
        ev.newstate(two, 6),
        ev.newstate(one, 6),
        ev.dial_end(None, one, "ANSWER"),
    ]
    return one, two, frames, phone


def _phone_waits(core: PbxCore, two: Channel) -> None:
    if two.alive:
        core.emit(ev.newexten(two, "Wait", "30", 3))


def _spy_event(name: str, spyer: Channel, spyee: Channel) -> str:
    return event(name, ev.CALL, spyer.snapshot("Spyer") + spyee.snapshot("Spyee"))


def _start(core: PbxCore, one: Channel, two: Channel | None, spyee: Channel, device: str) -> None:
    if not (one.alive and spyee.alive):
        return
    frames = [_spy_event("ChanSpyStart", one, spyee)]
    peer = core.bridge_peer(spyee)
    if peer is not None:
        # The spy's audiohook makes the bridge tell both parties their peer again.
        frames += [
            ev.varset(spyee, "BRIDGEPEER", peer.name),
            ev.varset(peer, "BRIDGEPEER", spyee.name),
        ]
    core.emit("".join(frames))
    core.when_call_ends(spyee.linkedid, lambda: _stop(core, one, two, spyee, device))


def _stop(core: PbxCore, one: Channel, two: Channel | None, spyee: Channel, device: str) -> None:
    """``E``: ChanSpy returns when the spied channel hangs up, and the phone is hung up."""
    if not one.alive:
        return
    frames = [_spy_event("ChanSpyStop", one, spyee), ev.soft_hangup_request(one, 16)]
    if two is not None:
        frames.append(ev.hangup_request(two, 16))
    frames.append(ev.hangup(one, 16))
    if two is not None:
        frames += [ev.soft_hangup_request(two, 16), ev.hangup(two, 16)]
    free = ev.device_state(device, "NOT_INUSE")
    frames += [free, free] if two is not None else [free]
    for ch in (one, two):
        if ch is not None:
            ch.alive = False
            core.forget(ch)
    core.emit("".join(frames))
