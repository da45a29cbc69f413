"""Originates per second, per trunk: a token bucket each.

Carriers cap call attempts per second; going over makes them answer 503 to
everything, which would look like congestion on every number.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

DEFAULT_RATE = 20.0


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up.

    The default burst of 1 spaces originates evenly (1/rate apart), so no
    one-second window ever sees more than rate + 1 of them.
    """

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = burst
        self._stamp = clock()

    def try_take(self) -> float:
        """Take a token and return 0, or return how long until one is available."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        # The epsilon absorbs float rounding: after sleeping exactly the
        # announced wait, 0.9999999 tokens must count as one, or acquire()
        # would spin on ever smaller sleeps.
        if self._tokens >= 1 - 1e-9:
            self._tokens = max(0.0, self._tokens - 1)
            return 0.0
        return (1 - self._tokens) / self.rate

    async def acquire(self) -> None:
        while (wait := self.try_take()) > 0:
            await self._sleep(wait)


class TrunkLimiter:
    """One bucket per trunk; trunks not configured get ``default_rate``."""

    def __init__(
        self,
        default_rate: float = DEFAULT_RATE,
        rates: dict[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.default_rate = default_rate
        self.rates = dict(rates or {})
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def bucket(self, trunk: str) -> TokenBucket:
        bucket = self._buckets.get(trunk)
        if bucket is None:
            rate = self.rates.get(trunk, self.default_rate)
            bucket = self._buckets[trunk] = TokenBucket(rate, clock=self._clock)
        return bucket

    async def acquire(self, trunk: str) -> None:
        await self.bucket(trunk).acquire()
