"""The AMI events of a call, one builder per event, header order as recorded."""

from __future__ import annotations

from telephony.sim.channels import Channel, event, lines

CALL = "call,all"
DIALPLAN = "dialplan,all"

CAUSE_TXT = {
    0: "Unknown",
    1: "Unallocated (unassigned) number",
    3: "No route to destination",
    16: "Normal Clearing",
    17: "User busy",
    19: "User alerting, no answer",
    34: "Circuit/channel congestion",
    41: "Temporary failure",
}


def newchannel(ch: Channel) -> str:
    return event("Newchannel", CALL, ch.snapshot())


def newexten(ch: Channel, app: str, data: str = "", priority: int | None = None) -> str:
    if priority is not None:
        ch.priority = priority
    ch.application, ch.app_data = app, data
    tail = lines(("Extension", ch.exten), ("Application", app), ("AppData", data))
    return event("Newexten", DIALPLAN, ch.snapshot(), tail)


def varset(ch: Channel, name: str, value: str) -> str:
    ch.variables[name] = value
    return event("VarSet", DIALPLAN, ch.snapshot(), lines(("Variable", name), ("Value", value)))


ALLOWED = "0 (Presentation Allowed, Not Screened)"
UNAVAILABLE = "67 (Number Unavailable)"


def newcallerid(
    ch: Channel,
    num: str,
    name: str,
    connected: tuple[str, str] | None = None,
    presentation: str = ALLOWED,
) -> str:
    ch.cid_num, ch.cid_name = num, name
    if connected is not None:
        ch.conn_num, ch.conn_name = connected
    tail = lines(("CID-CallingPres", presentation))
    return event("NewCallerid", CALL, ch.snapshot(), tail)


def newconnectedline(ch: Channel, num: str, name: str) -> str:
    ch.conn_num, ch.conn_name = num, name
    return event("NewConnectedLine", CALL, ch.snapshot())


def music_on_hold_start(ch: Channel, music_class: str) -> str:
    return event("MusicOnHoldStart", CALL, ch.snapshot(), lines(("Class", music_class)))


def music_on_hold_stop(ch: Channel) -> str:
    return event("MusicOnHoldStop", CALL, ch.snapshot())


def newstate(ch: Channel, state: int) -> str:
    ch.state = state
    return event("Newstate", CALL, ch.snapshot())


def local_bridge(one: Channel, two: Channel, optimize: bool = True) -> str:
    """``optimize`` is False for a ``/n`` dial string, which keeps the pair in the call."""
    optimization = "Yes" if optimize else "No"
    tail = lines(
        ("Context", two.context), ("Exten", two.exten), ("LocalOptimization", optimization)
    )
    return event("LocalBridge", CALL, one.snapshot("LocalOne") + two.snapshot("LocalTwo"), tail)


def dial_begin(caller: Channel | None, dest: Channel, dial_string: str) -> str:
    body = (caller.snapshot() if caller else "") + dest.snapshot("Dest")
    return event("DialBegin", CALL, body, lines(("DialString", dial_string)))


def dial_state(caller: Channel | None, dest: Channel, status: str) -> str:
    body = (caller.snapshot() if caller else "") + dest.snapshot("Dest")
    return event("DialState", CALL, body, lines(("DialStatus", status)))


def dial_end(caller: Channel | None, dest: Channel, status: str) -> str:
    body = (caller.snapshot() if caller else "") + dest.snapshot("Dest")
    return event("DialEnd", CALL, body, lines(("DialStatus", status)))


def device_state(device: str, state: str) -> str:
    return event("DeviceStateChange", CALL, lines(("Device", device), ("State", state)))


def _tech(tech_cause: int | None) -> str:
    return lines(("TechCause", tech_cause)) if tech_cause is not None else ""


def hangup_request(ch: Channel, cause: int, tech_cause: int | None = None) -> str:
    tail = lines(("Cause", cause)) + _tech(tech_cause)
    return event("HangupRequest", CALL, ch.snapshot(), tail)


def soft_hangup_request(ch: Channel, cause: int) -> str:
    return event("SoftHangupRequest", CALL, ch.snapshot(), lines(("Cause", cause)))


def person_dialplan_hangup(one: Channel, two: Channel) -> list[str]:
    """The person's dialplan ends with Hangup(16) on the Local ;2, which asks ;1 to go."""
    return [
        newexten(two, "Hangup", "16", two.priority + 1),
        soft_hangup_request(two, 16),
        hangup_request(one, 16),
    ]


def hangup(ch: Channel, cause: int, tech_cause: int | None = None) -> str:
    ch.alive = False
    tail = lines(("Cause", cause), ("Cause-txt", CAUSE_TXT.get(cause, "Unknown")))
    return event("Hangup", CALL, ch.snapshot(), tail + _tech(tech_cause))


def far_hangup(two: Channel, one: Channel, cause: int = 16) -> list[str]:
    """Hangup of a Local pair's ;2, whose caller ID follows ;1's connected line: a change
    of that line (after a resume or a cancelled transfer) shows only as ;2 goes."""
    if (two.cid_num, two.cid_name) == (one.conn_num, one.conn_name):
        return [hangup(two, cause)]
    two.cid_num, two.cid_name = one.conn_num, one.conn_name
    return [hangup(two, cause), newcallerid(two, one.conn_num, one.conn_name)]


def user_event(ch: Channel, name: str, headers: list[tuple[str, object]]) -> str:
    tail = lines(("UserEvent", name), *headers)
    return event("UserEvent", "user,all", ch.snapshot(), tail)


def bridge_header(bridge_id: str, count: int) -> str:
    return lines(
        ("BridgeUniqueid", bridge_id),
        ("BridgeType", "basic"),
        ("BridgeTechnology", "simple_bridge"),
        ("BridgeCreator", "<unknown>"),
        ("BridgeName", "<unknown>"),
        ("BridgeNumChannels", count),
        ("BridgeVideoSourceMode", "none"),
    )


def bridge_event(name: str, bridge_id: str, count: int, ch: Channel | None = None) -> str:
    return event(name, CALL, bridge_header(bridge_id, count), ch.snapshot() if ch else "")
