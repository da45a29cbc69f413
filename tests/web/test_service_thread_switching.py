"""While a service runs, a thread waiting for the interpreter's lock gets it within 1 ms."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from dialer.core.thread_switching import SWITCH_INTERVAL_S, quick_thread_switches
from dialer.engine.service import serve_until_signalled


def test_the_web_app_switches_threads_quickly_while_it_serves_and_restores_after(
    app: FastAPI,
) -> None:
    before = sys.getswitchinterval()
    assert before > SWITCH_INTERVAL_S
    with TestClient(app) as client:
        assert client.get("/connexion").status_code == 200
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S
    assert sys.getswitchinterval() == before


class _Service:
    """What ``serve_until_signalled`` drives of a dialer worker: its start and stop."""

    def __init__(self) -> None:
        self.stopped = False

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        self.stopped = True


def test_a_dialer_worker_switches_threads_quickly_until_it_is_signalled() -> None:
    before = sys.getswitchinterval()
    seen: list[float] = []
    service = _Service()

    def ready() -> None:
        # Once the worker is serving: what it runs with, then the operator's SIGTERM.
        def look_then_stop() -> None:
            seen.append(sys.getswitchinterval())
            os.kill(os.getpid(), signal.SIGTERM)

        asyncio.get_running_loop().call_soon(look_then_stop)

    worker: Any = service
    asyncio.run(serve_until_signalled(worker, ready))
    assert seen == [SWITCH_INTERVAL_S]
    assert service.stopped
    assert sys.getswitchinterval() == before


def test_the_switch_interval_is_restored_when_the_service_fails() -> None:
    before = sys.getswitchinterval()
    try:
        with quick_thread_switches():
            raise RuntimeError("service crashed")
    except RuntimeError:
        pass
    assert sys.getswitchinterval() == before
