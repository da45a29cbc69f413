"""The ``dialer-connect`` contexts: tell the dialer, find the agent, bridge.

Predictive dialing chooses the agent after the answer: with AGENT empty the call
waits for ``Setvar AGENT`` and abandons after ``ABANDON_MS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telephony.results import CallResult
from telephony.sim import events as ev
from telephony.sim import hangups
from telephony.sim.call import Call
from telephony.sim.channels import Channel
from telephony.sim.local_leg import GREETING_START_S, PROJECT_GREETING_S, originate_response
from telephony.sim.population import Outcome

# How long AMD() listens before it decides, by whether a person answered (files 18, 19).
AMD_DECISION_S = {True: 2.3, False: 2.45}
# A machine's greeting after AMD decides, until the beep and the silence WaitForSilence
# waits for (population: a 12-s greeting), and the neutral dialer/machine-message as
# its French text lasts (asterisk/README.md).
MACHINE_BEEP_S = 12.0
SILENCE_HEARD_S = 1.5  # WaitForSilence(1500,…)
# How AMD judged the machine: the lab's greeting had words, Asterisk's core sounds
# make one long greeting (recordings 19 and 58, 59).
LAB_MACHINE_CAUSE = "MAXWORDS-3-2"
PROJECT_MACHINE_CAUSE = "LONGGREETING-1500-1500"
MACHINE_MESSAGE_S = 5.0  # the neutral message, spoken (asterisk/README.md)

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


# The dialplan's own check of AGENT before Dial (extensions.conf, [dialer-agent]).
AGENT_DIAL = re.compile(r"^(PJSIP/[A-Za-z0-9_.+-]+|Local/[A-Za-z0-9_.+-]+@[A-Za-z0-9_.-]+(/n)?)$")


@dataclass(frozen=True)
class AgentLine:
    """AGENT as Dial reads it: ``PJSIP/<endpoint>`` or ``Local/<exten>@<context>[/n]``."""

    dial_string: str
    tech: str
    resource: str
    context: str

    @property
    def device(self) -> str:
        if self.tech == "PJSIP":
            return f"PJSIP/{self.resource}"
        return f"Local/{self.resource}@{self.context}"


def agent_line(call: Call) -> AgentLine | None:
    """The agent's line if the dialplan would dial it and the PBX has it, else None.

    Asterisk's Dial fails at once (CHANUNAVAIL) on an endpoint pjsip.conf does not
    declare or an extension no context has; the dialplan then abandons the call.
    """
    text = call.agent()
    if call.pbx.config.lab_agents and text.isdigit():
        text = f"Local/{text}@sim-agents"
    if AGENT_DIAL.fullmatch(text) is None:
        return None
    tech, _, rest = text.partition("/")
    resource, _, where = rest.partition("@")
    context = where.partition("/")[0]
    plan = call.pbx.config.plan
    if tech == "PJSIP" and not call.pbx.config.knows_endpoint(resource):
        return None
    if tech == "Local" and not plan.has_extension(context, resource):
        return None
    return AgentLine(text, tech, resource, context)


def dial_data(call: Call, dial_string: str) -> str:
    """Dial's arguments: the project's [dialer-agent] adds ``t`` (the agent may start an
    attended transfer, features.conf); the lab PBX of the shared recordings did not."""
    options = "" if call.pbx.config.lab_agents else ",t"
    return f"{dial_string},15{options}"


def agent_unavailable(call: Call, one: Channel, priority: int) -> list[str]:
    """Dial returned at once: the agent's channel could not even be created."""
    frames = [ev.newexten(one, "Dial", dial_data(call, call.agent()), priority)]
    frames += [ev.varset(one, name, "") for name in DIAL_VARS]
    frames.append(ev.varset(one, "DIALSTATUS", "CHANUNAVAIL"))
    frames.append(ev.newexten(one, "GotoIf", "0?done", priority + 1))
    return frames


def dial_agent(call: Call, one: Channel, priority: int, line: AgentLine) -> None:
    """Dial(${AGENT},15,t): the virtual agent or the agent's phone answers at once."""
    call.dialed_at = call.loop.time()
    frames = [ev.newexten(one, "Dial", dial_data(call, line.dial_string), priority)]
    frames += [ev.varset(one, name, "") for name in DIAL_VARS]
    a1, a2 = _agent_legs(call, one, line)
    dial_string = f"{line.resource}@{line.context}" if line.tech == "Local" else line.resource
    frames += _agent_setup(one, a1, a2, dial_string)
    frames.append(ev.dial_begin(one, a1, dial_string))
    if a2 is not None:
        frames += [
            ev.newexten(a2, "NoOp", f"virtual agent {line.resource}", 1),
            ev.newexten(a2, "Answer", "", 2),
            ev.newstate(a2, 6),
        ]
    frames += [
        ev.device_state(line.device, "INUSE"),
        ev.newstate(a1, 6),
        ev.varset(one, "DIALSTATUS", "ANSWER"),
        ev.varset(one, "DIALEDPEERNAME", a1.name),
        ev.varset(one, "DIALEDPEERNUMBER", dial_string),
    ]
    a1.exten = ""
    frames += [ev.dial_end(one, a1, "ANSWER"), ev.device_state(line.device, "INUSE")]
    call.emit(*frames, *_bridge(call, one, a1))
    if a2 is not None:
        call.emit_later(0.5, lambda: ev.newexten(a2, "Wait", "30", 3))


def _agent_legs(call: Call, one: Channel, line: AgentLine) -> tuple[Channel, Channel | None]:
    """A Local agent is a ;1/;2 pair; a PJSIP phone is one channel."""
    pbx = call.pbx
    if line.tech == "PJSIP":
        name = f"PJSIP/{line.resource}-{pbx.next_sip_suffix()}"
        a1 = Channel(name, pbx.next_uniqueid(), one.linkedid, "agents-no-outbound", "s")
        call.agent1, call.agent2 = pbx.register(a1), None
        call.agent_device = line.device
        return a1, None
    base = f"Local/{line.resource}@{line.context}-{pbx.next_local_suffix()}"
    ext, ctx = line.resource, line.context
    a1 = Channel(f"{base};1", pbx.next_uniqueid(), one.linkedid, ctx, ext)
    a2 = Channel(f"{base};2", pbx.next_uniqueid(), one.linkedid, ctx, ext, state=4)
    call.agent1, call.agent2 = pbx.register(a1), pbx.register(a2)
    call.agent_device = line.device
    return a1, a2


def _agent_setup(one: Channel, a1: Channel, a2: Channel | None, dial_string: str) -> list[str]:
    num, name = one.cid_num, one.cid_name
    if a2 is None:
        a1.cid_num, a1.cid_name, a1.conn_num, a1.conn_name = a1.cid_num, name, num, name
        return [
            ev.newchannel(a1),
            ev.varset(a1, "DIALEDPEERNUMBER", dial_string),
            ev.newconnectedline(a1, num, name),
        ]
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


async def detect_machine(
    call: Call, one: Channel, priority: int, machine_priority: int, *, with_action: bool = False
) -> bool:
    """AMD() at ``priority``; True when a person goes on to an agent (files 18, 19).

    A machine is hung up at ``machine_priority``; a hangup while AMD listens ends the call.
    ``with_action``: the project's ``[dialer-connect-amd]``, whose ``machine`` label first
    reads MACHINE_ACTION and may leave the neutral message before hanging up.
    """
    human = call.behaviour.outcome is not Outcome.MACHINE
    call.emit(ev.newexten(one, "AMD", "", priority))
    if await call.pause(AMD_DECISION_S[human]):
        hangups.call_ends(call)
        return False
    call.emit(*_amd_result(call, one, human, priority + 1))
    if human:
        return True
    if with_action:
        await _machine_action(call, one, machine_priority)
    else:
        hangups.dialplan_hangs_up(call, machine_priority, CallResult.MACHINE)
    return False


async def _machine_action(call: Call, one: Channel, priority: int) -> None:
    """``machine``: Hangup(16), or wait for the beep and play dialer/machine-message first.

    Anything but the word ``message`` hangs up, as the dialplan's REGEX check does.
    """
    leave = call.req.variable("MACHINE_ACTION") == "message"
    data = f"{1 if leave else 0}?message"
    call.emit(ev.newexten(one, "GotoIf", data, priority))
    if not leave:
        hangups.dialplan_hangs_up(call, priority + 1, CallResult.MACHINE)
        return
    call.emit(ev.newexten(one, "Set", "CHANNEL(language)=fr", priority + 2))
    # A Local pair shares its language: both halves report « fr » from now on (recording 58).
    for channel in (one, call.far):
        if channel is not None:
            channel.language = "fr"
    call.emit(ev.newexten(one, "WaitForSilence", "1500,1,20", priority + 3))
    if await call.pause(_until_beep(call)):
        hangups.call_ends(call)
        return
    call.emit(
        ev.varset(one, "WAITSTATUS", "SILENCE"),
        ev.newexten(one, "Playback", "dialer/machine-message", priority + 4),
    )
    if await call.pause(MACHINE_MESSAGE_S):
        hangups.call_ends(call)
        return
    call.emit(ev.varset(one, "PLAYBACKSTATUS", "SUCCESS"))
    hangups.dialplan_hangs_up(call, priority + 5, CallResult.MACHINE, far_playing=False)


def _until_beep(call: Call) -> float:
    """Simulated seconds until WaitForSilence hears 1.5 s of silence after the greeting."""
    if call.pbx.config.lab_agents:
        return MACHINE_BEEP_S
    greeting_end = GREETING_START_S + PROJECT_GREETING_S
    elapsed = (call.loop.time() - call.answered_at) / max(call.pbx.config.time_factor, 1e-9)
    return max(0.0, greeting_end + SILENCE_HEARD_S - elapsed)


def _amd_result(call: Call, one: Channel, human: bool, priority: int) -> list[str]:
    machine = LAB_MACHINE_CAUSE if call.pbx.config.lab_agents else PROJECT_MACHINE_CAUSE
    status, cause = ("HUMAN", "HUMAN-800-800") if human else ("MACHINE", machine)
    data = f"DialerAMD,Attempt: {attempt(call)},Status: {status},Cause: {cause}"
    headers: list[tuple[str, object]] = [
        ("Attempt", attempt(call)),
        ("Status", status),
        ("Cause", cause),
    ]
    return [
        ev.varset(one, "AMDSTATUS", status),
        ev.varset(one, "AMDCAUSE", cause),
        ev.newexten(one, "UserEvent", data, priority),
        ev.user_event(one, "DialerAMD", headers),
        ev.newexten(one, "GotoIf", f"{0 if human else 1}?machine", priority + 1),
    ]


def abandon(call: Call, one: Channel, priority: int) -> list[str]:
    """Nobody to take the call: say so, then hang up (the 2-second rule)."""
    data = f"DialerAbandoned,Attempt: {attempt(call)}"
    return [
        ev.newexten(one, "UserEvent", data, priority),
        ev.user_event(one, "DialerAbandoned", [("Attempt", attempt(call))]),
        ev.newexten(one, "Playback", "sim/abandon-message", priority + 1),
    ]
