"""Call-control actions (Redirect, Bridge, BlindTransfer, Atxfer, CancelAtxfer) as Asterisk 22
answers them, and what the simulated call does after.

The replies and their order of checks follow ``manager.c`` of Asterisk 22
(``action_redirect``, ``action_bridge``, ``action_blind_transfer``, ``action_atxfer``,
``action_cancel_atxfer``): a missing header, then an unknown channel, each with its own
words. Asterisk accepts a Redirect into a context its dialplan lacks (``ast_async_goto``
checks nothing); the channel then finds no extension and is hung up, which is what
the simulator does too.
"""

from __future__ import annotations

from telephony.sim import atxfer as consultation
from telephony.sim import events as ev
from telephony.sim import held, transfer
from telephony.sim.call import Call
from telephony.sim.channels import Channel, event, lines
from telephony.sim.records import ControlRecord
from telephony.sim.replies import response
from telephony.sim.session import Connection

HOLD_APPS = {"dialer-hold": "MusicOnHold", "dialer-hold-agent": "Wait"}


def _error(conn: Connection, h: dict[str, str], text: str) -> None:
    conn.send(response("Error", h.get("actionid"), ("Message", text)))


def _ok(conn: Connection, h: dict[str, str], text: str) -> None:
    conn.send(response("Success", h.get("actionid"), ("Message", text)))


def _first_missing(h: dict[str, str], checks: tuple[tuple[str, str], ...]) -> str:
    return next((text for name, text in checks if not h.get(name)), "")


_REDIRECT_CHECKS = (
    ("channel", "Channel not specified"),
    ("context", "Context not specified"),
    ("exten", "Exten not specified"),
    ("priority", "Priority not specified"),
)


async def redirect(conn: Connection, h: dict[str, str], _: object) -> None:
    missing = _first_missing(h, _REDIRECT_CHECKS)
    if missing:
        return _error(conn, h, missing)
    if not h["priority"].isdigit() or int(h["priority"]) < 1:
        return _error(conn, h, "Priority is invalid")
    core = conn.sim.core
    first = core.find(h["channel"])
    if first is None:
        return _error(conn, h, f"Channel does not exist: {h['channel']}")
    extra_name = h.get("extrachannel", "")
    extra = core.find(extra_name) if extra_name else None
    if extra_name and extra is None:
        return _error(conn, h, "Secondary redirect failed")
    _ok(conn, h, "Dual Redirect successful" if extra else "Redirect successful")
    core.control_log.append(
        ControlRecord("Redirect", first.name, h["context"], h["exten"], extra_name)
    )
    call = conn.sim.call_of(first)
    contexts = (h["context"], h.get("extracontext") or h["context"])
    if isinstance(call, Call) and held.is_hold(call, first, extra, contexts):
        core.held.add(first.linkedid)
        held.hold(call)
        return
    _goto(conn, first, h["context"], h["exten"])
    if extra is not None:
        context = h.get("extracontext") or h["context"]
        _goto(conn, extra, context, h.get("extraexten") or h["exten"])
    if call is not None:
        core.held.add(first.linkedid)


def _goto(conn: Connection, ch: Channel, context: str, exten: str) -> None:
    plan = conn.sim.config.plan
    ch.context, ch.exten = context, exten
    if not plan.has_extension(context, exten):
        # No such extension: the PBX hangs the channel up (and its call with it).
        call = conn.sim.call_of(ch)
        if call is not None:
            call.request_hangup()
        return
    conn.sim.core.emit(ev.newexten(ch, HOLD_APPS.get(context, "NoOp"), "", priority=1))


async def bridge(conn: Connection, h: dict[str, str], _: object) -> None:
    one, two = h.get("channel1", ""), h.get("channel2", "")
    if not one or not two:
        return _error(conn, h, "Missing channel parameter in request")
    core = conn.sim.core
    # Bridge alone looks channels up by prefix (action_bridge): see ``find_prefix``.
    first, second = core.find_prefix(one), core.find_prefix(two)
    if first is None:
        return _error(conn, h, f"Channel1 does not exist: {one}")
    if second is None:
        return _error(conn, h, f"Channel2 does not exist: {two}")
    _ok(conn, h, "Channels have been bridged")
    core.control_log.append(ControlRecord("Bridge", first.name, extra=second.name))
    core.held.discard(first.linkedid)
    call = conn.sim.call_of(first)
    if isinstance(call, Call) and call.held and {first.name, second.name} == _legs(call):
        held.resume(call)
        return
    for ch in (first, second):
        core.emit(ev.newexten(ch, "Bridge", f"{first.name},{second.name}"))


def _legs(call: Call) -> set[str]:
    return {ch.name for ch in (call.person, call.agent1) if ch is not None}


def _transfer_target(conn: Connection, h: dict[str, str]) -> Channel | None:
    missing = _first_missing(
        h, (("channel", "No channel specified"), ("exten", "No extension specified"))
    )
    if missing:
        _error(conn, h, missing)
        return None
    ch = conn.sim.core.find(h["channel"])
    if ch is None:
        _error(conn, h, "Channel specified does not exist")
    return ch


async def blind_transfer(conn: Connection, h: dict[str, str], _: object) -> None:
    ch = _transfer_target(conn, h)
    if ch is None:
        return
    core = conn.sim.core
    call = conn.sim.call_of(ch)
    # Only a channel in a bridge has a peer to transfer (AST_BRIDGE_TRANSFER_INVALID).
    if call is None or not call.bridge_id or ch.linkedid in core.held:
        return _error(conn, h, "Transfer invalid")
    context = h.get("context") or ch.context
    _ok(conn, h, "Transfer succeeded")
    core.control_log.append(ControlRecord("BlindTransfer", ch.name, context, h["exten"]))
    if isinstance(call, Call) and ch is call.agent1:
        transfer.blind(call, ch, context, h["exten"])
        return
    # Any other channel of the bridge (not a shape the dialer sends): the event only.
    tail = lines(
        ("BridgeUniqueid", call.bridge_id), ("IsExternal", "Yes"),
        ("Context", context), ("Extension", h["exten"]),
    )  # fmt: skip
    core.emit(
        event("BlindTransfer", "call,all", "Result: Success\r\n" + ch.snapshot("Transferer"), tail)
    )


# asterisk/features.conf maps ``atxfer => *2``: Asterisk queues that code and the
# destination's digits on the agent's channel (recordings 64, 65). Without a code it
# refuses after the channel checks: "No attended transfer feature code found".
ATXFER_FEATURE_CODE = "*2"


async def atxfer(conn: Connection, h: dict[str, str], _: object) -> None:
    ch = _transfer_target(conn, h)
    if ch is None:
        return
    if not ATXFER_FEATURE_CODE:
        return _error(conn, h, "No attended transfer feature code found")
    _ok(conn, h, "Atxfer successfully queued")
    core = conn.sim.core
    context = h.get("context") or ch.context
    core.control_log.append(ControlRecord("Atxfer", ch.name, context, h["exten"]))
    call = conn.sim.call_of(ch)
    if isinstance(call, Call) and call.agent1 is ch and call.bridge_id:
        consultation.start(call, ch, context, h["exten"])


async def cancel_atxfer(conn: Connection, h: dict[str, str], _: object) -> None:
    if not h.get("channel"):
        return _error(conn, h, "No channel specified")
    core = conn.sim.core
    ch = core.find(h["channel"])
    if ch is None:
        return _error(conn, h, "Channel specified does not exist")
    _ok(conn, h, "CancelAtxfer successfully queued")
    core.control_log.append(ControlRecord("CancelAtxfer", ch.name))
    call = conn.sim.call_of(ch)
    if isinstance(call, Call) and call.agent1 is ch:
        consultation.cancel(call, ch)


def agent_leaves_consultation(conn: Connection, ch: Channel) -> bool:
    """The agent's channel hung up while consulting: Asterisk completes the attended
    transfer and the person stays on the line with the destination (recording 65).
    False when no transfer is under way."""
    call = conn.sim.call_of(ch)
    under_way = call.consultation if isinstance(call, Call) else None
    if not isinstance(call, Call) or under_way is None:
        return False
    if not consultation.agent_leaves(call, ch):
        return False
    conn.sim.core.control_log.append(
        ControlRecord("AttendedTransfer", ch.name, under_way.context, under_way.exten)
    )
    return True
