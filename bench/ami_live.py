"""AMI benchmark, live parts: lag under a flood over loopback TCP, originates/s.

The peers (a flood writer, the PBX simulator) run in their own processes, as
Asterisk would, so the adapter's process only does the adapter's work. Run
``bench/ami.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import random
import time
from multiprocessing.connection import Connection
from typing import Any

from bench.ami_parse import BANNER, NullObserver, build_corpus, settings
from telephony.ami import (
    AmiClient,
    CallUpdate,
    DialTemplate,
    OriginateRequest,
)
from telephony.sim import PbxSimulator, SimulatorConfig

CALLER = '"Assurance Maladie" <0162000000>'
LOCAL = DialTemplate("Local/{national}@sim-persons")


# -- (a) lag under a flood over loopback TCP ---------------------------------
def _reply(headers: dict[str, str], *pairs: tuple[str, str]) -> bytes:
    lines = [*pairs[:1], ("ActionID", headers.get("actionid", "")), *pairs[1:]]
    return ("".join(f"{k}: {v}\r\n" for k, v in lines) + "\r\n").encode()


def _parse_action(raw: bytes) -> dict[str, str]:
    pairs = (line.partition(":") for line in raw.decode().split("\r\n") if line)
    return {k.strip().lower(): v.strip() for k, _, v in pairs}


async def _flood_server(pipe: Connection, min_events: int, rate: float) -> None:
    events = build_corpus(min_events).events
    written: list[float] = []
    done = asyncio.Event()

    async def flood(writer: asyncio.StreamWriter) -> None:
        start = time.perf_counter()
        sent = 0
        while sent < len(events):
            due = min(len(events), int((time.perf_counter() - start) * rate) + 1)
            if due > sent:
                stamp = time.perf_counter()
                writer.write(b"".join(events[sent:due]))
                written.extend([stamp] * (due - sent))
                sent = due
            await asyncio.sleep(0.0005)
        await writer.drain()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(BANNER)
        try:
            while True:
                h = _parse_action(await reader.readuntil(b"\r\n\r\n"))
                action = h.get("action", "").lower()
                if action == "login":
                    writer.write(
                        _reply(h, ("Response", "Success"), ("Message", "Authentication accepted"))
                    )
                elif action == "coreshowchannels":
                    writer.write(_reply(h, ("Response", "Success"), ("EventList", "start")))
                    writer.write(_reply(h, ("Event", "CoreShowChannelsComplete"),
                                        ("EventList", "Complete"), ("ListItems", "0")))  # fmt: skip
                elif action == "ping":
                    writer.write(_reply(h, ("Response", "Success"), ("Ping", "Pong")))
                    # The client pings once its calls are tracked: the flood starts then.
                    if not written:
                        await flood(writer)
                        done.set()
                else:
                    writer.write(_reply(h, ("Response", "Error"), ("Message", "not here")))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    pipe.send(server.sockets[0].getsockname()[1])
    await done.wait()
    pipe.send(written)
    await asyncio.to_thread(pipe.recv)
    server.close()


async def _receive(pipe: Connection, peer: multiprocessing.process.BaseProcess) -> Any:
    """The helper process's next message; fails instead of hanging if it died."""
    deadline = time.monotonic() + 90
    while not await asyncio.to_thread(pipe.poll, 0.2):
        if not peer.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"benchmark helper process gone (exit code {peer.exitcode})")
    return pipe.recv()


def flood_server_main(pipe: Connection, min_events: int, rate: float) -> None:
    asyncio.run(_flood_server(pipe, min_events, rate))


async def flood_lag(seconds: float, rate: float) -> dict[str, float]:
    """One flood: events written at ``rate``/s by another process, lag at the handler."""
    n = int(seconds * rate)
    corpus = build_corpus(n)
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    server = ctx.Process(target=flood_server_main, args=(theirs, n, rate), daemon=True)
    server.start()
    try:
        port = await _receive(ours, server)
        client = AmiClient(settings(port, ping_interval_s=3600), NullObserver())
        arrived: list[float] = []
        route = client._on_event

        def on_event(event: Any) -> None:
            arrived.append(time.perf_counter())
            route(event)

        client.connection.on_event = on_event
        await client.start(timeout_s=10)
        try:
            for c in corpus.calls:
                client.tracker.track(
                    c.attempt_id, c.channel_id, c.other_channel_id, c.action_id, c.agent
                )
            await client.ping()
            written: list[float] = await _receive(ours, server)
            deadline = time.monotonic() + 30
            while len(arrived) < len(written) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        finally:
            await client.close()
        ours.send("stop")
    finally:
        server.join(5)
        if server.is_alive():
            server.kill()
    if len(arrived) != len(written):
        raise RuntimeError(f"flood: {len(arrived)} of {len(written)} events reached the handler")
    lags = sorted((a - w) * 1000 for a, w in zip(arrived, written, strict=True))
    span = written[-1] - written[0]
    return {
        "p50": lags[len(lags) // 2],
        "p99": lags[int(len(lags) * 0.99)],
        "max": lags[-1],
        "rate": (len(written) - 1) / span if span > 0 else 0.0,
        "events": float(len(written)),
    }


# -- (b) originates per second against the simulator -------------------------
async def _sim_server(pipe: Connection, time_factor: float, seed: int) -> None:
    sim = PbxSimulator(SimulatorConfig(time_factor=time_factor, seed=seed))
    await sim.start(host="127.0.0.1", port=0)
    pipe.send(sim.port)
    await asyncio.to_thread(pipe.recv)
    cpu0 = time.process_time()
    await asyncio.to_thread(pipe.recv)
    pipe.send(([(r.channel_id, r.result) for r in sim.dial_log], time.process_time() - cpu0))
    await sim.stop()


def sim_server_main(pipe: Connection, time_factor: float, seed: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(_sim_server(pipe, time_factor, seed))


class FinalCounter:
    """A CallObserver that keeps each call's final result and counts duplicates."""

    def __init__(self) -> None:
        self.finals: dict[str, str] = {}
        self.duplicates = 0
        self.all_done = asyncio.Event()
        self.expected = -1

    async def on_call_update(self, update: CallUpdate) -> None:
        if update.result is None:
            return
        if update.channel_id in self.finals:
            self.duplicates += 1
        self.finals[update.channel_id] = str(update.result)
        if len(self.finals) == self.expected:
            self.all_done.set()


async def originate_run(
    count: int, concurrency: int, time_factor: float, seed: int
) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    server = ctx.Process(target=sim_server_main, args=(theirs, time_factor, seed), daemon=True)
    server.start()
    try:
        port = await _receive(ours, server)
        observer = FinalCounter()
        observer.expected = count
        client = AmiClient(settings(port), observer, originate_rate=1_000_000)
        await client.start(timeout_s=10)
        rng = random.Random(seed)
        numbers = rng.sample(range(10_000_000, 100_000_000), count)
        requests = [
            OriginateRequest(
                f"s{seed}n{i}",
                f"+336{numbers[i]}",
                LOCAL,
                CALLER,
                agent=f"Local/9{i % 100:02d}@sim-agents",
            )
            for i in range(count)
        ]
        pending = iter(requests)

        async def worker() -> None:
            for req in pending:
                await client.originate(req)

        try:
            ours.send("go")
            cpu0, start = time.process_time(), time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            sent_s = time.perf_counter() - start
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(observer.all_done.wait(), 60)
            ended_s = time.perf_counter() - start
            cpu_s = time.process_time() - cpu0
        finally:
            await client.close()
        ours.send("stop")
        dial_log: list[tuple[str, str | None]]
        dial_log, sim_cpu_s = await _receive(ours, server)
    finally:
        server.join(10)
        if server.is_alive():
            server.kill()
    sent = {r.channel_id for r in requests}
    dialled = {cid for cid, _ in dial_log}
    return {
        "originates_per_s": count / sent_s,
        "completed_per_s": len(observer.finals) / ended_s,
        "sent": float(count),
        "finals": float(len(observer.finals)),
        "lost": float(len(sent - set(observer.finals))),
        "duplicates": float(observer.duplicates),
        "dial_log": float(len(dial_log)),
        "dial_log_mismatch": float(len(sent ^ dialled)),
        "sim_unfinished": float(sum(1 for _, result in dial_log if result is None)),
        # Which side was busy: CPU seconds per wall second until the last final.
        "client_cpu_load": cpu_s / ended_s,
        # Machine-independent: what one core would sustain if the adapter had it to itself.
        "per_client_cpu_s": len(observer.finals) / cpu_s if cpu_s > 0 else 0.0,
        "sim_cpu_load": sim_cpu_s / ended_s,
    }
