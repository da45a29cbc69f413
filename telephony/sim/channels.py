"""Channels of the simulated PBX and the AMI frames that describe them.

Asterisk repeats a channel "snapshot" (14 headers, sometimes with a prefix such
as ``Dest`` or ``LocalOne``) in nearly every event; building it from one place
keeps every event's header order identical to the recordings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATE_DESC = {0: "Down", 4: "Ring", 5: "Ringing", 6: "Up", 7: "Busy"}
UNKNOWN = "<unknown>"
CRLF = "\r\n"


@dataclass
class Channel:
    name: str
    uniqueid: str
    linkedid: str
    context: str
    exten: str
    priority: int = 1
    state: int = 0
    cid_num: str = UNKNOWN
    cid_name: str = UNKNOWN
    conn_num: str = UNKNOWN
    conn_name: str = UNKNOWN
    application: str = ""
    app_data: str = ""
    language: str = "en"
    variables: dict[str, str] = field(default_factory=dict)
    alive: bool = True

    def snapshot(self, prefix: str = "") -> str:
        p = prefix
        return (
            f"{p}Channel: {self.name}\r\n"
            f"{p}ChannelState: {self.state}\r\n"
            f"{p}ChannelStateDesc: {STATE_DESC.get(self.state, 'Unknown')}\r\n"
            f"{p}CallerIDNum: {self.cid_num}\r\n"
            f"{p}CallerIDName: {self.cid_name}\r\n"
            f"{p}ConnectedLineNum: {self.conn_num}\r\n"
            f"{p}ConnectedLineName: {self.conn_name}\r\n"
            f"{p}Language: {self.language}\r\n"
            f"{p}AccountCode: \r\n"
            f"{p}Context: {self.context}\r\n"
            f"{p}Exten: {self.exten}\r\n"
            f"{p}Priority: {self.priority}\r\n"
            f"{p}Uniqueid: {self.uniqueid}\r\n"
            f"{p}Linkedid: {self.linkedid}\r\n"
        )


def message(pairs: list[tuple[str, str]]) -> str:
    """One AMI message: ``Name: value`` lines and the empty line that ends it."""
    return "".join(f"{name}: {value}\r\n" for name, value in pairs) + CRLF


def event(name: str, privilege: str, body: str = "", tail: str = "") -> str:
    """An event: header, a pre-built body (snapshots), extra header lines."""
    return f"Event: {name}\r\nPrivilege: {privilege}\r\n{body}{tail}\r\n"


def lines(*pairs: tuple[str, object]) -> str:
    return "".join(f"{name}: {value}\r\n" for name, value in pairs)
