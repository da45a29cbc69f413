"""The commissioning fund's webhook on loopback: takes the pushed feed, may misbehave.

With a failure rate it answers 500 (taking nothing) to a seeded share of the
requests; ``restart`` closes it and listens again on the same port, as a fund's
server restarting in the middle of the day.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


@dataclass
class FundReceiver:
    failure_rate: float = 0.0
    seed: int = 1
    port: int = 0
    requests: int = 0
    refused: int = 0
    events: dict[str, int] = field(default_factory=dict)  # event id -> times received
    _server: _Server | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/resultats"

    def start(self) -> None:
        self._server = _Server(("127.0.0.1", self.port), self._handler())
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _take(self, body: bytes) -> int:
        with self._lock:
            self.requests += 1
            if self._rng.random() < self.failure_rate:
                self.refused += 1
                return 500
            for event in _events(body):
                key = str(event.get("event_id", event.get("seq", "")))
                self.events[key] = self.events.get(key, 0) + 1
            return 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(receiver._take(body))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler


def _events(body: bytes) -> list[dict[str, Any]]:
    try:
        data = json.loads(body)
    except ValueError:
        return []
    found = data.get("events", []) if isinstance(data, dict) else []
    return [event for event in found if isinstance(event, dict)]
