"""Rule 9: an agent is on one call at a time."""

from __future__ import annotations

from datetime import timedelta

from tests.checker.builder import MORNING, DayBuilder, rules_of


def test_an_agent_bridged_to_a_second_call_during_the_first_is_a_breach(
    day: DayBuilder,
) -> None:
    agent, other = day.agent("agent1"), day.agent("agent2")
    day.call(day.person(), agent=agent, seconds=120)
    day.call(day.person(), MORNING + timedelta(seconds=130), agent=agent)  # after: fine
    day.call(day.person(), MORNING + timedelta(seconds=30), agent=other)  # someone else
    assert day.check().ok
    second = day.call(day.person(), MORNING + timedelta(seconds=60), agent=agent, seconds=60)
    report = day.check()
    assert rules_of(report) == ["agent_on_two_calls"]
    assert report.breaches[0].subject == f"agent {agent}"
    assert f"tentative {second}" in report.breaches[0].detail_fr


def test_a_call_never_ended_holds_its_agent(day: DayBuilder) -> None:
    agent = day.agent()
    day.call(day.person(), agent=agent, result=None, logged=False)
    day.call(day.person(), MORNING + timedelta(hours=1), agent=agent)
    assert "agent_on_two_calls" in rules_of(day.check())


def test_the_pbx_says_when_the_agent_was_free_not_the_dialer(day: DayBuilder) -> None:
    agent = day.agent()
    first = day.call(day.person(), agent=agent, seconds=60)
    day.set_ended(first, MORNING + timedelta(minutes=30))  # learned late, after an outage
    day.call(day.person(), MORNING + timedelta(minutes=5), agent=agent)
    assert day.check().ok
