"""``dialer worker``: the dialing service alone, bound to one Asterisk, until SIGTERM.

Production runs one worker per Asterisk box (``DIALER_WORKER_ID`` unique,
``DIALER_AMI_URL`` its box, ``DIALER_EMBEDDED_PBX=false``) beside web processes
that serve pages only; see docs/deploy.md.
"""

from __future__ import annotations

import asyncio
import logging

import typer

from dialer.cli.context import runtime
from dialer.cli.prestart_cmd import settings_fit_to_serve
from dialer.core.observability.logging import configure_logging
from dialer.core.runtime import Runtime
from dialer.engine.service import DialerService, serve_until_signalled
from dialer.operations.embedded import embedded_pbx
from dialer.operations.monitoring.endpoint import WorkerEndpoint

log = logging.getLogger(__name__)


def worker(
    metrics_host: str = typer.Option("127.0.0.1", help="adresse de /metrics, /healthz, /readyz"),
    metrics_port: int = typer.Option(9101, help="port de /metrics, /healthz, /readyz"),
) -> None:
    """Lance le numéroteur seul (sans pages web) jusqu'à SIGTERM."""
    settings_fit_to_serve()
    rt = runtime()
    configure_logging(rt.settings)
    asyncio.run(run_worker(rt, metrics_host, metrics_port))


async def run_worker(rt: Runtime, host: str, port: int) -> None:
    service = DialerService(rt, pbx=embedded_pbx(rt.settings))
    endpoint = WorkerEndpoint(rt.metrics, rt.engine, lambda: service.pbx_connected)
    bound = endpoint.start(host, port)
    worker_id = rt.settings.worker_id
    try:
        await serve_until_signalled(
            service,
            lambda: log.info("worker %s dialling; metrics on %s:%s", worker_id, host, bound),
        )
        log.info("worker %s stopped", worker_id)
    finally:
        endpoint.stop()
