"""The project's connect contexts (asterisk/extensions.conf), step by step (files 51-54).

``[dialer-connect]`` announces the answer and goes to ``[dialer-agent]``, which
polls AGENT every 100 ms, checks it with a REGEX, dials it and, failing that,
plays the apology in ``abandon``. Each step is a Newexten the dialer's AMI user
sees, so they are emitted one by one, with the values Asterisk shows.
"""

from __future__ import annotations

import math

from telephony.results import CallResult
from telephony.sim import connect, hangups
from telephony.sim import events as ev
from telephony.sim.call import Call
from telephony.sim.channels import Channel

AGENT_CONTEXT = "dialer-agent"
POLL_S = 0.1
# dialer/abandon-message in French, as played by the recorded PBX (files 51, 52).
ABANDON_MESSAGE_S = 7.9


async def connect_person(call: Call, one: Channel) -> None:
    """After NoOp(attempt): ``[dialer-connect]`` or ``[dialer-connect-amd]``, then the agent."""
    if not call.req.context.endswith("-amd"):
        connect.announce_answer(call, one, 2)
        _note_answer(call, one, 3)
        call.emit(ev.newexten(one, "Goto", f"{AGENT_CONTEXT},s,1", 4))
    else:
        # The answer is noted before AMD: its seconds count against ABANDON_MS.
        _note_answer(call, one, 2)
        if not await connect.detect_machine(call, one, 3, 8, with_action=True):
            return
        connect.announce_answer(call, one, 6)
        call.emit(ev.newexten(one, "Goto", f"{AGENT_CONTEXT},s,1", 7))
    await find_agent(call, one)


def _note_answer(call: Call, one: Channel, priority: int) -> None:
    """Set(ANSWERED_AT_MS=${STRFTIME(,,%s%3q)}): the start of the abandon clock."""
    call.connected_at = call.loop.time()
    stamp = str(int(call.pbx.now().timestamp() * 1000))
    call.emit(
        ev.newexten(one, "Set", f"ANSWERED_AT_MS={stamp}", priority),
        ev.varset(one, "ANSWERED_AT_MS", stamp),
    )


async def find_agent(call: Call, one: Channel) -> None:
    """``[dialer-agent]``: wait for AGENT, check it, dial it, or abandon."""
    one.context, one.exten = AGENT_CONTEXT, "s"
    abandon_ms = _abandon_ms(call, one)
    call.emit(
        ev.newexten(one, "Set", f"ABANDON_MS={abandon_ms}", 1),
        ev.varset(one, "ABANDON_MS", str(abandon_ms)),
    )
    found = await _poll(call, one, abandon_ms / 1000)
    if found is None:
        hangups.call_ends(call)
    elif not found:
        await abandon(call, one)
    else:
        await _dial(call, one)


def _abandon_ms(call: Call, one: Channel) -> int:
    # The channel's value, which a Setvar may have changed since the Originate;
    # anything but digits falls back to the dialplan's own default (the 2-second rule).
    text = one.variables.get("ABANDON_MS", "")
    default = call.pbx.config.plan.globals.get("DEFAULT_ABANDON_MS", "2000")
    return int(text if text.isdigit() else default)


async def _poll(call: Call, one: Channel, abandon_s: float) -> bool | None:
    """True once AGENT is set, False when ABANDON_MS has passed, None on hangup."""
    deadline = call.connected_at + _stretched(call, abandon_s, abandon_s)
    while True:
        if call.agent():
            call.emit(ev.newexten(one, "GotoIf", "1?dial", 2))
            return True
        late = call.loop.time() >= deadline
        call.emit(
            ev.newexten(one, "GotoIf", "0?dial", 2),
            ev.newexten(one, "GotoIf", f"{int(late)}?abandon,1", 3),
        )
        if late:
            return False
        call.emit(ev.newexten(one, "Wait", f"{POLL_S:g}", 4))
        if await call.poll_wait(_stretched(call, POLL_S, abandon_s)):
            return None
        call.emit(ev.newexten(one, "Goto", "poll", 5))


def _stretched(call: Call, simulated_s: float, abandon_s: float) -> float:
    """Real seconds for a part of the wait, ``min_agent_wait_real_s`` spread over it.

    Spread rather than added to each poll: an abandoned call still polls about
    ABANDON_MS / 100 times, however fast the simulated day runs.
    """
    floor = call.pbx.config.min_agent_wait_real_s
    share = floor * min(1.0, simulated_s / abandon_s) if abandon_s > 0 else floor
    return max(call.pbx.scaled(simulated_s), share)


async def _dial(call: Call, one: Channel) -> None:
    # The REGEX guard: only a whole PJSIP/ or Local/ dial string reaches Dial.
    allowed = connect.AGENT_DIAL.fullmatch(call.agent()) is not None
    call.emit(ev.newexten(one, "GotoIf", f"{int(allowed)}?:abandon,1", 6))
    if not allowed:
        await abandon(call, one)
        return
    line = connect.agent_line(call)
    if line is None:
        # Asterisk could not create the agent's channel: Dial returns CHANUNAVAIL at once.
        call.emit(*connect.agent_unavailable(call, one, 7))
        call.emit(ev.newexten(one, "Goto", "abandon,1", 9))
        await abandon(call, one)
        return
    connect.dial_agent(call, one, 7, line)
    await call.pause(math.inf)
    # A blind transfer may have ended the person's side already, in its dialplan.
    if not call.finished:
        hangups.call_ends(call)


async def abandon(call: Call, one: Channel) -> None:
    """``abandon``: tell the dialer, apologise in French, hang up."""
    one.exten = "abandon"
    data = f"DialerAbandoned,Attempt: {connect.attempt(call)}"
    call.emit(
        ev.newexten(one, "UserEvent", data, 1),
        ev.user_event(one, "DialerAbandoned", [("Attempt", connect.attempt(call))]),
        ev.newexten(one, "Set", "CHANNEL(language)=fr", 2),
    )
    # As recorded, both halves of a Local pair speak French from now on.
    for ch in (one, call.far):
        if ch is not None:
            ch.language = "fr"
    call.emit(ev.newexten(one, "Playback", "dialer/abandon-message", 3))
    if await call.pause(ABANDON_MESSAGE_S):
        hangups.call_ends(call)
        return
    call.emit(ev.varset(one, "PLAYBACKSTATUS", "SUCCESS"))
    hangups.dialplan_hangs_up(call, 4, CallResult.ABANDONED, far_playing=False)
