"""AMI benchmark, part (a): recorded Asterisk bytes through the adapter's parse path.

The corpus is the recorded transcripts (the 20-call burst and every single-call
file) replicated with distinct ChannelIds, ActionIDs and numeric Uniqueids and
interleaved so that every call is open at once. ``parse_rates`` feeds it to the
adapter (SafeAmiProtocol -> _Manager -> AmiClient._on_event -> CallTracker) and,
alternately in the same run, to bare panoramisk (AMIProtocol + Manager dispatch
to a no-op). Run ``bench/ami.py``.
"""

from __future__ import annotations

import asyncio
import gc
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from panoramisk.ami_protocol import AMIProtocol
from panoramisk.manager import Manager

from telephony.ami import (
    AmiClient,
    AmiEndpoint,
    CallUpdate,
    ConnectionSettings,
)
from telephony.ami.connection import _Manager
from telephony.ami.protocol import SafeAmiProtocol
from telephony.transcripts import Transcript, load_all

BURST = "30-burst-20-originates"
SINGLE_CALLS = (
    "10-originate-answered-agent", "11-originate-busy", "12-originate-no-answer",
    "13-originate-congestion", "14-originate-answered-short", "15-originate-ring-then-answer",
    "16-originate-unallocated", "17-originate-unavailable", "18-originate-amd-human",
    "19-originate-amd-machine", "20-call-in-progress-hangup", "40-pjsip-answered-dialer-hangup",
    "41-pjsip-busy", "42-pjsip-not-found", "43-pjsip-service-unavailable", "44-pjsip-no-answer",
    "45-pjsip-temporarily-unavailable", "46-pjsip-unknown-endpoint",
)  # fmt: skip
BANNER = b"Asterisk Call Manager/11.0.0\r\n"
_NUMERIC_ID = re.compile(r"\b(\d{10})\.(\d+)\b")


# -- the corpus ----------------------------------------------------------------
@dataclass(frozen=True)
class Tracked:
    attempt_id: str
    channel_id: str
    other_channel_id: str
    action_id: str
    agent: str


@dataclass
class Corpus:
    events: list[bytes]  # one wire message each, CRLF CRLF included
    calls: list[Tracked]
    ended: int  # calls the recorded events end (file 18 logs off mid-call)

    @property
    def stream(self) -> bytes:
        return BANNER + b"".join(self.events)


def _renamer(copy: int) -> Callable[[str], str]:
    """Give copy ``n`` of a recording its own calls: ChannelIds, ActionIDs, numeric ids."""
    tag = f"dialer-c{copy}x"

    def numeric(match: re.Match[str]) -> str:
        return f"{match.group(1)}.{copy * 1_000_000 + int(match.group(2))}"

    def rename(text: str) -> str:
        text = text.replace("dialer-", tag).replace("ActionID: o-", f"ActionID: o-c{copy}x")
        return _NUMERIC_ID.sub(numeric, text)

    return rename


def _copy_of(transcript: Transcript, copy: int) -> tuple[list[bytes], list[Tracked]]:
    rename = _renamer(copy)
    events = [
        rename("\r\n".join(m.lines) + "\r\n\r\n").encode()
        for m in transcript.received()
        if m.is_event
    ]
    calls = []
    for m in transcript.sent():
        if m.get("Action") != "Originate":
            continue
        var = dict(v.partition("=")[::2] for k, v in m.headers if k == "Variable")
        calls.append(
            Tracked(
                attempt_id=f"c{copy}x{var['ATTEMPT_ID']}",
                channel_id=rename(m.get("ChannelId") or ""),
                other_channel_id=rename(m.get("OtherChannelId") or ""),
                action_id=rename("ActionID: " + (m.get("ActionID") or "")).split(": ", 1)[1],
                agent=var.get("AGENT", ""),
            )
        )
    return events, calls


def build_corpus(min_events: int) -> Corpus:
    """Copies of the burst and of every single-call file until ``min_events``.

    Round-robin across all copies, so every call is open at once (about 40
    per copy) and each copy's own event order is kept, as on the wire.
    """
    transcripts = load_all()
    sources = [transcripts[BURST], *(transcripts[name] for name in SINGLE_CALLS)]
    per_copy = sum(len(t.events()) for t in sources)
    copies = max(1, -(-min_events // per_copy))
    streams: list[list[bytes]] = []
    calls: list[Tracked] = []
    for copy in range(copies):
        for transcript in sources:
            events, tracked = _copy_of(transcript, copy)
            streams.append(events)
            calls.extend(tracked)
    merged: list[bytes] = []
    for i in range(max(len(s) for s in streams)):
        merged.extend(s[i] for s in streams if i < len(s))
    # File 18 logs off while its call is still connected: no final for it.
    return Corpus(merged, calls, ended=len(calls) - copies)


# -- (a) parse and route on one core -----------------------------------------
class NullTransport:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


class NullObserver:
    async def on_call_update(self, update: CallUpdate) -> None:
        pass


def settings(port: int, ping_interval_s: float = 10.0) -> ConnectionSettings:
    endpoint = AmiEndpoint("127.0.0.1", port, "dialer", "dialer-secret", "plain")
    return ConnectionSettings(endpoint, action_timeout_s=10.0, ping_interval_s=ping_interval_s)


def split_chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@dataclass
class Timing:
    wall_s: float
    cpu_s: float
    events: int
    finals: int


def _timed(feed: Callable[[bytes], None], chunks: list[bytes]) -> tuple[float, float]:
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for chunk in chunks:
        feed(chunk)
    return time.perf_counter() - wall0, time.process_time() - cpu0


async def adapter_pass(corpus: Corpus, chunks: list[bytes]) -> Timing:
    """The adapter's own path: protocol, manager, client handler, tracker, update queue."""
    client = AmiClient(settings(1), NullObserver())
    connection = client.connection
    connection._manager = _Manager(connection)
    protocol = SafeAmiProtocol()
    protocol.connection_made(NullTransport())
    connection._attach(protocol)
    for c in corpus.calls:
        client.tracker.track(c.attempt_id, c.channel_id, c.other_channel_id, c.action_id, c.agent)
    wall, cpu = _timed(protocol.data_received, chunks)
    finals = 0
    queue = client._updates
    while not queue.empty():
        finals += queue.get_nowait().result is not None
    return Timing(wall, cpu, len(corpus.events), finals)


async def panoramisk_pass(corpus: Corpus, chunks: list[bytes]) -> Timing:
    """panoramisk as shipped: its protocol, its Manager's pattern dispatch, a no-op callback."""
    seen = 0

    def noop(manager: Any, event: Any) -> None:
        nonlocal seen
        seen += 1

    manager = Manager(loop=asyncio.get_running_loop())
    manager.register_event("*", noop)
    protocol = AMIProtocol()
    protocol.connection_made(NullTransport())
    protocol.factory = manager
    protocol.encoding = "utf8"
    wall, cpu = _timed(protocol.data_received, chunks)
    if seen != len(corpus.events):
        raise RuntimeError(f"panoramisk dispatched {seen} of {len(corpus.events)} events")
    return Timing(wall, cpu, seen, 0)


async def parse_rates(corpus: Corpus, runs: int, chunk: int) -> dict[str, float]:
    chunks = split_chunks(corpus.stream, chunk)
    ours: list[Timing] = []
    bare: list[Timing] = []
    for run in range(runs):
        # Alternate the order so neither side always runs on a warmer cache.
        first, second = (
            (adapter_pass, panoramisk_pass) if run % 2 else (panoramisk_pass, adapter_pass)
        )
        a = await first(corpus, chunks)
        b = await second(corpus, chunks)
        ours.append(a if first is adapter_pass else b)
        bare.append(b if first is adapter_pass else a)
    for t in ours:
        if t.finals != corpus.ended:
            raise RuntimeError(f"tracker ended {t.finals} calls, expected {corpus.ended}")
    n = len(corpus.events)
    return {
        "events": n,
        "concurrent_calls": len(corpus.calls),
        "events_per_s": statistics.median(n / t.wall_s for t in ours),
        "events_per_cpu_s": statistics.median(n / t.cpu_s for t in ours if t.cpu_s > 0),
        "panoramisk_events_per_s": statistics.median(n / t.wall_s for t in bare),
        "ratio_to_panoramisk": statistics.median(
            b.wall_s / a.wall_s for a, b in zip(ours, bare, strict=True)
        ),
    }
