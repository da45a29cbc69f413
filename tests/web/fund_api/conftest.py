"""A tiny app mounting the fund router, as the lead will, served in-process or on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.compliance.feed.tokens import create_token
from dialer.core.crypto import DataCipher
from tests.dialer.compliance.feed.factory import World, build_world
from web.fund_api import create_fund_router

Read = tuple[int, int | None, int | None, str | None]


@dataclass
class Api:
    app: FastAPI
    client: TestClient
    world: World
    token_a: str
    token_b: str
    reads: list[Read] = field(default_factory=list)

    def get(
        self,
        path: str,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        reply: httpx.Response = self.client.get(path, headers=sent, params=params)
        return reply


def make_app(engine: Engine, cipher: DataCipher, reads: list[Read]) -> FastAPI:
    app = FastAPI()

    def get_session() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            yield session

    def get_cipher() -> DataCipher:
        return cipher

    app.include_router(
        create_fund_router(get_session, get_cipher, on_read=lambda *a: reads.append(a))
    )
    return app


@pytest.fixture
def api(engine: Engine, cipher: DataCipher) -> Iterator[Api]:
    world = build_world(engine, cipher)
    with Session(engine) as session:
        token_a = create_token(session, world.fund_a, "SI de la CPAM")
        token_b = create_token(session, world.fund_b, "SI de la CGSS")
        session.commit()
    reads: list[Read] = []
    app = make_app(engine, cipher, reads)
    with TestClient(app) as client:
        yield Api(app, client, world, token_a, token_b, reads)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_url(api: Api) -> Iterator[str]:
    """The same app served by uvicorn on loopback, for real HTTP streaming."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(api.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()
