"""The call state machine on hand-made event sequences (no I/O)."""

from __future__ import annotations

import itertools

from telephony.ami.calls import CallTracker
from telephony.ami.classify import classify_unanswered
from telephony.ami.updates import CallUpdate
from telephony.results import CallResult, CallState


def tracker_with_call(agent: str = "") -> CallTracker:
    ticks = itertools.count(1)
    tracker = CallTracker(clock=lambda: float(next(ticks)))
    tracker.track("a1", "dialer-a1", "dialer-a1-2", "o-a1", agent)
    return tracker


def ev(name: str, uniqueid: str = "dialer-a1", **headers: str) -> dict[str, str]:
    return {"Event": name, "Uniqueid": uniqueid, "Linkedid": "dialer-a1", **headers}


def feed(tracker: CallTracker, *events: dict[str, str]) -> list[CallUpdate]:
    return [u for e in events if (u := tracker.feed(e)) is not None]


def answered_events() -> list[dict[str, str]]:
    return [
        ev("Newchannel"),
        ev("Newchannel", "dialer-a1-2"),
        ev("Newstate", ChannelStateDesc="Up"),
        ev("OriginateResponse", ActionID="o-a1", Response="Success", Reason="4"),
        ev("UserEvent", UserEvent="DialerAnswered", Attempt="a1"),
    ]


def test_predictive_answer_is_visible_as_waiting_for_agent_until_bridged() -> None:
    tracker = tracker_with_call(agent="")
    updates = feed(tracker, *answered_events())
    assert updates[-1].waiting_for_agent and updates[-1].state is CallState.ANSWERED
    tracker.set_agent("dialer-a1", "905")
    bridged = feed(tracker, ev("BridgeEnter"))
    assert bridged[0].state is CallState.CONNECTED and not bridged[0].waiting_for_agent
    assert bridged[0].agent == "905"


def test_no_agent_in_time_is_abandoned() -> None:
    tracker = tracker_with_call(agent="")
    feed(tracker, *answered_events())
    updates = feed(
        tracker,
        ev("UserEvent", UserEvent="DialerAbandoned", Attempt="a1"),
        ev("Hangup", "dialer-a1-2", Cause="16"),
        ev("Hangup", Cause="16"),
    )
    assert updates[-1].result is CallResult.ABANDONED
    assert not updates[-1].waiting_for_agent


def test_machine_detected_by_amd() -> None:
    tracker = tracker_with_call(agent="901")
    feed(tracker, *answered_events()[:4])
    updates = feed(
        tracker,
        ev("UserEvent", UserEvent="DialerAMD", Status="MACHINE", Cause="MAXWORDS-3-2"),
        ev("Hangup", Cause="16"),
    )
    assert updates[0].amd_status == "MACHINE"
    assert updates[-1].result is CallResult.MACHINE


def test_agent_leg_hangup_does_not_end_the_call() -> None:
    tracker = tracker_with_call(agent="901")
    feed(tracker, *answered_events())
    assert feed(tracker, ev("Hangup", "1795621356.84", Cause="16")) == []
    assert tracker.get("dialer-a1") is not None


def test_unknown_endpoint_is_a_network_failure_at_once() -> None:
    tracker = tracker_with_call()
    updates = feed(
        tracker, ev("OriginateResponse", ActionID="o-a1", Response="Failure", Reason="0")
    )
    assert updates[-1].result is CallResult.NETWORK_FAILURE and len(tracker) == 0


def test_sip_rejection_waits_for_the_hangup_cause() -> None:
    tracker = tracker_with_call()
    updates = feed(
        tracker,
        ev("Newchannel"),
        ev("OriginateResponse", ActionID="o-a1", Response="Failure", Reason="0"),
    )
    assert updates == [], "a Reason 0 failure is not final while the channel lives"
    final = feed(tracker, ev("Hangup", Cause="17", TechCause="486"))
    assert final[0].result is CallResult.BUSY and final[0].tech_cause == "486"


def local_half_hung_up(tracker: CallTracker) -> list[CallUpdate]:
    """A Local pair whose ;1 hung up with cause 0: the real cause is ;2's, still to come."""
    return feed(
        tracker,
        ev("Newchannel"),
        ev("Newchannel", "dialer-a1-2"),
        ev("OriginateResponse", ActionID="o-a1", Response="Failure", Reason="0"),
        ev("Hangup", Cause="0"),
    )


def test_local_pair_waits_for_the_second_half_cause() -> None:
    tracker = tracker_with_call()
    assert local_half_hung_up(tracker) == []
    final = feed(tracker, ev("Hangup", "dialer-a1-2", Cause="1"))
    assert final[0].result is CallResult.INVALID_NUMBER


def test_reconcile_closes_only_calls_gone_from_the_pbx() -> None:
    tracker = tracker_with_call()
    tracker.track("a2", "dialer-a2", "dialer-a2-2", "o-a2", "")
    tracked = tracker.open_channel_ids()
    closed = tracker.close_missing(tracked, live={"dialer-a2"})
    assert [(u.attempt_id, u.result) for u in closed] == [
        ("a1", CallResult.ENDED_WHILE_DISCONNECTED)
    ]
    assert tracker.get("dialer-a2") is not None and tracker.get("dialer-a1") is None


def test_a_call_that_outlived_a_reconnect_ends_on_its_hangup_alone() -> None:
    tracker = tracker_with_call(agent="901")
    feed(tracker, ev("Newchannel"))
    # The answer and the OriginateResponse were said while AMI was down.
    tracker.mark_events_missed(tracker.open_channel_ids())
    final = feed(tracker, ev("Hangup", Cause="16"))
    assert len(final) == 1 and final[0].state is CallState.ENDED
    assert len(tracker) == 0


def test_without_a_reconnect_a_hangup_still_waits_for_the_response() -> None:
    tracker = tracker_with_call()
    assert feed(tracker, ev("Newchannel"), ev("Hangup", Cause="17")) == []
    assert tracker.get("dialer-a1") is not None


def test_a_hung_up_call_whose_explanation_never_comes_is_finished_on_demand() -> None:
    tracker = tracker_with_call()
    assert local_half_hung_up(tracker) == []
    update = tracker.finish_hung_up("dialer-a1")
    assert update is not None and update.result is CallResult.FAILED
    assert tracker.finish_hung_up("dialer-a1") is None, "closed once only"


def test_a_call_still_up_is_never_finished_on_demand() -> None:
    tracker = tracker_with_call()
    feed(tracker, ev("Newchannel"))
    assert tracker.finish_hung_up("dialer-a1") is None
    assert tracker.get("dialer-a1") is not None


def test_cause_decides_before_reason() -> None:
    assert classify_unanswered("0", "17", "") is CallResult.BUSY
    assert classify_unanswered("5", "0", "17") is CallResult.BUSY
    assert classify_unanswered("8", "0", "") is CallResult.CONGESTION
    assert classify_unanswered("0", "21", "") is CallResult.BUSY
    assert classify_unanswered("0", "16", "") is CallResult.FAILED
    assert classify_unanswered("3", "16", "") is CallResult.NO_ANSWER
