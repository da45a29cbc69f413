"""Call control's pure rules: what a transfer destination may be, who may supervise."""

from __future__ import annotations

import pytest

from dialer.engine.callcontrol import journal
from dialer.engine.callcontrol.rules import (
    NOT_LISTED_FR,
    NOT_SUPERVISOR_FR,
    CallControlDenied,
    Destination,
    check_may_supervise,
    checked_label,
    checked_target,
    chosen_destination,
)
from telephony.ami.control import (
    SpyMode,
    UnsafeAmiValue,
    check_channel,
    complete_transfer_headers,
    spy_headers,
    transfer_exten,
)

LISTED = [Destination(1, "Superviseur", "905", "supervisor"),
          Destination(2, "CPAM : second niveau", "+33198765432", "fund")]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("+33 1 98 76 54 32", "+33198765432"), ("905", "905"), ("+590 690 12 34 56", "+590690123456")],
)
def test_targets_are_e164_or_endpoint_digits(typed: str, stored: str) -> None:
    assert checked_target(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["01 98 76 54 32", "+3319876543\r\nAction: Originate", "PJSIP/905", "+33", "9", "+999999999"],
)
def test_anything_else_is_refused_in_french(typed: str) -> None:
    with pytest.raises(CallControlDenied, match="Destination de transfert invalide"):
        checked_target(typed)


def test_label_without_line_breaks() -> None:
    assert checked_label("  Service  ") == "Service"
    with pytest.raises(CallControlDenied):
        checked_label("a\nb")


def test_only_a_listed_destination_is_chosen() -> None:
    assert chosen_destination(LISTED, 2).target == "+33198765432"
    for asked in (3, None):
        with pytest.raises(CallControlDenied) as refused:
            chosen_destination(LISTED, asked)
        assert str(refused.value) == NOT_LISTED_FR


def test_supervisor_only_on_enabled_campaigns() -> None:
    check_may_supervise([4, 7], 7)
    with pytest.raises(CallControlDenied) as refused:
        check_may_supervise([4], 7)
    assert str(refused.value) == NOT_SUPERVISOR_FR


def test_transfer_extension_is_digits_for_dtmf() -> None:
    assert transfer_exten("+33198765432") == "0033198765432"
    assert transfer_exten("905") == "905"
    for bad in ("+33 1", "9#", "905\r\n"):
        with pytest.raises(UnsafeAmiValue):
            transfer_exten(bad)


@pytest.mark.parametrize(
    "channel", ["PJSIP/901-0000002a", "Local/801@sim-agents-0000002b;1", "dialer-17"]
)
def test_channels_of_asterisk_shapes(channel: str) -> None:
    assert check_channel(channel) == channel


@pytest.mark.parametrize(
    "channel",
    ["PJSIP/901", "PJSIP/901-0000002a,qB", "dialer-1\r\nAction: Hangup", "SIP/1-00000001"],
)
def test_other_channels_never_reach_a_frame(channel: str) -> None:
    with pytest.raises(UnsafeAmiValue):
        check_channel(channel)
    with pytest.raises(UnsafeAmiValue):
        spy_headers("PJSIP/905", channel, SpyMode.LISTEN, "r")
    with pytest.raises(UnsafeAmiValue):
        complete_transfer_headers(channel)


def test_completing_an_attended_transfer_hangs_up_the_agent_channel_only() -> None:
    agent = "Local/801@sim-agents-0000006d;1"
    assert complete_transfer_headers(agent) == {
        "Action": "Hangup", "Channel": agent, "Cause": "16",
    }  # fmt: skip


def test_spy_originates_the_supervisor_phone_into_chanspy() -> None:
    headers = spy_headers("PJSIP/905", "PJSIP/901-0000002a", SpyMode.WHISPER, "r1")
    assert headers["Channel"] == "PJSIP/905"
    assert (headers["Application"], headers["Data"]) == ("ChanSpy", "PJSIP/901-0000002a,qEw")
    with pytest.raises(UnsafeAmiValue):
        spy_headers("PJSIP/905&PJSIP/906", "PJSIP/901-0000002a", SpyMode.BARGE, "r2")


def test_the_consultation_under_way_is_the_last_attended_transfer_not_ended() -> None:
    attended, cancel, complete = ("attended_transfer", "cancel_transfer", "complete_transfer")
    assert journal.consulted_label([]) is None
    assert journal.consulted_label([("hold", None), ("resume", None)]) is None
    assert journal.consulted_label([(attended, "CPAM")]) == "CPAM"
    assert journal.consulted_label([(attended, "CPAM"), (cancel, None)]) is None
    assert journal.consulted_label([(attended, "CPAM"), (complete, "CPAM")]) is None
    again = [(attended, "CPAM"), (cancel, None), (attended, "Superviseur")]
    assert journal.consulted_label(again) == "Superviseur"
    # A blind transfer never opens a consultation.
    assert journal.consulted_label([("blind_transfer", "CPAM")]) is None
