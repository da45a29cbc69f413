"""``/metrics``: the process's Prometheus metrics, in the text exposition format.

The scrape-time gauges read the database; the route is a plain function so the
reading happens in the thread pool, not on the event loop. Expose it to the
Prometheus server only (the reverse proxy does not forward it, see docs/deploy.md).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from dialer.core.columns import utcnow
from dialer.core.observability.metrics import CONTENT_TYPE
from dialer.operations.monitoring.database import DatabaseCollector
from web.deps import RuntimeDep

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(runtime: RuntimeDep) -> Response:
    runtime.metrics.add_collector("database", DatabaseCollector(runtime.engine, utcnow))
    return Response(runtime.metrics.render(), media_type=CONTENT_TYPE)
