"""Updates heard together are stored together; a bad one costs only itself, counted once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.selection import claim_contacts
from dialer.contacts.people.models import CampaignContact
from dialer.engine.calling import recorder as recorder_module
from dialer.engine.calling.recorder import CallRecorder
from telephony.ami.updates import CallUpdate
from telephony.results import CallResult, CallState
from tests.dialer.engine.calling.conftest import FakeClock, add_people, make_campaign, rows

RINGING = CallUpdate(
    attempt_id="0", channel_id="", state=CallState.RINGING, result=None, reason="", cause="",
    tech_cause="", amd_status="", amd_cause="", waiting_for_agent=False, agent="",
    created_at=1_800_000_000.0, answered_at=None, connected_at=None, ended_at=None, at=0.0,
)  # fmt: skip


def ended(update: CallUpdate, result: CallResult) -> CallUpdate:
    return replace(update, state=CallState.ENDED, result=result, ended_at=1_800_000_030.0)


def placed(engine: Engine, clock: FakeClock, count: int) -> list[CallUpdate]:
    campaign = make_campaign(engine)
    add_people(engine, campaign, [f"+3361234000{n}" for n in range(count)])
    claims = claim_contacts(engine, campaign, "worker-test", count, clock.now)
    return [
        replace(RINGING, attempt_id=str(c.attempt_id), channel_id=f"dialer-{c.attempt_id}")
        for c in claims
    ]


def test_a_calls_updates_in_one_batch_end_as_they_would_one_by_one(
    engine: Engine, clock: FakeClock
) -> None:
    counted: list[tuple[int, str]] = []
    recorder = CallRecorder(engine, clock, on_result=lambda c, r: counted.append((c, r)))
    [ringing] = placed(engine, clock, 1)
    recorded = recorder.apply_all([ringing, ended(ringing, CallResult.NO_ANSWER)])
    assert [r.ended if r else None for r in recorded] == [False, True]
    [attempt] = rows(engine, CallAttempt)
    assert (attempt.state, attempt.result) == ("ended", "no_answer")
    assert attempt.channel_id == ringing.channel_id
    [contact] = rows(engine, CampaignContact)
    assert contact.last_result == "no_answer" and contact.lease_owner is None
    assert [result for _, result in counted] == ["no_answer"]


def test_a_bad_update_in_a_batch_costs_only_itself_and_nothing_is_counted_twice(
    engine: Engine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[str] = []
    recorder = CallRecorder(engine, clock, on_result=lambda c, r: counted.append(r))
    first, bad, last = placed(engine, clock, 3)
    is_current = recorder_module._is_current

    def failing(session, contact, attempt):  # type: ignore[no-untyped-def]
        if str(attempt.id) == bad.attempt_id:
            raise RuntimeError("the database refused this row")
        return is_current(session, contact, attempt)

    monkeypatch.setattr(recorder_module, "_is_current", failing)
    recorded = recorder.apply_all(
        [ended(first, CallResult.BUSY), ended(bad, CallResult.BUSY), ended(last, CallResult.BUSY)]
    )
    assert [r is not None for r in recorded] == [True, False, True]
    results = {str(a.id): a.result for a in rows(engine, CallAttempt)}
    assert results == {first.attempt_id: "busy", bad.attempt_id: None, last.attempt_id: "busy"}
    # The failed batch was rolled back and stored again alone: each call counted once.
    assert counted == ["busy", "busy"]
