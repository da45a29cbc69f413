"""Result-feed benchmark: pull 1,000,000 events as NDJSON over HTTP, push them to a webhook.

Inserts the events for one fund in bulk (insured contact changes with a sealed
NIR, so every event is opened on the way out), then measures:

(a) pulling them all through the real ASGI app served by uvicorn in another
    process, pages of ``--page`` events chained by ``after`` (goal >= 100,000/s),
    with the server's resident memory before and at its peak (flat memory);
(b) pushing them with ``FeedPusher`` to a receiver (uvicorn, another process)
    that accepts everything, in batches of ``--batch`` (goal >= 20,000/s).

    .venv/bin/python bench/feed.py --events 100000
    .venv/bin/python bench/feed.py --json \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, the repository root must be importable (``bench.*``, the packages).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import dialer.operations.schema  # noqa: E402,F401  (registers every table)
from dialer.campaigns.setup import create_campaign, create_fund  # noqa: E402
from dialer.compliance.feed.delivery import PushSettings  # noqa: E402
from dialer.compliance.feed.models import FeedEvent  # noqa: E402
from dialer.compliance.feed.outbox import allocate_seqs  # noqa: E402
from dialer.compliance.feed.push import FeedPusher  # noqa: E402
from dialer.compliance.feed.tokens import create_token  # noqa: E402
from dialer.compliance.feed.webhooks import set_webhook  # noqa: E402
from dialer.contacts.funds import FundFeed  # noqa: E402
from dialer.contacts.territories import Territory  # noqa: E402
from dialer.core.columns import utcnow  # noqa: E402
from dialer.core.crypto import DataCipher, KeyRing  # noqa: E402
from dialer.core.db import make_engine  # noqa: E402

FUND = "CPAM75"
NIR = "185077512345675"
INSERT_CHUNK = 20_000


def build(engine: Engine, cipher: DataCipher, count: int) -> tuple[int, str]:
    """One fund, one campaign, ``count`` events; returns the fund id and an API token."""
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        fund = create_fund(session, FUND, "CPAM de Paris", Territory.METRO)
        create_campaign(session, "GRIPPE-75", "Grippe", "flu_vaccination", fund, "+33140000000")
        token = create_token(session, fund.id or 0, "bench")
        session.commit()
        fund_id = fund.id or 0
    sealed = cipher.encrypt(NIR, "nir")
    table = FeedEvent.__table__  # type: ignore[attr-defined]
    for start in range(0, count, INSERT_CHUNK):
        size = min(INSERT_CHUNK, count - start)
        with Session(engine) as session:
            first = allocate_seqs(session, fund_id, size)
            session.execute(table.insert(), list(_rows(fund_id, first, size, sealed)))
            session.commit()
    return fund_id, token


def _rows(fund_id: int, first: int, size: int, sealed: str) -> Iterator[dict[str, Any]]:
    created = utcnow()
    for seq in range(first, first + size):
        payload = {
            "campaign": "GRIPPE-75",
            "row_ref": f"L-{seq:08d}",
            "occurred_at": "2026-11-25T10:00:00Z",
            "nir_sealed": sealed,
            "field": "email",
            "value": f"personne{seq}@example.org",
        }
        yield {
            "fund_id": fund_id,
            "seq": seq,
            "event_id": str(uuid.uuid4()),
            "kind": "contact_change",
            "payload": payload,
            "created_at": created,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_process(role: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, __file__, "--serve", role, "--port", str(port)],
        env={**os.environ, **env},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the {role} server did not start")


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def pull_all(port: int, token: str, count: int, page: int) -> tuple[float, int]:
    """Every event after 0, page after page; returns seconds and events read."""
    url = f"http://127.0.0.1:{port}/api/funds/{FUND}/results"
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/x-ndjson"}
    after, read = 0, 0
    started = time.perf_counter()
    with httpx.Client(timeout=120) as client:
        while True:
            params = {"after": after, "limit": page}
            with client.stream("GET", url, params=params, headers=headers) as reply:
                reply.raise_for_status()
                lines, tail = _count_lines(reply.iter_bytes())
            if lines == 0:
                break
            read += lines
            after = json.loads(tail)["seq"]
    elapsed = time.perf_counter() - started
    if read != count or after != count:
        raise RuntimeError(f"pulled {read} events up to seq {after}, expected {count}")
    return elapsed, read


def _count_lines(chunks: Iterator[bytes]) -> tuple[int, bytes]:
    lines, last = 0, b""
    for chunk in chunks:
        lines += chunk.count(b"\n")
        last = (last + chunk)[-4096:]
    tail = last.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    return lines, tail


async def push_all(engine: Engine, cipher: DataCipher, fund_id: int, batch: int) -> float:
    settings = PushSettings(batch_size=batch, max_batches_per_round=1_000_000, timeout_s=60)
    pusher = FeedPusher(engine, cipher, lambda: httpx.AsyncClient(), utcnow, settings)
    started = time.perf_counter()
    while True:
        stats = await pusher.run_once()
        if stats.failures:
            raise RuntimeError("the receiver refused a batch")
        if stats.events == 0:
            break
    elapsed = time.perf_counter() - started
    with Session(engine) as session:
        feed = session.get(FundFeed, fund_id)
        assert feed is not None and feed.pushed_seq == feed.last_seq
    return elapsed


def serve_api(port: int) -> None:
    """The fund API as the service mounts it, over the bench database."""
    import uvicorn
    from fastapi import FastAPI

    from web.fund_api import create_fund_router

    engine = make_engine(os.environ["DIALER_BENCH_DB"])
    cipher = DataCipher(KeyRing.from_json(os.environ["DIALER_BENCH_KEY"]))
    app = FastAPI()

    def get_session() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            yield session

    app.include_router(create_fund_router(get_session, lambda: cipher))
    app.add_api_route("/ping", lambda: {"ok": True})
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def serve_sink(port: int) -> None:
    """A webhook receiver that takes everything and counts the events."""
    import uvicorn

    received = {"events": 0}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        received["events"] += body.count(b'"event_id"')
        answer = json.dumps(received).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": answer})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def database(url: str | None, folder: str) -> tuple[str, Engine | None, str | None]:
    """The bench database URL, and for PostgreSQL the admin engine and schema to drop."""
    if not url:
        return f"sqlite:///{folder}/feed.sqlite3", None, None
    schema = f"bench_feed_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", admin, schema


def run(args: argparse.Namespace, folder: str) -> dict[str, Any]:
    url, admin, schema = database(args.database_url, folder)
    ring = KeyRing.generate()
    cipher = DataCipher(ring)
    engine = make_engine(url)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        started = time.perf_counter()
        fund_id, token = build(engine, cipher, args.events)
        result: dict[str, Any] = {"database": engine.dialect.name, "events": args.events}
        result["insert_s"] = round(time.perf_counter() - started, 2)
        env = {"DIALER_BENCH_DB": url, "DIALER_BENCH_KEY": ring.to_json()}
        api_port, sink_port = free_port(), free_port()
        processes.append(start_process("api", api_port, env))
        rss_before = memory_kib(processes[0].pid, "VmRSS")
        seconds, read = pull_all(api_port, token, args.events, args.page)
        result |= {"pull_s": round(seconds, 2), "pull_events_per_s": round(read / seconds)}
        result |= {"server_rss_before_kib": rss_before}
        result["server_rss_peak_kib"] = memory_kib(processes[0].pid, "VmHWM")
        processes.append(start_process("sink", sink_port, env))
        with Session(engine) as session:
            set_webhook(session, cipher, fund_id, f"http://127.0.0.1:{sink_port}/hook")
            session.commit()
        seconds = asyncio.run(push_all(engine, cipher, fund_id, args.batch))
        pushed = httpx.get(f"http://127.0.0.1:{sink_port}/ping").json()["events"]
        result |= {"push_s": round(seconds, 2), "push_events_per_s": round(args.events / seconds)}
        result |= {"push_received": pushed, "push_batch": args.batch, "pull_page": args.page}
        return result
    finally:
        for process in processes:
            process.terminate()
            process.wait()
        engine.dispose()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite if omitted")
    parser.add_argument("--page", type=int, default=100_000, help="events per pull request")
    parser.add_argument("--batch", type=int, default=1000, help="events per pushed batch")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--serve", choices=("api", "sink"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "api":
        return serve_api(args.port)
    if args.serve == "sink":
        return serve_sink(args.port)
    with tempfile.TemporaryDirectory(prefix="bench-feed-") as folder:
        result = run(args, folder)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['events']:,} events on {result['database']} (inserted in {result['insert_s']} s)"
    )
    print(
        f"pull NDJSON over HTTP: {result['pull_events_per_s']:,} events/s "
        f"({result['pull_s']} s, pages of {args.page:,}; goal 100,000/s); server RSS "
        f"{result['server_rss_before_kib'] // 1024} MiB before, "
        f"peak {result['server_rss_peak_kib'] // 1024} MiB"
    )
    print(
        f"push to webhook: {result['push_events_per_s']:,} events/s ({result['push_s']} s, "
        f"batches of {args.batch:,}; goal 20,000/s; receiver counted {result['push_received']:,})"
    )


if __name__ == "__main__":
    main()
