"""The AMI actions of call control: hold, resume, transfer, supervision.

How each is done on Asterisk 22, chosen for a call that ``dialer-agent`` bridged with
``Dial()`` (the person's channel dialled the agent's):

- hold: ``Redirect`` of the person's channel to ``dialer-hold`` (music on hold) with the
  agent's as ``ExtraChannel`` to ``dialer-hold-agent`` (a dual redirect, so neither
  leg is hung up when the Dial bridge breaks);
- resume: ``Bridge`` of the two channels again;
- blind transfer: ``BlindTransfer`` of the agent's channel: its bridge peer (the
  person) goes to ``dialer-transfer,<exten>``;
- attended transfer: ``Atxfer`` on the agent's channel (Asterisk plays the
  ``atxfer`` feature code of ``asterisk/features.conf``, so the extension must be
  digits; the agent's Dial needs the ``t`` option): the person waits on music while
  the agent talks to the destination; ``CancelAtxfer`` takes the person back,
  ``Hangup`` of the agent's channel hands the person over;
- listen, whisper, barge and the agent's three-way call with the supervisor:
  ``Originate`` of the supervisor's phone into ``ChanSpy`` on the agent's channel
  (``q`` quiet, ``E`` leave when the spied channel hangs up, ``w`` whisper, ``B``
  barge: both parties hear the supervisor).

Every value is checked here, before any frame is built (no CR/LF, channel names of
the two shapes Asterisk gives, extensions of digits only).
"""

from __future__ import annotations

import re
from enum import StrEnum

from telephony.ami.frames import HeaderValue, check_agent_dial, check_e164, check_value
from telephony.ami.frames import UnsafeAmiValue as UnsafeAmiValue

HOLD_CONTEXT = "dialer-hold"
HOLD_AGENT_CONTEXT = "dialer-hold-agent"
TRANSFER_CONTEXT = "dialer-transfer"

# A channel as Asterisk names it: PJSIP/901-0000002a, Local/801@sim-agents-0000002b;1,
# or the dialer's own ChannelId (dialer-<attempt>), which Asterisk also resolves.
_CHANNEL = re.compile(
    r"PJSIP/[A-Za-z0-9_.+-]{1,40}-[0-9a-f]{8}"
    r"|Local/[A-Za-z0-9_.+-]{1,40}@[A-Za-z0-9_.-]{1,40}-[0-9a-f]{8};[12]"
    r"|dialer-[A-Za-z0-9_.-]{1,60}"
)
# Atxfer dials the extension as DTMF: digits only. E.164 destinations travel as
# 00 + digits (the dialplan puts the + back), endpoints as their digit names.
_EXTEN = re.compile(r"[0-9]{2,20}")


class SpyMode(StrEnum):
    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE = "barge"


SPY_OPTIONS = {SpyMode.LISTEN: "qE", SpyMode.WHISPER: "qEw", SpyMode.BARGE: "qEB"}


def check_channel_name(name: str) -> str:
    """A full channel name, never the dialer's ChannelId: AMI Bridge finds its channels by
    prefix, and dialer-1 also matches dialer-1-2 (the Local ;2) and dialer-10 (another
    person's call). Seen on Asterisk 22: the person's ;2 was bridged to the agent."""
    checked = check_channel(name)
    if checked.startswith("dialer-"):
        raise UnsafeAmiValue(f"a prefix-matched action needs a channel name, not {name!r}")
    return checked


def check_channel(name: str) -> str:
    if not isinstance(name, str) or _CHANNEL.fullmatch(name) is None:
        raise UnsafeAmiValue(f"not a channel name the dialer may act on: {name!r}")
    return check_value("Channel", name)


def transfer_exten(destination: str) -> str:
    """The ``dialer-transfer`` extension of a destination: ``+33...`` or an endpoint's digits."""
    exten = "00" + check_e164(destination)[1:] if destination.startswith("+") else destination
    if _EXTEN.fullmatch(exten) is None:
        raise UnsafeAmiValue(f"transfer destination is neither E.164 nor digits: {destination!r}")
    return exten


Headers = dict[str, HeaderValue]


def hold_headers(person: str, agent: str) -> Headers:
    return {
        "Action": "Redirect",
        "Channel": check_channel(person),
        "Context": HOLD_CONTEXT,
        "Exten": "s",
        "Priority": "1",
        "ExtraChannel": check_channel(agent),
        "ExtraContext": HOLD_AGENT_CONTEXT,
        "ExtraExten": "s",
        "ExtraPriority": "1",
    }


def resume_headers(person: str, agent: str) -> Headers:
    return {
        "Action": "Bridge",
        "Channel1": check_channel_name(person),
        "Channel2": check_channel_name(agent),
        "Tone": "no",
    }


def blind_transfer_headers(agent: str, destination: str) -> Headers:
    return {
        "Action": "BlindTransfer",
        "Channel": check_channel(agent),
        "Context": TRANSFER_CONTEXT,
        "Exten": transfer_exten(destination),
    }


def attended_transfer_headers(agent: str, destination: str) -> Headers:
    return {
        "Action": "Atxfer",
        "Channel": check_channel(agent),
        "Context": TRANSFER_CONTEXT,
        "Exten": transfer_exten(destination),
    }


def cancel_transfer_headers(agent: str) -> Headers:
    return {"Action": "CancelAtxfer", "Channel": check_channel(agent)}


def complete_transfer_headers(agent: str) -> Headers:
    """The agent leaves an attended transfer: Asterisk hands the person to the destination
    (the agent's phone hanging up does the same; features.conf, atxferdropcall = no)."""
    return {"Action": "Hangup", "Channel": check_channel(agent), "Cause": "16"}


def spy_headers(
    supervisor_phone: str, agent_channel: str, mode: SpyMode, request_id: str
) -> Headers:
    """Ring the supervisor's phone; once answered it spies on the agent's channel."""
    phone = check_agent_dial(supervisor_phone)
    target = check_channel(agent_channel)
    if "," in target or "," in request_id:
        raise UnsafeAmiValue("a ChanSpy argument contains a comma")
    return {
        "Action": "Originate",
        "Channel": phone,
        "Application": "ChanSpy",
        "Data": f"{target},{SPY_OPTIONS[mode]}",
        "CallerID": '"Supervision" <0000>',
        "Timeout": "30000",
        "ChannelId": check_value("ChannelId", f"spy-{request_id}"),
        "Async": "true",
    }


def channel_name(channels: list[dict[str, str]], uniqueid: str) -> str | None:
    """The name of the channel whose Uniqueid is exactly ``uniqueid`` (CoreShowChannels)."""
    return next((c["Channel"] for c in channels if c.get("Uniqueid") == uniqueid), None)


def bridge_peer(channels: list[dict[str, str]], channel: str) -> str | None:
    """The other channel of ``channel``'s bridge in a CoreShowChannels list, by name.

    ``channel`` may be a name or a Uniqueid (the dialer's ChannelId); None when it
    is in no bridge or alone in it.
    """
    mine = next((c for c in channels if channel in (c.get("Uniqueid"), c.get("Channel"))), None)
    bridge = mine.get("BridgeId", "") if mine is not None else ""
    if not bridge:
        return None
    peers = [
        c.get("Channel", "") for c in channels if c.get("BridgeId") == bridge and c is not mine
    ]
    return peers[0] if len(peers) == 1 and peers[0] else None
