"""A fund's webhook receiver on loopback: a real HTTP server that can misbehave.

``policy`` decides each request's fate: ``ok`` (200), ``error`` (500, nothing
taken) or ``slow`` (taken, then answered after the client gave up, so the
dialer must send the batch again and the fund sees it twice).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    fate: str

    @property
    def data(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded


def seeded_policy(seed: int, failure_rate: float = 0.5) -> Callable[[], str]:
    """Half the requests fail (500 or too slow), reproducibly."""
    rng = random.Random(seed)

    def decide() -> str:
        roll = rng.random()
        if roll < failure_rate / 2:
            return "error"
        if roll < failure_rate:
            return "slow"
        return "ok"

    return decide


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


@dataclass
class Receiver:
    policy: Callable[[], str] = lambda: "ok"
    slow_seconds: float = 0.6
    deliveries: list[Delivery] = field(default_factory=list)
    port: int = 0
    _server: _Server | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._lock:
                    fate = receiver.policy()
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    receiver.deliveries.append(Delivery(headers, body, fate))
                if fate == "slow":
                    time.sleep(receiver.slow_seconds)
                self.send_response(500 if fate == "error" else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def taken(self) -> list[Delivery]:
        """Requests whose events the fund received (a 500 means it took nothing)."""
        with self._lock:
            return [d for d in self.deliveries if d.fate != "error"]
