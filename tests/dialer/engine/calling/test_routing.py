"""One table says who hears what of a call; desks get typed events, the wire unchanged."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

from dialer.engine.calling.desk_events import (
    BusDeskNotifier,
    CallEnded,
    PreviewExpired,
    PreviewOffered,
    ScreenPop,
    tell,
)
from dialer.engine.calling.events import ScreenPopBus
from dialer.engine.calling.recorder import RecordedUpdate
from dialer.engine.calling.routing import (
    RECORDER_THREAD,
    CallEvents,
    CallStep,
    call_routes,
    step_of,
)
from telephony.ami.updates import CallUpdate
from telephony.results import CallResult, CallState

UPDATE = CallUpdate(
    attempt_id="7", channel_id="dialer-7", state=CallState.RINGING, result=None, reason="",
    cause="", tech_cause="", amd_status="", amd_cause="", waiting_for_agent=False, agent="",
    created_at=0.0, answered_at=None, connected_at=None, ended_at=None, at=1.0,
)  # fmt: skip
RECORDED = RecordedUpdate(7, 3, 2, 5, connected=False, ended=False, result=None)


class Loop:
    """The dialer loop's side, recording what it was handed."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, int]] = []

    async def follow(self, update: CallUpdate, recorded: RecordedUpdate) -> None:
        self.heard.append(("follow", recorded.attempt_id))

    async def hand_over(self, update: CallUpdate, recorded: RecordedUpdate) -> None:
        self.heard.append(("hand_over", recorded.attempt_id))


def test_each_update_has_one_step() -> None:
    assert step_of(UPDATE, RECORDED) is CallStep.PROGRESS
    waiting = replace(UPDATE, state=CallState.ANSWERED, waiting_for_agent=True)
    assert step_of(waiting, RECORDED) is CallStep.WAITING
    bridged = replace(UPDATE, state=CallState.CONNECTED)
    assert step_of(bridged, replace(RECORDED, connected=True)) is CallStep.CONNECTED
    ended = replace(UPDATE, state=CallState.ENDED, result=CallResult.ANSWERED)
    assert step_of(ended, replace(RECORDED, ended=True)) is CallStep.ENDED


async def test_the_table_sends_each_step_to_the_loop_then_the_desk() -> None:
    loop, bus = Loop(), ScreenPopBus()
    desk = bus.open(5)
    routes = call_routes(loop, BusDeskNotifier(bus))
    for handler in routes[CallStep.WAITING]:
        await handler(UPDATE, RECORDED)
    assert loop.heard == [("follow", 7), ("hand_over", 7)] and desk.queue.empty()
    for handler in routes[CallStep.CONNECTED]:
        await handler(UPDATE, replace(RECORDED, connected=True))
    assert await desk.next() == {"kind": "screen_pop", "attempt_id": 7, "contact_id": 3,
                                 "campaign_id": 2}  # fmt: skip
    for handler in routes[CallStep.ENDED]:
        await handler(UPDATE, replace(RECORDED, ended=True, result="busy"))
    assert (await desk.next())["result"] == "busy"
    # A call nobody's agent holds reaches no desk.
    for handler in routes[CallStep.ENDED]:
        await handler(UPDATE, replace(RECORDED, ended=True, agent_user_id=None))
    assert desk.queue.empty()
    assert [name for name, _ in loop.heard].count("follow") == 4


def test_typed_events_keep_the_payloads_the_desk_reads() -> None:
    bus = ScreenPopBus()
    first, second = bus.open(1), bus.open(2)
    events = [(1, ScreenPop(10, 20, 30)), (2, PreviewOffered(11, 21, 31)),
              (1, CallEnded(10, 20, 30, result="answered")),
              (2, PreviewExpired(11, 21, 31))]  # fmt: skip
    tell(BusDeskNotifier(bus), events)
    ids = {"contact_id": 20, "campaign_id": 30, "attempt_id": 10}
    assert first.queue.get_nowait() == {"kind": "screen_pop", **ids}
    assert first.queue.get_nowait() == {"kind": "call_ended", **ids, "result": "answered"}
    assert second.queue.get_nowait()["kind"] == "preview"
    assert second.queue.get_nowait()["kind"] == "preview_expired"
    assert first.queue.empty() and second.queue.empty()


class ThreadNoting:
    """A recorder noting the thread each update is stored on, in arrival order."""

    def __init__(self) -> None:
        self.stored: list[tuple[str, str]] = []

    def apply_all(self, updates: list[CallUpdate]) -> list[RecordedUpdate | None]:
        for update in updates:
            self.stored.append((update.attempt_id, threading.current_thread().name))
        return [None for _ in updates]


async def test_updates_are_stored_in_order_even_with_the_loops_executor_busy() -> None:
    """A bridge must not wait behind the dialer's claims or the desks' checks to be stored."""
    recorder, loop = ThreadNoting(), asyncio.get_running_loop()
    events = CallEvents(recorder, call_routes(Loop(), BusDeskNotifier(ScreenPopBus())))  # type: ignore[arg-type]
    release = threading.Event()
    # Every thread of the loop's default executor taken, as under a full floor.
    busy = [loop.run_in_executor(None, release.wait) for _ in range(64)]
    try:
        for n in ("1", "2", "3"):
            await asyncio.wait_for(events.on_call_update(replace(UPDATE, attempt_id=n)), 30)
    finally:
        release.set()
        await asyncio.gather(*busy)
        events.close()
    assert [attempt for attempt, _ in recorder.stored] == ["1", "2", "3"]
    assert {thread for _, thread in recorder.stored} == {f"{RECORDER_THREAD}_0"}
