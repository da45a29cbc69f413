"""The two event streams as the browser reads them: SSE frames, in order, nothing lost."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlalchemy.exc import TimeoutError as PoolExhausted
from sqlmodel import Session, select
from starlette.requests import Request
from starlette.types import Message

from dialer.accounts.models import User
from dialer.accounts.sessions import close_session, open_session
from dialer.core.columns import utcnow
from dialer.core.crypto import DataCipher, KeyRing
from dialer.engine.calling.events import SCREEN_POP, ScreenPopBus, call_payload
from tests.web.conftest import World
from web.desk.router import StreamFrames, _events, sse_frame
from web.live.router import _stream


async def _never_disconnects() -> Message:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


def open_request() -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": "/", "headers": []}, _never_disconnects
    )


async def test_desk_stream_subscribes_before_its_first_byte_and_frames_each_pop() -> None:
    bus = ScreenPopBus()
    stream = _events(open_request(), bus, 7, sse_frame)
    assert await anext(stream) == "retry: 2000\n\n"
    assert bus.subscribers(7) == 1  # a pop published from now on reaches this desk
    bus.publish(7, call_payload(SCREEN_POP, 41, 5, 3))
    bus.publish(8, call_payload(SCREEN_POP, 42, 6, 3))  # another agent's call
    bus.publish(7, call_payload(SCREEN_POP, 43, 7, 3))
    first, second = await anext(stream), await anext(stream)
    assert first.startswith("event: screen_pop\ndata: ") and first.endswith("\n\n")
    payload = json.loads(first.split("data: ", 1)[1])
    assert payload == {"kind": "screen_pop", "attempt_id": 41, "contact_id": 5, "campaign_id": 3}
    assert json.loads(second.split("data: ", 1)[1])["attempt_id"] == 43
    await stream.aclose()
    assert bus.subscribers(7) == 0


async def test_dashboard_stream_sends_json_snapshots(app: FastAPI, world: World) -> None:
    stream = _stream(open_request(), app.state.runtime.engine, world.campaign_id)
    assert await anext(stream) == "retry: 3000\n\n"
    frame = await anext(stream)
    assert frame.startswith("event: snapshot\ndata: ")
    data = json.loads(frame.split("data: ", 1)[1])
    assert data["attempts_today"] == 0 and data["left_to_call"] == 0
    assert "brouillon" in data["why_idle"]
    await stream.aclose()


async def test_desk_stream_ends_once_its_session_is_closed_by_any_process(
    engine: Engine,
) -> None:
    """Signed out elsewhere (another web process): the open stream stops at its next frame."""
    with Session(engine) as db:
        db.add(User(username="agent7", full_name="Agent", role="agent", password_hash="-"))
        db.commit()
        user_id = db.exec(select(User.id)).one() or 0
        open_session(db, "sid-7", user_id, utcnow(), 3600)
        db.commit()

    request = open_request()
    request.state.user = User(id=user_id, username="agent7", full_name="Agent", role="agent")
    frames = StreamFrames(
        request, engine, DataCipher(KeyRing.generate()), {"uid": user_id, "sid": "sid-7"}
    )
    bus = ScreenPopBus()
    stream = _events(request, bus, user_id, frames.frame)
    assert await anext(stream) == "retry: 2000\n\n"
    bus.publish(user_id, call_payload(SCREEN_POP, 41, 5, 3))
    assert (await anext(stream)).startswith("event: screen_pop")
    with Session(engine) as db:
        close_session(db, "sid-7", utcnow())
        db.commit()
    bus.publish(user_id, call_payload(SCREEN_POP, 42, 6, 3))
    with pytest.raises(StopAsyncIteration):
        await anext(stream)
    assert bus.subscribers(user_id) == 0


async def test_a_pop_is_framed_even_with_the_loops_executor_busy() -> None:
    """The stream's sign-in check does not queue behind the dialer's work on the loop."""
    loop, release = asyncio.get_running_loop(), threading.Event()
    busy = [loop.run_in_executor(None, release.wait) for _ in range(64)]
    bus = ScreenPopBus()
    stream = _events(open_request(), bus, 7, sse_frame)
    try:
        assert await anext(stream) == "retry: 2000\n\n"
        bus.publish(7, call_payload(SCREEN_POP, 41, 5, 3))
        frame = await asyncio.wait_for(anext(stream), 30)
        assert frame.startswith("event: screen_pop")
    finally:
        release.set()
        await asyncio.gather(*busy)
        await stream.aclose()


async def test_a_stream_with_no_connection_free_for_its_check_ends_cleanly() -> None:
    """The browser then reconnects and asks for its call: no error escapes the stream."""

    def no_connection(item: object) -> str:
        raise PoolExhausted("QueuePool limit of size 1 overflow 0 reached")

    bus = ScreenPopBus()
    stream = _events(open_request(), bus, 7, no_connection)
    assert await anext(stream) == "retry: 2000\n\n"
    bus.publish(7, call_payload(SCREEN_POP, 41, 5, 3))
    with pytest.raises(StopAsyncIteration):
        await anext(stream)
    assert bus.subscribers(7) == 0
