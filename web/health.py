"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from dialer.operations.monitoring import readiness
from web.deps import LocalDialerDep, RuntimeDep

router = APIRouter()


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(runtime: RuntimeDep, service: LocalDialerDep) -> JSONResponse:
    """503 naming what is down: the database, or the PBX of a dialer this process runs."""
    pbx = service.pbx_connected if service is not None else {}
    state = readiness.check(runtime.engine, pbx)
    return JSONResponse(state.body(), status_code=200 if state.ready else 503)
