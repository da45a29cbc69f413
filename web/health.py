"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from dialer.observability import readiness
from web.deps import RuntimeDep

router = APIRouter()


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """503 naming what is down: the database, or the PBX of a dialer this process runs."""
    service = getattr(request.app.state, "dialer", None)
    pbx = service.pbx_connected if service is not None else {}
    state = readiness.check(runtime.engine, pbx)
    return JSONResponse(state.body(), status_code=200 if state.ready else 503)
