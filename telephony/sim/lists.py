"""List actions (Status, CoreShowChannels): a start response, items, a Complete event."""

from __future__ import annotations

from telephony.sim.channels import Channel, lines, message


def _duration(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _action_id(action_id: str | None) -> str:
    return lines(("ActionID", action_id)) if action_id is not None else ""


def core_show_channel(ch: Channel, action_id: str | None, seconds: int, bridge: str) -> str:
    return (
        "Event: CoreShowChannel\r\n"
        + _action_id(action_id)
        + ch.snapshot()
        + lines(
            ("Application", ch.application),
            ("ApplicationData", ch.app_data),
            ("Duration", _duration(seconds)),
            ("BridgeId", bridge),
        )
        + "\r\n"
    )


def status_item(ch: Channel, action_id: str | None, seconds: int, bridge: str) -> str:
    tech = ch.name.partition("/")[0]
    return (
        "Event: Status\r\nPrivilege: Call\r\n"
        + ch.snapshot()
        + lines(
            ("Type", tech),
            ("DNID", ""),
            ("EffectiveConnectedLineNum", ch.conn_num),
            ("EffectiveConnectedLineName", ch.conn_name),
            ("TimeToHangup", 0),
            ("BridgeID", bridge),
            ("Application", ch.application),
            ("Data", ch.app_data),
            ("Nativeformats", "(slin)"),
            ("Readformat", "slin"),
            ("Readtrans", ""),
            ("Writeformat", "slin"),
            ("Writetrans", ""),
            ("Callgroup", 0),
            ("Pickupgroup", 0),
            ("Seconds", seconds),
        )
        + _action_id(action_id)
        + "\r\n"
    )


def list_start(action_id: str | None, text: str) -> str:
    pairs = [("Response", "Success")]
    if action_id is not None:
        pairs.append(("ActionID", action_id))
    return message([*pairs, ("EventList", "start"), ("Message", text)])


def list_complete(name: str, action_id: str | None, count: int, items: bool = False) -> str:
    pairs = [("Event", name)]
    if action_id is not None:
        pairs.append(("ActionID", action_id))
    pairs += [("EventList", "Complete"), ("ListItems", str(count))]
    if items:
        pairs.append(("Items", str(count)))
    return message(pairs)
