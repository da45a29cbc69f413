"""An Originate with an application: the supervisor's phone rung into ChanSpy.

Asterisk answers ``Originate successfully queued`` at once (``Async: true``), rings
the phone, and reports with ``OriginateResponse``: ``Success`` / ``Reason: 4`` once
the phone answered and the application started, ``Failure`` / ``Reason: 0`` for a
phone the PBX does not know. The simulator's phones answer at once.
"""

from __future__ import annotations

from telephony.sim import events as ev
from telephony.sim.channels import event, lines
from telephony.sim.records import SpyRecord
from telephony.sim.request import parse_caller_id
from telephony.sim.session import Connection


def _phone_known(conn: Connection, phone: str) -> bool:
    tech, _, rest = phone.partition("/")
    if tech.upper() == "PJSIP":
        return conn.sim.config.knows_endpoint(rest)
    exten, _, where = rest.partition("@")
    return conn.sim.config.plan.has_extension(where.partition("/")[0], exten)


def _channel_name(suffix: str, phone: str) -> str:
    """The phone's channel as Asterisk names it: a Local channel's first half ends ``;1``."""
    local = phone.partition("/")[0].upper() == "LOCAL"
    return f"{phone}-{suffix};1" if local else f"{phone}-{suffix}"


def originate_application(conn: Connection, h: dict[str, str]) -> None:
    core = conn.sim.core
    phone, channel_id = h.get("channel", ""), h.get("channelid") or core.next_uniqueid()
    answered = _phone_known(conn, phone)
    record = SpyRecord(phone, h.get("application", ""), h.get("data", ""), channel_id, answered)
    core.spies.append(record)
    num, name = parse_caller_id(h.get("callerid", ""))
    tail = lines(
        *((("ActionID", h["actionid"]),) if "actionid" in h else ()),
        ("Response", "Success" if answered else "Failure"),
        ("Channel", _channel_name(core.next_local_suffix(), phone) if answered else phone),
        # An application originate has no Context nor Exten (recording 60).
        ("Application", record.application),
        ("Data", record.data),
        ("Reason", 4 if answered else 0),
        ("Uniqueid", channel_id),
        ("CallerIDNum", num),
        ("CallerIDName", name),
    )
    core.emit(event("OriginateResponse", ev.CALL, tail))
