"""A dialer worker's own HTTP endpoint: ``/metrics``, ``/healthz`` and ``/readyz``.

A worker has no web app; this small WSGI server (in a thread of its own, as
prometheus-client's exporter does) lets Prometheus scrape it and the service
manager or load balancer probe it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sqlalchemy.engine import Engine

from dialer.core.columns import utcnow
from dialer.core.observability.metrics import CONTENT_TYPE, DialerMetrics
from dialer.operations.monitoring import readiness
from dialer.operations.monitoring.database import DatabaseCollector

PbxState = Callable[[], Mapping[str, bool]]
StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_JSON = "application/json"


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        # Scrapes every 15 s would drown the worker's log.
        return None


class WorkerEndpoint:
    def __init__(self, metrics: DialerMetrics, engine: Engine, pbx: PbxState) -> None:
        self._metrics = metrics
        self._engine = engine
        self._pbx = pbx
        metrics.add_collector("database", DatabaseCollector(engine, utcnow))
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            status, kind, body = "200 OK", CONTENT_TYPE, self._metrics.render()
        elif path == "/healthz":
            status, kind, body = "200 OK", _JSON, b'{"status": "ok"}'
        elif path == "/readyz":
            state = readiness.check(self._engine, self._pbx())
            status = "200 OK" if state.ready else "503 Service Unavailable"
            kind, body = _JSON, json.dumps(state.body()).encode()
        else:
            status, kind, body = "404 Not Found", _JSON, b'{"detail": "introuvable"}'
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    def start(self, host: str, port: int) -> int:
        """Serve in a daemon thread; returns the port (``0`` picks a free one)."""
        self._server = make_server(
            host, port, self, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="worker-endpoint", daemon=True
        )
        self._thread.start()
        return int(self._server.server_port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
