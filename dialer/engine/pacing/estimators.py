"""Running estimates of the call statistics pacing reads, cheap enough to update per call."""

from __future__ import annotations

from dataclasses import dataclass

from dialer.engine.pacing.model import CallStats


@dataclass(slots=True)
class RecentMean:
    """Plain mean over the first ``window`` samples, then an exponential moving average.

    Early in the day the plain mean is the best guess; later the window lets the estimate
    follow a change in the answer rate within a few hundred calls.
    """

    window: int = 300
    value: float = 0.0
    count: int = 0

    def add(self, sample: float) -> None:
        self.count += 1
        weight = 1.0 / min(self.count, self.window)
        self.value += weight * (sample - self.value)


@dataclass(slots=True)
class CallStatsEstimator:
    """Feeds on finished attempts, talks and wrap-ups; gives the ``CallStats`` of a snapshot."""

    answer_rate: RecentMean
    answer_s: RecentMean
    no_answer_s: RecentMean
    talk_s: RecentMean
    wrap_up_s: RecentMean
    default: CallStats

    @classmethod
    def start(cls, default: CallStats | None = None, window: int = 300) -> CallStatsEstimator:
        return cls(
            answer_rate=RecentMean(window),
            answer_s=RecentMean(window),
            no_answer_s=RecentMean(window),
            talk_s=RecentMean(window),
            wrap_up_s=RecentMean(window),
            default=default or CallStats(),
        )

    def attempt_finished(self, answered: bool, ring_s: float) -> None:
        self.answer_rate.add(1.0 if answered else 0.0)
        (self.answer_s if answered else self.no_answer_s).add(ring_s)

    def talk_finished(self, talk_s: float) -> None:
        self.talk_s.add(talk_s)

    def wrap_up_finished(self, wrap_up_s: float) -> None:
        self.wrap_up_s.add(wrap_up_s)

    def stats(self) -> CallStats:
        def pick(mean: RecentMean, fallback: float) -> float:
            return mean.value if mean.count else fallback

        d = self.default
        return CallStats(
            answer_rate=pick(self.answer_rate, d.answer_rate),
            mean_answer_s=pick(self.answer_s, d.mean_answer_s),
            mean_no_answer_s=pick(self.no_answer_s, d.mean_no_answer_s),
            mean_talk_s=pick(self.talk_s, d.mean_talk_s),
            mean_wrap_up_s=pick(self.wrap_up_s, d.mean_wrap_up_s),
            calls_observed=self.answer_rate.count,
        )
