"""Pushing each fund's feed to its webhook, in order, at least once.

A batch is sent again until the receiver answers 2xx; only then does
``pushed_seq`` move, so a fund may receive a batch twice (after a timeout whose
answer was lost) but never out of order and never with a hole. Each event carries
its ``event_id`` and each batch an ``Idempotency-Key`` so duplicates are easy to drop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from sqlalchemy.engine import Engine

from dialer.compliance.feed.delivery import (
    PushSettings,
    Target,
    due_targets,
    record_failure,
    record_success,
)
from dialer.compliance.feed.reading import FeedRow, read_page
from dialer.compliance.feed.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from dialer.compliance.feed.wire import event_json
from dialer.core.crypto import CipherError, DataCipher

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]  # naive UTC
ClientFactory = Callable[[], httpx.AsyncClient]


@dataclass
class PushStats:
    funds: int = 0
    batches: int = 0
    events: int = 0
    failures: int = 0
    stalled: list[int] = field(default_factory=list)


class FeedPusher:
    def __init__(
        self,
        engine: Engine,
        cipher: DataCipher,
        http_client_factory: ClientFactory,
        clock: Clock,
        settings: PushSettings | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self._engine = engine
        self._cipher = cipher
        self._client_factory = http_client_factory
        self._clock = clock
        self._settings = settings or PushSettings()
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not a secret)

    async def run_once(self) -> PushStats:
        """One round: every due fund sends until caught up, failed or out of turns."""
        stats = PushStats()
        targets = await asyncio.to_thread(due_targets, self._engine, self._cipher, self._clock())
        if not targets:
            return stats
        stats.funds = len(targets)
        async with self._client_factory() as client:
            await asyncio.gather(*(self._push_fund(client, target, stats) for target in targets))
        return stats

    async def run_forever(self, stop_event: asyncio.Event) -> None:
        """Rounds until ``stop_event`` is set, resting when there was nothing to send."""
        while not stop_event.is_set():
            try:
                stats = await self.run_once()
            except Exception:
                # A database hiccup must not end delivery for every fund; the next round retries.
                log.exception("feed push round failed")
                stats = PushStats()
            if stats.events == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop_event.wait(), self._settings.idle_interval_s)

    async def _push_fund(self, client: httpx.AsyncClient, target: Target, stats: PushStats) -> None:
        pushed = target.pushed_seq
        for _ in range(self._settings.max_batches_per_round):
            rows = await asyncio.to_thread(
                read_page, self._engine, target.fund_id, pushed, self._settings.batch_size
            )
            if not rows:
                return
            error = await self._post(client, target, rows)
            if error is not None:
                stats.failures += 1
                await self._fail(target, error, stats)
                return
            moved = await asyncio.to_thread(
                record_success, self._engine, target.fund_id, pushed, rows[-1].seq
            )
            if not moved:
                return  # rewound by a redelivery or moved by another pusher: next round
            pushed = rows[-1].seq
            stats.batches += 1
            stats.events += len(rows)

    async def _post(
        self, client: httpx.AsyncClient, target: Target, rows: list[FeedRow]
    ) -> str | None:
        """None when the receiver took the batch, else why not."""
        if target.secret is None:
            return "secret du webhook absent ou illisible"
        try:
            body = self._body(target.code, rows)
        except CipherError as error:
            return f"événement illisible (clé de chiffrement) : {error}"
        timestamp = int(self._clock().replace(tzinfo=UTC).timestamp())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(target.secret, timestamp, body),
            "Idempotency-Key": f"{rows[0].event_id}-{rows[-1].event_id}",
        }
        try:
            response = await client.post(
                target.url, content=body, headers=headers, timeout=self._settings.timeout_s
            )
        except httpx.HTTPError as error:
            return f"{type(error).__name__}: {error}"[:1000]
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code}: {response.text[:200]}"

    def _body(self, fund_code: str, rows: list[FeedRow]) -> bytes:
        events = ", ".join(event_json(row, self._cipher) for row in rows)
        code = fund_code.replace("\\", "\\\\").replace('"', '\\"')
        return f'{{"fund": "{code}", "events": [{events}]}}'.encode()

    async def _fail(self, target: Target, error: str, stats: PushStats) -> None:
        stalled = await asyncio.to_thread(
            record_failure,
            self._engine,
            target.fund_id,
            error,
            self._clock(),
            self._settings,
            self._rng,
        )
        if stalled:
            stats.stalled.append(target.fund_id)
            log.warning("result feed of fund %s stalled: %s", target.code, error)
