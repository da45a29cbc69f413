"""Dialling ``PJSIP/<number>@<endpoint>``: one channel, causes only in Hangup (files 40-46)."""

from __future__ import annotations

from telephony.results import CallResult
from telephony.sim import events as ev
from telephony.sim.call import Call
from telephony.sim.channels import Channel
from telephony.sim.local_leg import originate_failure
from telephony.sim.population import Outcome

# SIP final answer -> (Q.850 cause, SIP status, DialStatus)
REJECTIONS = {
    Outcome.BUSY: (17, 486, "BUSY"),
    Outcome.INVALID: (1, 404, "NOANSWER"),
    Outcome.CONGESTION: (34, 503, "CONGESTION"),
    Outcome.UNAVAILABLE: (19, 480, "NOANSWER"),
}
RESULTS = {
    Outcome.BUSY: CallResult.BUSY,
    Outcome.INVALID: CallResult.INVALID_NUMBER,
    Outcome.CONGESTION: CallResult.CONGESTION,
    Outcome.UNAVAILABLE: CallResult.FAILED,
}


def create_sip_channel(call: Call) -> Channel:
    req, pbx = call.req, call.pbx
    name = f"PJSIP/{call.where}-{pbx.next_sip_suffix()}"
    ch = pbx.register(Channel(name, req.channel_id, req.channel_id, "from-carrier", "s"))
    call.person = ch
    num, cname = req.caller_num, req.caller_name
    frames = [ev.newchannel(ch), ev.newexten(ch, "AppDial2", "(Outgoing Line)")]
    frames += [ev.varset(ch, k, v) for k, v in reversed(req.variables)]
    frames += [ev.newcallerid(ch, num, cname), ev.newconnectedline(ch, num, cname)]
    frames.append(ev.dial_begin(None, ch, f"{call.number}@{call.where}"))
    call.emit(*frames)
    return ch


def no_such_endpoint(call: Call) -> None:
    call.emit(originate_failure(call, 0))
    call.end(CallResult.NETWORK_FAILURE, 0)


def reject(call: Call, ch: Channel, outcome: Outcome) -> None:
    cause, sip, status = REJECTIONS[outcome]
    call.emit(
        ev.hangup_request(ch, cause, sip),
        ev.dial_end(None, ch, status),
        originate_failure(call, 0),
        ev.hangup(ch, cause, sip),
    )
    call.end(RESULTS[outcome], cause)


def start_ringing(call: Call, ch: Channel) -> None:
    call.emit(
        ev.newstate(ch, 5),
        ev.dial_state(None, ch, "RINGING"),
        ev.device_state(f"PJSIP/{call.where}", "RINGING"),
    )


def ring_timeout(call: Call, ch: Channel) -> None:
    call.emit(
        originate_failure(call, 3),
        ev.hangup(ch, 19, 480),
        ev.device_state(f"PJSIP/{call.where}", "NOT_INUSE"),
    )
    call.end(CallResult.NO_ANSWER, 19)


def answer(call: Call, ch: Channel) -> None:
    call.answered_at = call.loop.time()
    call.emit(ev.newstate(ch, 6), ev.dial_end(None, ch, "ANSWER"))
    call.schedule_person_hangup(call.behaviour.talk_s)
