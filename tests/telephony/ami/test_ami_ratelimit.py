"""Per-trunk originate rate, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from telephony.ami.ratelimit import TokenBucket, TrunkLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_bucket_spaces_takes_at_the_configured_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=20, clock=clock, sleep=clock.sleep)

    async def take(n: int) -> None:
        for _ in range(n):
            await bucket.acquire()

    asyncio.run(take(41))
    # 1 immediately, then one every 1/20 s.
    assert clock.now == pytest.approx(2.0)


def test_burst_allows_saved_up_tokens() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=5, clock=clock)
    assert [bucket.try_take() for _ in range(5)] == [0.0] * 5
    assert bucket.try_take() == pytest.approx(0.1)
    clock.now += 0.1
    assert bucket.try_take() == 0.0


def test_trunks_have_their_own_buckets_and_rates() -> None:
    clock = FakeClock()
    limiter = TrunkLimiter(default_rate=20, rates={"slow": 2}, clock=clock)
    assert limiter.bucket("slow").try_take() == 0.0
    assert limiter.bucket("slow").try_take() == pytest.approx(0.5)
    assert limiter.bucket("fast").try_take() == 0.0
    assert limiter.bucket("fast").rate == 20


def test_bad_rates_are_refused() -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate=0)
