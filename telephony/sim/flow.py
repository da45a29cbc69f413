"""The life of one call, from Originate to the last Hangup."""

from __future__ import annotations

from collections.abc import Callable

from telephony.results import CallResult
from telephony.sim import agent_plan, connect, hangups, local_leg, outbound, pjsip_leg
from telephony.sim import events as ev
from telephony.sim.call import Call
from telephony.sim.channels import Channel
from telephony.sim.population import Outcome

# Where asterisk/ sends calls to the carrier: the trunk endpoint and the context
# that dials it (DIALER_DIAL_TEMPLATE PJSIP/{e164}@trunk or Local/{national}@outbound/n).
CARRIER_TRUNK = "trunk"
CARRIER_CONTEXT = "outbound"
ABANDON_MESSAGE_S = 2.0


async def run_call(call: Call) -> None:
    try:
        if call.req.tech == "PJSIP":
            await _run_pjsip(call)
        else:
            await _run_local(call)
    finally:
        if not call.finished:
            call.end(CallResult.ENDED_WHILE_DISCONNECTED, 16)


async def _run_local(call: Call) -> None:
    if not call.pbx.config.plan.has_extension(call.where, call.number):
        local_leg.no_such_extension(call)
        return
    if call.where == CARRIER_CONTEXT and call.pbx.faults.trunk_down:
        one, two = local_leg.create_local_pair(call, noop=outbound.first_step(call))
        outbound.trunk_unreachable(call, one, two, CARRIER_TRUNK)
        return
    one, two = local_leg.create_local_pair(call, noop=local_leg.person_noop(call))
    b = call.behaviour
    if b.outcome in (Outcome.BUSY, Outcome.CONGESTION):
        local_leg.reject_busy_or_congested(call, one, two, b.outcome is Outcome.BUSY)
        return
    if b.outcome in (Outcome.INVALID, Outcome.UNAVAILABLE):
        local_leg.reject_by_hangup(call, one, two, 1 if b.outcome is Outcome.INVALID else 41)
        return
    priority = 2
    if b.outcome is Outcome.NO_ANSWER or b.ring_s > 0:
        local_leg.start_ringing(call, one, two, b.ring_s)
        if not await _ring(call, one, lambda: local_leg.ring_timeout(call, one, two)):
            return
        priority = 4
    local_leg.answer(call, one, two, priority)
    await _connect(call, one)


async def _run_pjsip(call: Call) -> None:
    trunk_down = call.where == CARRIER_TRUNK and call.pbx.faults.trunk_down
    if trunk_down or not call.pbx.config.knows_endpoint(call.where):
        pjsip_leg.no_such_endpoint(call)
        return
    ch = pjsip_leg.create_sip_channel(call)
    b = call.behaviour
    if b.outcome in pjsip_leg.REJECTIONS:
        if await call.pause(0.001):
            _cancel_ringing(call, ch)
            return
        pjsip_leg.reject(call, ch, b.outcome)
        return
    pjsip_leg.start_ringing(call, ch)
    if not await _ring(call, ch, lambda: pjsip_leg.ring_timeout(call, ch)):
        return
    pjsip_leg.answer(call, ch)
    await _connect(call, ch, device=f"PJSIP/{call.where}")


async def _ring(call: Call, one: Channel, on_timeout: Callable[[], None]) -> bool:
    """Ring until the person answers; False when the call ended while ringing."""
    b = call.behaviour
    timeout_s = call.req.timeout_ms / 1000
    never = b.outcome is Outcome.NO_ANSWER or b.ring_s >= timeout_s
    if await call.pause(timeout_s if never else b.ring_s):
        _cancel_ringing(call, one)
        return False
    if never:
        on_timeout()
        return False
    return True


def _cancel_ringing(call: Call, one: Channel) -> None:
    """The dialer hung up a call still ringing (not recorded; Asterisk's usual shape)."""
    frames = [ev.soft_hangup_request(one, 16), ev.dial_end(None, one, "CANCEL")]
    frames.append(local_leg.originate_failure(call, 1))
    if call.far is not None:
        frames += [ev.hangup_request(call.far, 16), ev.hangup(call.far, 16)]
    frames.append(ev.hangup(one, 16))
    call.emit(*frames)
    call.end(CallResult.NO_ANSWER, 16)


async def _connect(call: Call, one: Channel, device: str = "") -> None:
    connect.enter_connect(call, one, with_response=True)
    if device:
        call.emit(ev.device_state(device, "INUSE"))
    if call.pbx.config.lab_agents:
        await _connect_lab(call, one)
    else:
        await agent_plan.connect_person(call, one)


async def _connect_lab(call: Call, one: Channel) -> None:
    """The lab's connect contexts (shared recordings 10-20): Dial straight after the answer."""
    priority = 2
    if call.req.context.endswith("-amd"):
        if not await connect.detect_machine(call, one, 2, 8):
            return
        priority = 5
    connect.announce_answer(call, one, priority)
    if not await _find_agent(call, one, priority + 1):
        return
    line = connect.agent_line(call)
    if line is None:
        # Asterisk could not create the agent's channel: the person hears the apology.
        call.emit(*connect.agent_unavailable(call, one, priority + 1))
        await _abandon(call, one, priority + 3)
        return
    connect.dial_agent(call, one, priority + 1, line)
    await call.pause(float("inf"))
    if not call.finished:
        hangups.call_ends(call)


async def _find_agent(call: Call, one: Channel, priority: int) -> bool:
    if call.agent():
        return True
    if await call.wait_for_agent(connect.abandon_ms(call) / 1000):
        return True
    if call.interrupted:
        hangups.call_ends(call)
        return False
    await _abandon(call, one, priority)
    return False


async def _abandon(call: Call, one: Channel, priority: int) -> None:
    call.emit(*connect.abandon(call, one, priority))
    if await call.pause(ABANDON_MESSAGE_S):
        hangups.call_ends(call)
        return
    hangups.dialplan_hangs_up(call, priority + 2, CallResult.ABANDONED)
