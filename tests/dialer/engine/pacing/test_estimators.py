import pytest

from dialer.engine.pacing import CallStats, CallStatsEstimator, RecentMean


def test_recent_mean_is_the_plain_mean_at_first_then_follows_a_change() -> None:
    mean = RecentMean(window=10)
    for sample in (1.0, 2.0, 3.0):
        mean.add(sample)
    assert mean.value == pytest.approx(2.0)
    for _ in range(100):
        mean.add(10.0)
    assert mean.value == pytest.approx(10.0, abs=0.01)


def test_estimator_falls_back_on_defaults_before_any_call() -> None:
    default = CallStats(answer_rate=0.25, mean_talk_s=200.0)
    stats = CallStatsEstimator.start(default).stats()
    assert stats.answer_rate == 0.25 and stats.mean_talk_s == 200.0
    assert stats.calls_observed == 0


def test_estimator_counts_attempts_and_splits_ring_times_by_outcome() -> None:
    estimator = CallStatsEstimator.start()
    estimator.attempt_finished(answered=True, ring_s=6.0)
    estimator.attempt_finished(answered=False, ring_s=30.0)
    estimator.attempt_finished(answered=False, ring_s=20.0)
    estimator.attempt_finished(answered=True, ring_s=10.0)
    estimator.talk_finished(120.0)
    stats = estimator.stats()
    assert stats.calls_observed == 4
    assert stats.answer_rate == pytest.approx(0.5)
    assert stats.mean_answer_s == pytest.approx(8.0)
    assert stats.mean_no_answer_s == pytest.approx(25.0)
    assert stats.mean_talk_s == pytest.approx(120.0)
