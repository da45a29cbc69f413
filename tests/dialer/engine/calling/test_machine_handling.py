"""Answering-machine handling and the « Répondeur / pas la bonne personne » outcome (pure)."""

from __future__ import annotations

from datetime import datetime

import pytest

from dialer.campaigns.policies import CallingPolicy, RetryPolicy
from dialer.campaigns.selection import Claim
from dialer.core.errors import DomainError
from dialer.engine.calling.dialing import DialConfig, PlacedCall, originate_request
from dialer.engine.calling.outcome_input import OutcomeInput, check_outcome
from dialer.engine.calling.outcomes import contact_after_outcome
from dialer.engine.calling.snapshot import DialTarget
from dialer.engine.pacing import PacingParams
from telephony.ami.client import OriginateRequest, originate_headers
from telephony.ami.frames import DialTemplate, UnsafeAmiValue

NOW = datetime(2026, 12, 1, 10, 0)
DIAL = DialTemplate("Local/{national}@sim-persons")
CLAIM = Claim(1, 1, 1, None, 42, "+33612340001", "metro", "Europe/Paris")


def target(machine: str) -> DialTarget:
    return DialTarget(1, None, PacingParams(), CallingPolicy(), "+33162000000", machine=machine)


@pytest.mark.parametrize(
    ("machine", "context", "variable"),
    [
        ("off", "dialer-connect", None),
        ("hangup", "dialer-connect-amd", "MACHINE_ACTION=hangup"),
        ("message", "dialer-connect-amd", "MACHINE_ACTION=message"),
        ("unknown", "dialer-connect", None),  # never detect on a value nobody chose
    ],
)
def test_the_campaigns_handling_chooses_the_context_and_the_variable(
    machine: str, context: str, variable: str | None
) -> None:
    request = originate_request(target(machine), PlacedCall(CLAIM, None), DialConfig(DIAL, "w"))
    headers = originate_headers(request, "a-1")
    assert headers["Context"] == context
    machine_vars = [v for v in headers["Variable"] if v.startswith("MACHINE_ACTION=")]
    assert machine_vars == ([variable] if variable else [])


@pytest.mark.parametrize("hostile", ["Message", "hangup,AGENT=PJSIP/999", "message\r\nAction: x"])
def test_an_unknown_machine_action_never_reaches_a_frame(hostile: str) -> None:
    request = OriginateRequest("1", "+33612340001", DIAL, "+33162000000", machine_action=hostile)
    with pytest.raises(UnsafeAmiValue):
        originate_headers(request, "a-1")


def test_not_reached_is_retried_as_a_machine_and_stands_alone() -> None:
    checked = check_outcome(OutcomeInput(not_reached=True), "Europe/Paris", NOW)
    assert checked.not_reached and checked.interview is None
    progress = contact_after_outcome(checked, {}, RetryPolicy(), NOW)
    assert progress.status == "pending" and progress.retry_counts == {"machine": 1}
    assert progress.next_attempt_at is not None and progress.next_attempt_at > NOW
    # Twice more and the machine rule's retries are spent.
    done = contact_after_outcome(checked, {"machine": 2}, RetryPolicy(), NOW)
    assert (done.status, done.done_reason) == ("done", "retries_exhausted")
    for contradiction in (
        OutcomeInput(not_reached=True, interview="accepted"),
        OutcomeInput(not_reached=True, wrong_person=True),
        OutcomeInput(not_reached=True, consent_changes={"call": "opt_out"}),
    ):
        with pytest.raises(DomainError, match="Répondeur"):
            check_outcome(contradiction, "Europe/Paris", NOW)
