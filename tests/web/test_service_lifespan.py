from __future__ import annotations

import socket

from fastapi.testclient import TestClient

from dialer.core.settings import Settings
from web.main import create_app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_lifespan_starts_and_stops_the_dialing_service(settings: Settings) -> None:
    port = _free_port()
    embedded = settings.model_copy(
        update={"embedded_pbx": True, "ami_url": f"ami://dialer:dialer-secret@127.0.0.1:{port}"}
    )
    app = create_app(embedded, run_dialer=True)
    with TestClient(app) as client:
        service = app.state.web.dialing.service
        assert service is not None and service.sim is not None and service.worker is not None
        assert client.get("/readyz").json()["database"] == "ok"
    assert service._loop is None  # stopped with the app
    app.state.runtime.engine.dispose()


def test_without_the_flag_no_dialing_service_runs(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app):
        assert app.state.web.dialing.service is None
    app.state.runtime.engine.dispose()
