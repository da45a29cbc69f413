"""AMI benchmark of the telephony layer: parse-and-route rate, lag under a flood, originates/s.

(a) The bytes a real Asterisk sent (recorded transcripts: the 20-call burst and
    every single-call file), replicated with distinct Uniqueids/ChannelIds and
    interleaved so the tracker holds ~1,000 calls at once, go through the
    adapter's real parse path (SafeAmiProtocol.data_received -> _Manager ->
    AmiClient._on_event -> CallTracker) and, in the same run, through bare
    panoramisk (AMIProtocol.data_received + Manager.dispatch to a no-op).
    Then a loopback TCP server in another process writes the same events at
    5,000/s into a live AmiClient, and the lag from write to handler is taken.
(b) Originates/s an AmiClient sustains against the PBX simulator (in its own
    process, as Asterisk would be), every call correlated to one final update.

    .venv/bin/python bench/ami.py            # full run, medians of several runs
    .venv/bin/python bench/ami.py --quick    # a few seconds
    .venv/bin/python bench/ami.py --json     # figures as one JSON object
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
import logging  # noqa: E402
import statistics  # noqa: E402
from typing import Any  # noqa: E402

from bench.ami_live import flood_lag, originate_run  # noqa: E402
from bench.ami_parse import build_corpus, parse_rates  # noqa: E402

GOALS = {"events_per_s": 25_000, "ratio_to_panoramisk": 0.8, "flood_lag_p99_ms": 20.0,
         "originates_per_s": 500}  # fmt: skip


# -- report ------------------------------------------------------------------
def _median_of(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


async def run(quick: bool) -> dict[str, Any]:
    parse_events, parse_runs = (20_000, 3) if quick else (60_000, 7)
    flood_s, flood_runs = (1.0, 2) if quick else (4.0, 5)
    orig_count, orig_runs = (300, 2) if quick else (2_000, 3)
    flood_rate = 5_000.0
    parse = await parse_rates(build_corpus(parse_events), parse_runs, chunk=65_536)
    floods = [await flood_lag(flood_s, flood_rate) for _ in range(flood_runs)]
    origs = [await originate_run(orig_count, 64, 0.0005, seed) for seed in range(1, orig_runs + 1)]
    report: dict[str, Any] = {
        "quick": quick,
        "parse_events": parse["events"],
        "parse_concurrent_calls": parse["concurrent_calls"],
        "parse_runs": parse_runs,
        "events_per_s": round(parse["events_per_s"]),
        "events_per_cpu_s": round(parse["events_per_cpu_s"]),
        "panoramisk_events_per_s": round(parse["panoramisk_events_per_s"]),
        "ratio_to_panoramisk": round(parse["ratio_to_panoramisk"], 3),
        "flood_rate_target": flood_rate,
        "flood_rate_achieved": round(_median_of(floods, "rate")),
        "flood_events": int(_median_of(floods, "events")),
        "flood_runs": flood_runs,
        "flood_lag_p50_ms": round(_median_of(floods, "p50"), 3),
        "flood_lag_p99_ms": round(_median_of(floods, "p99"), 3),
        "flood_lag_max_ms": round(max(f["max"] for f in floods), 3),
        "originate_runs": orig_runs,
        "originates_sent": int(sum(o["sent"] for o in origs)),
        "originates_per_s": round(_median_of(origs, "originates_per_s")),
        "originates_completed_per_s": round(_median_of(origs, "completed_per_s")),
        "originate_finals": int(sum(o["finals"] for o in origs)),
        "originate_lost": int(sum(o["lost"] for o in origs)),
        "originate_duplicate_finals": int(sum(o["duplicates"] for o in origs)),
        "originate_dial_log": int(sum(o["dial_log"] for o in origs)),
        "originate_dial_log_mismatch": int(sum(o["dial_log_mismatch"] for o in origs)),
        "originates_per_cpu_s": round(_median_of(origs, "per_client_cpu_s")),
        "originate_client_cpu_load": round(_median_of(origs, "client_cpu_load"), 3),
        "originate_sim_cpu_load": round(_median_of(origs, "sim_cpu_load"), 3),
    }
    report["goals_met"] = {
        "events_per_s": report["events_per_s"] >= GOALS["events_per_s"],
        "ratio_to_panoramisk": report["ratio_to_panoramisk"] >= GOALS["ratio_to_panoramisk"],
        "flood_lag_p99_ms": report["flood_lag_p99_ms"] < GOALS["flood_lag_p99_ms"],
        "originates_per_s": report["originates_per_s"] >= GOALS["originates_per_s"]
        and report["originate_lost"] == 0
        and report["originate_duplicate_finals"] == 0,
    }
    return report


def print_report(r: dict[str, Any]) -> None:
    ok = r["goals_met"]

    def mark(key: str) -> str:
        return "ok" if ok[key] else "MISSED"

    print(
        f"parse+route: {r['parse_events']:,} events, {r['parse_concurrent_calls']:,} calls open, "
        f"median of {r['parse_runs']}"
    )
    print(
        f"  adapter     {r['events_per_s']:>9,} events/s  "
        f"(goal >= 25,000: {mark('events_per_s')}); {r['events_per_cpu_s']:,}/CPU-s"
    )
    print(f"  panoramisk  {r['panoramisk_events_per_s']:>9,} events/s  bare parse + no-op dispatch")
    print(
        f"  ratio       {r['ratio_to_panoramisk']:>9}  (goal >= 0.8: {mark('ratio_to_panoramisk')})"
    )
    print(
        f"flood over loopback TCP: {r['flood_events']:,} events at {r['flood_rate_achieved']:,}/s"
        f" (target {r['flood_rate_target']:,.0f}), median of {r['flood_runs']}"
    )
    print(
        f"  lag p50 {r['flood_lag_p50_ms']} ms, p99 {r['flood_lag_p99_ms']} ms "
        f"(goal < 20: {mark('flood_lag_p99_ms')}), worst {r['flood_lag_max_ms']} ms"
    )
    print(
        f"originates against the simulator: {r['originates_sent']:,} in {r['originate_runs']} runs"
    )
    print(
        f"  {r['originates_per_s']:,} originates/s acknowledged (goal >= 500: "
        f"{mark('originates_per_s')}); "
        f"{r['originates_completed_per_s']:,}/s until the last final"
    )
    print(
        f"  finals {r['originate_finals']:,}, lost {r['originate_lost']}, duplicate finals "
        f"{r['originate_duplicate_finals']}, dial log {r['originate_dial_log']:,} "
        f"(mismatched ids {r['originate_dial_log_mismatch']})"
    )
    print(
        f"  CPU load: adapter process {r['originate_client_cpu_load']}, simulator process "
        f"{r['originate_sim_cpu_load']} (CPU-s per wall-s; 1.0 = one core busy)"
    )
    print(f"  {r['originates_per_cpu_s']:,} calls (originate to final) per adapter CPU-second")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    args = parser.parse_args(argv)
    # The adapter logs a warning per lost connection; the benchmark closes on purpose.
    logging.basicConfig(level=logging.ERROR)
    report = asyncio.run(run(args.quick))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
