"""The seeded population: rates, determinism, number forms, and the same over the wire."""

from __future__ import annotations

from collections import Counter

from telephony.sim import Outcome, PbxSimulator, PopulationModel
from telephony.transcripts import WireMessage

from .conftest import originate
from .rawclient import RawClient

MODEL = PopulationModel(busy=0.1, no_answer=0.2, congestion=0.05, invalid=0.05, machine=0.1)


def _numbers(count: int) -> list[str]:
    return [f"06{20000000 + i * 7919:08d}" for i in range(count)]


def test_outcome_rates_follow_the_model() -> None:
    outcomes = Counter(MODEL.behaviour(3, n, 0).outcome for n in _numbers(4000))
    share = {outcome: outcomes[outcome] / 4000 for outcome in Outcome}
    assert 0.08 < share[Outcome.BUSY] < 0.12
    assert 0.17 < share[Outcome.NO_ANSWER] < 0.23
    assert 0.03 < share[Outcome.CONGESTION] < 0.07
    assert 0.03 < share[Outcome.INVALID] < 0.07
    assert 0.08 < share[Outcome.MACHINE] < 0.12
    assert 0.46 < share[Outcome.ANSWER] < 0.54


def test_time_distributions_stay_in_bounds() -> None:
    answered = [
        b for b in (MODEL.behaviour(3, n, 0) for n in _numbers(2000)) if b.outcome is Outcome.ANSWER
    ]
    talks = [b.talk_s for b in answered]
    rings = [b.ring_s for b in answered]
    assert min(talks) >= MODEL.talk_min_s and max(talks) <= MODEL.talk_max_s
    assert max(rings) <= MODEL.ring_max_s
    assert 60 < sum(talks) / len(talks) < 120  # mean 90 s, clipped


def test_same_seed_number_and_attempt_give_the_same_behaviour() -> None:
    number = "0622334455"
    assert MODEL.behaviour(1, number, 2) == MODEL.behaviour(1, number, 2)
    assert MODEL.behaviour(1, number, 2) == MODEL.behaviour(1, "+33622334455", 2)
    by_attempt = {MODEL.behaviour(1, number, nth) for nth in range(30)}
    by_seed = {MODEL.behaviour(seed, number, 0) for seed in range(30)}
    assert len(by_attempt) > 1 and len(by_seed) > 1


def test_recorded_numbers_keep_their_recorded_behaviour() -> None:
    assert MODEL.behaviour(9, "0611000002", 5).outcome is Outcome.BUSY
    assert MODEL.behaviour(9, "+33611000010", 0).outcome is Outcome.MACHINE


async def test_many_calls_over_the_wire_all_end(sim: PbxSimulator, client: RawClient) -> None:
    sim.config.time_factor = 0.0005
    numbers = _numbers(120)
    for i, number in enumerate(numbers):
        originate(client, f"m{i}", f"Local/{number}@sim-persons")
    answered: set[str | None] = set()

    def all_answered(message: WireMessage) -> bool:
        if message.get("Event") == "OriginateResponse":
            answered.add(message.get("ActionID"))
        return len(answered) == len(numbers)

    await client.wait_for(all_answered, timeout=10)
    expected = Counter(
        sim.config.population.behaviour(sim.config.seed, n, 0).outcome for n in numbers
    )
    reasons = Counter(
        m.get("Reason") for m in client.messages if m.get("Event") == "OriginateResponse"
    )
    assert reasons["5"] == expected[Outcome.BUSY]
    assert reasons["8"] == expected[Outcome.CONGESTION]
    assert reasons["4"] == expected[Outcome.ANSWER] + expected[Outcome.MACHINE]
    assert len(sim.dial_log) == 120
