"""Replay a recorded transcript's client lines against the simulator and compare.

Asterisk is multi-threaded: two recordings of the same dialplan interleave the
events of different channels differently (compare files 10 and 14). So events are
compared per channel (and per call, by Linkedid), in order; responses in order;
device-state changes per device as a sorted list.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import defaultdict
from collections.abc import Callable

from telephony.sim import Faults, PbxSimulator, SimulatorConfig
from telephony.transcripts import Transcript, WireMessage

from .rawclient import RawClient, md5_key

# Values that legitimately vary between two runs of the same call.
VARYING_HEADERS = {"timestamp", "challenge", "key", "duration", "seconds"}
VARYING_VARIABLES = {"ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME", "DIALEDTIME_MS"}
_COUNTER = re.compile(r"-[0-9a-f]{8}(?=;|$|,)")
_UNIQUEID = re.compile(r"\b\d{9,11}\.\d+\b")
# ANSWERED_AT_MS: the PBX's clock in milliseconds since 1970.
_EPOCH_MS = re.compile(r"\b1\d{12}\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


# What the PBX was like when a recording was made, beyond its configuration files.
SETUPS: dict[str, Callable[[Faults], None]] = {
    "49-outbound-trunk-down": lambda faults: setattr(faults, "trunk_down", True),
    "50-pjsip-trunk-down": lambda faults: setattr(faults, "trunk_down", True),
}
# The dialplan polls AGENT every 100 ms; the replay must set it within the first
# poll as the recording did, which 2 ms (100 ms at 0.02) leaves to chance.
SLOWER = {"54-predictive-setvar-dialstring": 0.25}


async def replay(
    transcript: Transcript, time_factor: float, timeout_s: float = 3.0, lab_agents: bool = True
) -> list[WireMessage]:
    """The simulator's side of the recorded conversation.

    ``lab_agents`` for the shared recordings, whose AGENT named a bare extension.
    """
    factor = max(time_factor, SLOWER.get(transcript.name, 0.0))
    config = SimulatorConfig(time_factor=factor, seed=1, lab_agents=lab_agents)
    sim = PbxSimulator(config)
    SETUPS.get(transcript.name, lambda _faults: None)(sim.faults)
    await sim.start()
    client = await RawClient.connect(sim.port)
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        for message, heard in _client_turns(transcript):
            delay = start + message.at_ms / 1000 * factor - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            # A busy machine may run the PBX late: never speak before it has said
            # as much as Asterisk had said at that point of the recording.
            # A PBX that says less than Asterisk did is reported by the comparison.
            with contextlib.suppress(TimeoutError):
                await client.wait_for(lambda _m, n=heard: len(client.messages) >= n, timeout_s)
            client.send(*_as_simulated(client, await _client_lines(client, message)))
        # Every recording ends with Logoff or a refused login: the PBX closes.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(client.closed.wait(), timeout_s)
        return list(client.messages)
    finally:
        await client.close()
        await sim.stop()


def _client_turns(transcript: Transcript) -> list[tuple[WireMessage, int]]:
    """Each client message with the number of server messages recorded before it."""
    turns, heard = [], 0
    for message in transcript.messages:
        if message.direction == ">>>":
            turns.append((message, heard))
        else:
            heard += 1
    return turns


async def _client_lines(client: RawClient, message: WireMessage) -> list[str]:
    """Recorded lines, with the MD5 key recomputed for this run's challenge.

    A Key sent without a challenge (or without ``AuthType``) is replayed as recorded:
    Asterisk refuses it whatever its value.
    """
    challenged = any(m.get("Challenge") is not None for m in client.messages)
    if message.get("Key") is None or message.get("AuthType") is None or not challenged:
        return message.lines
    answer = await client.wait_for(lambda m: m.get("Challenge") is not None)
    key = md5_key(answer.get("Challenge") or "", "dialer-secret")
    return [f"Key: {key}" if line.startswith("Key:") else line for line in message.lines]


_CHANNEL_NAME = re.compile(r"(?:Local|PJSIP)/[^\s,]+?-[0-9a-f]{8}(?:;[12])?")


def _as_simulated(client: RawClient, lines: list[str]) -> list[str]:
    """A recorded channel name (its counter is the PBX's own) as the simulator named it."""
    names: dict[str, str] = {}
    for m in client.messages:
        for header in ("Channel", "DestChannel"):
            value = m.get(header)
            if value and _COUNTER.search(value):
                names.setdefault(_COUNTER.sub("-N", value), value)
    return [
        _CHANNEL_NAME.sub(
            lambda hit: names.get(_COUNTER.sub("-N", hit.group(0)), hit.group(0)), line
        )
        for line in lines
    ]


def normalise(value: str) -> str:
    value = _UUID.sub("B", value)
    value = _UNIQUEID.sub("U", value)
    value = _EPOCH_MS.sub("T", value)
    return _COUNTER.sub("-N", value)


def comparable(message: WireMessage) -> list[tuple[str, str]]:
    """Header names in order, with the values that must match the recording."""
    out = []
    variable = message.get("Variable") or ""
    for name, value in message.headers:
        varying = name.lower() in VARYING_HEADERS or (
            name == "Value" and (variable in VARYING_VARIABLES or variable.startswith("RTPAUDIO"))
        )
        out.append((name, "*" if varying else normalise(value)))
    return out


def _role(message: WireMessage) -> str:
    for name in ("Channel", "LocalOneChannel", "DestChannel"):
        value = message.get(name)
        if value is not None:
            return _COUNTER.sub("", value)
    return ""


def _call(message: WireMessage, bridges: dict[str, str]) -> str:
    for name in ("Linkedid", "LocalOneLinkedid", "DestLinkedid"):
        value = message.get(name)
        if value is not None:
            return value
    return bridges.get(message.get("BridgeUniqueid") or "", "")


_Message = list[tuple[str, str]]
# Items of a list action: Asterisk lists channels in its hash table's order.
LIST_ITEMS = ("CoreShowChannel", "Status")


def group(messages: list[WireMessage]) -> dict[str, list[list[tuple[str, str]]]]:
    """Messages by stream: responses, one stream per channel of each call, devices."""
    bridges = {}
    for m in messages:
        if m.get("BridgeUniqueid") and m.get("Linkedid"):
            bridges[m.get("BridgeUniqueid") or ""] = m.get("Linkedid") or ""
    streams: dict[str, list[list[tuple[str, str]]]] = defaultdict(list)
    for m in messages:
        name = m.get("Event")
        if name in LIST_ITEMS and m.get("ActionID"):
            streams[f"list:{m.get('ActionID')}"].append(comparable(m))
        elif not m.is_event or m.get("ActionID") and name != "OriginateResponse":
            streams["responses"].append(comparable(m))
        elif name == "OriginateResponse":
            streams[f"originate:{m.get('ActionID')}"].append(comparable(m))
        elif name == "DeviceStateChange":
            streams[f"device:{m.get('Device')}"].append(comparable(m))
        elif name in ("BridgeCreate", "BridgeDestroy"):
            streams[f"bridge:{_call(m, bridges)}"].append(comparable(m))
        else:
            streams[f"{_call(m, bridges)}|{_role(m)}"].append(comparable(m))
    return streams


def _device_states(
    stream: list[list[tuple[str, str]]], concurrent: bool
) -> list[list[tuple[str, str]]]:
    # A device's state sums every call using it; with concurrent calls to one
    # number, which change reads INUSE depends on thread timing, so only count them.
    if concurrent:
        return [[pair for pair in m if pair[0] != "State"] for m in stream]
    return sorted(stream)


def differences(
    expected: list[WireMessage],
    actual: list[WireMessage],
    concurrent: bool = False,
    cut: bool = False,
) -> list[str]:
    """Each stream as recorded.

    ``cut``: the recording stopped while calls went on (no Logoff: the recorder closed
    the socket), so a stream may go on past its recorded end, never differ before it.
    """
    want, got = group(expected), group(actual)
    problems = []
    for key in sorted(set(want) | set(got)):
        a, b = want.get(key, []), got.get(key, [])
        if key.startswith("device:"):
            a, b = _device_states(a, concurrent), _device_states(b, concurrent)
        if key.startswith("list:"):
            a, b = sorted(a), sorted(b)
        (a, peers_a), (b, peers_b) = _peers_apart(a), _peers_apart(b)
        problems += _first_difference(key, a, b, cut)
        problems += _first_difference(f"{key} BRIDGEPEER", peers_a, peers_b, cut)
    return problems


def _first_difference(key: str, a: list[_Message], b: list[_Message], cut: bool) -> list[str]:
    if cut:
        b = b[: len(a)]
    for i in range(max(len(a), len(b))):
        left = a[i] if i < len(a) else None
        right = b[i] if i < len(b) else None
        if left != right:
            return [f"{key} #{i}:\n  recorded {left}\n  simulated {right}"]
    return []


def _peers_apart(stream: list[_Message]) -> tuple[list[_Message], list[_Message]]:
    """A channel's BRIDGEPEER values apart from its other events.

    Asterisk sets BRIDGEPEER again whenever a bridge's membership changes, from whichever
    bridge thread runs last: where it lands among the channel's events, and whether it is
    said twice, is thread timing (recordings 64 and 65 run the same steps and differ
    there). So the values are compared in order, a repeat counted once.
    """
    rest: list[_Message] = []
    peers: list[_Message] = []
    for message in stream:
        fields = dict(message)
        if fields.get("Event") != "VarSet" or fields.get("Variable") != "BRIDGEPEER":
            rest.append(message)
        elif not peers or peers[-1] != [("Value", fields.get("Value", ""))]:
            peers.append([("Value", fields.get("Value", ""))])
    return rest, peers


def was_cut(transcript: Transcript) -> bool:
    """Recorded until the recorder stopped listening, calls still going (no Logoff)."""
    said = [m.get("Action") for m in transcript.sent()]
    return "Login" in said and "Logoff" not in said
