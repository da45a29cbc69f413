"""The worker's own endpoint: metrics, liveness, and readiness that follows AMI."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy.engine import Engine

from dialer.core.crypto import DataCipher
from dialer.operations.monitoring.endpoint import WorkerEndpoint
from tests.dialer.engine.calling.conftest import FakeClock, make_service


async def get(port: int, path: str) -> httpx.Response:
    return await asyncio.to_thread(httpx.get, f"http://127.0.0.1:{port}{path}", timeout=10)


async def test_worker_endpoint_serves_metrics_and_readiness(
    engine: Engine, cipher: DataCipher
) -> None:
    service = make_service(engine, cipher, FakeClock())
    endpoint = WorkerEndpoint(service.runtime.metrics, engine, lambda: service.pbx_connected)
    port = endpoint.start("127.0.0.1", 0)
    try:
        before = await get(port, "/readyz")
        assert before.status_code == 503  # not logged in to AMI yet
        assert before.json()["down"] == ["pbx:worker-test"]
        await service.start(run_loop=False)
        ready = await get(port, "/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ok", "database": "ok", "pbx": {"worker-test": "ok"}}
        assert (await get(port, "/healthz")).json() == {"status": "ok"}
        metrics = await get(port, "/metrics")
        assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
        assert "dialer_database_up 1.0" in metrics.text
        assert 'dialer_ami_round_trip_seconds_count{action="CoreShowChannels"}' in metrics.text
        assert (await get(port, "/ailleurs")).status_code == 404
    finally:
        await service.stop()
        endpoint.stop()
