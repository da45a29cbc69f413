"""Dialling ``Local/<number>@sim-persons``: the ;1/;2 pair and the person's dialplan."""

from __future__ import annotations

from telephony.results import CallResult
from telephony.sim import events as ev
from telephony.sim.call import Call
from telephony.sim.channels import Channel, event, lines
from telephony.sim.population import Outcome

# How long an answering machine records after its beep before it hangs up.
MACHINE_RECORDING_S = 30.0
# The answering machine's greeting: the lab PBX of the shared recordings played its own
# sound; the project's extensions-test.conf plays Asterisk's core sounds (recordings 58, 59).
LAB_MACHINE_GREETING = "sim/machine"
PROJECT_MACHINE_GREETING = "vm-intro&vm-intro"
# extensions-test.conf's machine: the greeting starts 0.9 s after the answer and lasts
# 11.3 s (twice vm-intro), then Wait(10) and the end of the extension (recording 58).
GREETING_START_S = 0.9
PROJECT_GREETING_S = 11.3
PROJECT_AFTER_GREETING_S = 10.0


def create_local_pair(call: Call, noop: str | None = None) -> tuple[Channel, Channel]:
    """The pair, up to the first step of ;2 (``noop``, by default the person's NoOp)."""
    one, two, frames = _open_pair(call)
    # Dial shows the whole string after Local/, options included (``0611000001@outbound/n``).
    target = call.req.dial_string.partition("/")[2]
    frames += [
        ev.local_bridge(one, two, not target.endswith("/n")),
        ev.dial_begin(None, one, target),
    ]
    text = call.behaviour.description if noop is None else noop
    frames.append(ev.newexten(two, "NoOp", text, 1))
    call.emit(*frames)
    return one, two


def person_noop(call: Call) -> str:
    """What ;2 shows first: the project's NoOp for a scripted number, else the lab's words."""
    config = call.pbx.config
    text = "" if config.lab_agents else config.plan.first_noop(call.where, call.number)
    return text or call.behaviour.description


def _open_pair(call: Call) -> tuple[Channel, Channel, list[str]]:
    """The ;1/;2 pair with the Originate's variables and caller ID, before ;2 runs."""
    req, pbx = call.req, call.pbx
    base = f"Local/{call.number}@{call.where}-{pbx.next_local_suffix()}"
    one = Channel(f"{base};1", req.channel_id, req.channel_id, call.where, call.number)
    other_id = req.other_channel_id or pbx.next_uniqueid()
    two = Channel(f"{base};2", other_id, req.channel_id, call.where, call.number, state=4)
    call.person, call.far = pbx.register(one), pbx.register(two)
    num, name = req.caller_num, req.caller_name
    frames = [
        ev.newchannel(one),
        ev.newchannel(two),
        ev.newexten(one, "AppDial2", "(Outgoing Line)"),
    ]
    frames += [ev.varset(one, k, v) for k, v in reversed(req.variables)]
    frames += [ev.newcallerid(one, num, name), ev.newconnectedline(one, num, name)]
    frames += [ev.varset(two, k, v) for k, v in req.variables]
    frames += [ev.newcallerid(two, num, name, (num, name)), ev.newconnectedline(two, num, name)]
    return one, two, frames


def originate_failure(call: Call, reason: int) -> str:
    """OriginateResponse of a call that never reached the dialplan."""
    return originate_response(call, "Failure", reason, call.req.dial_string)


def originate_response(call: Call, response: str, reason: int, channel: str) -> str:
    req = call.req
    tail = lines(
        ("ActionID", req.action_id),
        ("Response", response),
        ("Channel", channel),
        ("Context", req.context),
        ("Exten", req.exten),
        ("Reason", reason),
        ("Uniqueid", req.channel_id),
        ("CallerIDNum", req.caller_num),
        ("CallerIDName", req.caller_name),
    )
    return event("OriginateResponse", ev.CALL, tail)


def device(call: Call) -> str:
    return f"Local/{call.number}@{call.where}"


def reject_busy_or_congested(call: Call, one: Channel, two: Channel, busy: bool) -> None:
    app, status, reason, cause = (
        ("Busy", "BUSY", 5, 17) if busy else ("Congestion", "CONGESTION", 8, 34)
    )
    dev = device(call)
    call.emit(
        ev.newexten(two, app, "10", 2),
        ev.newstate(two, 7),
        ev.dial_end(None, one, status),
        # As recorded: a busy line shows in use, a congested one never does.
        ev.device_state(dev, "INUSE" if busy else "NOT_INUSE"),
        ev.hangup_request(two, 0),
        ev.soft_hangup_request(two, 16),
        originate_failure(call, reason),
        ev.hangup(two, cause),
        ev.hangup(one, 0),
        ev.device_state(dev, "NOT_INUSE"),
        ev.device_state(dev, "NOT_INUSE"),
    )
    call.end(CallResult.BUSY if busy else CallResult.CONGESTION, cause)


_HANGUP_RESULTS = {
    1: CallResult.INVALID_NUMBER,
    3: CallResult.NETWORK_FAILURE,
    41: CallResult.CONGESTION,
}


def reject_by_hangup(call: Call, one: Channel, two: Channel, cause: int) -> None:
    """Hangup(1) unallocated or Hangup(41) temporary failure in the person's dialplan."""
    dev = device(call)
    call.emit(
        ev.newexten(two, "Hangup", str(cause), 2),
        ev.soft_hangup_request(two, 16),
        ev.hangup_request(one, cause),
        ev.hangup(two, cause),
        ev.dial_end(None, one, "NOANSWER"),
        ev.hangup(one, cause),
        originate_failure(call, 0),
        ev.device_state(dev, "NOT_INUSE"),
        ev.device_state(dev, "NOT_INUSE"),
    )
    call.end(_HANGUP_RESULTS.get(cause, CallResult.FAILED), cause)


def start_ringing(call: Call, one: Channel, two: Channel, wait_s: float) -> None:
    call.emit(
        ev.newexten(two, "Ringing", "", 2),
        ev.newstate(one, 5),
        ev.newexten(two, "Wait", f"{wait_s:g}", 3),
        ev.dial_state(None, one, "RINGING"),
        ev.device_state(device(call), "INUSE"),
    )


def ring_timeout(call: Call, one: Channel, two: Channel) -> None:
    dev = device(call)
    call.emit(
        ev.hangup_request(two, 19),
        ev.soft_hangup_request(two, 16),
        originate_failure(call, 3),
        ev.hangup(one, 19),
        ev.hangup(two, 19),
        ev.device_state(dev, "NOT_INUSE"),
        ev.device_state(dev, "NOT_INUSE"),
    )
    call.end(CallResult.NO_ANSWER, 19)


def answer(call: Call, one: Channel, two: Channel, priority: int) -> None:
    """The person picks up; their talk runs from now on their own clock."""
    call.answered_at = call.loop.time()
    call.emit(
        ev.newexten(two, "Answer", "", priority),
        ev.newstate(two, 6),
        ev.newstate(one, 6),
        ev.dial_end(None, one, "ANSWER"),
        ev.device_state(device(call), "INUSE"),
        ev.device_state(device(call), "INUSE"),
    )
    schedule_person_dialplan(call, two, priority + 1)


def schedule_person_dialplan(call: Call, two: Channel, priority: int) -> None:
    b = call.behaviour
    if b.hello_s <= 0:
        call.emit_later(0.5, lambda: ev.newexten(two, "Wait", f"{b.talk_s:g}", priority))
        call.schedule_person_hangup(0.5 + b.talk_s)
        return
    machine = LAB_MACHINE_GREETING if call.pbx.config.lab_agents else PROJECT_MACHINE_GREETING
    sound = machine if b.outcome is Outcome.MACHINE else "sim/human"
    call.emit_later(0.5, lambda: ev.newexten(two, "Wait", f"{b.hello_s:g}", priority))
    call.emit_later(0.9, lambda: ev.newexten(two, "Playback", sound, priority + 1))
    if b.outcome is Outcome.MACHINE and call.pbx.config.lab_agents:
        # The greeting plays on (AMD decides long before it ends), then the beep and
        # the recording, which a machine cuts after a while.
        call.schedule_person_hangup(0.9 + b.talk_s + MACHINE_RECORDING_S)
        return
    if b.outcome is Outcome.MACHINE:
        greeting_end = GREETING_START_S + PROJECT_GREETING_S
        call.emit_later(
            greeting_end,
            lambda: (
                ev.varset(two, "PLAYBACKSTATUS", "SUCCESS")
                + ev.newexten(two, "Wait", f"{PROJECT_AFTER_GREETING_S:g}", priority + 2)
            ),
        )
        call.schedule_person_hangup(greeting_end + PROJECT_AFTER_GREETING_S)
        return
    playback_end = 0.9 + 4.9
    call.emit_later(
        playback_end,
        lambda: (
            ev.varset(two, "PLAYBACKSTATUS", "SUCCESS")
            + ev.newexten(two, "Wait", f"{b.talk_s:g}", priority + 2)
        ),
    )
    call.schedule_person_hangup(playback_end + b.talk_s)


def no_such_extension(call: Call) -> None:
    """``Local/<exten>@<context>`` that the dialplan lacks (files 47, 48).

    Asterisk builds the pair and copies the variables before ;2 finds nothing to
    run; both halves then hang up with cause 0 and the device reads INVALID.
    """
    one, two, frames = _open_pair(call)
    invalid = ev.device_state(device(call), "INVALID")
    frames += [originate_failure(call, 0), ev.hangup(two, 0), ev.hangup(one, 0)]
    call.emit(*frames, invalid, invalid)
    call.end(CallResult.NETWORK_FAILURE, 0)
