"""Pacing benchmark: a simulated campaign day per scenario, production pacing vs VICIdial.

Runs the production code of ``dialer.engine.pacing`` (preview, progressive, predictive) and the
agents' state machine through the discrete-event day of ``proving.pacing_simulation``, next to
a simplified re-implementation of VICIdial's adaptive dial level (ADAPT_HARD_LIMIT and
ADAPT_TAPERED, after ``AST_VDadapt.pl`` and ``AST_VDauto_dial.pl``), in the same run and with the
same random seeds.

    .venv/bin/python -m bench.pacing            # full 8-hour days, table
    .venv/bin/python -m bench.pacing --quick    # 1-hour days, smoke test
    .venv/bin/python -m bench.pacing --json     # figures as one JSON object

VICIdial, simplified (what is kept):
- every 15 s the dial level moves by ``level x diff / agents``, where ``diff`` is the last
  minute's average of agents waiting minus calls waiting (adaptive intensity 0, dl diff target 0);
- the level stays within [1.0, adaptive_maximum_level = 3.0];
- ADAPT_HARD_LIMIT: when the day's drop percentage is above the target, the level falls to 1.0;
- ADAPT_TAPERED: the same, but the allowed drop percentage starts at twice the target and tapers
  to the target at mid-shift, strict for the second half;
- lines to place = floor(level x active agents) - live calls (``available_only_ratio_tally`` N:
  active = ready or in call, live = ringing, waiting or connected).
What is left out: the drop-rate "average" mode, the per-server trunk shortage and call-time
limits, the hopper, and VICIdial's own drop timer (the same 2-second rule applies to all).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dialer.engine.agents import AgentState
from dialer.engine.pacing import (
    CallPhase,
    PacingDecision,
    PacingMode,
    PacingParams,
    PacingSnapshot,
    decide,
)
from proving.pacing_simulation import SimConfig, SimResult, simulate_day

AGENT_COUNTS = (10, 25, 50, 200)
ANSWER_RATES = (0.15, 0.30, 0.60)
MODES = ("preview", "progressive", "predictive", "vicidial_hard", "vicidial_tapered")


@dataclass
class VicidialAdaptive:
    """VICIdial's adaptive dial level, simplified as described in the module docstring."""

    method: str  # "ADAPT_HARD_LIMIT" or "ADAPT_TAPERED"
    shift_s: float
    drop_target_pct: float = 3.0
    max_level: float = 3.0
    update_every_s: float = 15.0
    level: float = 1.0
    samples: deque[tuple[float, int, int]] = field(default_factory=deque)
    start: float | None = None
    last_update: float = 0.0

    def __call__(self, snapshot: PacingSnapshot) -> PacingDecision:
        t = snapshot.now.timestamp()
        if self.start is None:
            self.start = self.last_update = t
        waiting_calls = sum(1 for c in snapshot.calls if c.phase is CallPhase.ANSWERED_WAITING)
        ready = snapshot.count(AgentState.AVAILABLE)
        on_call = snapshot.count(AgentState.ON_CALL)
        active = ready + on_call + snapshot.count(AgentState.RESERVED)
        self.samples.append((t, ready - waiting_calls, active))
        while self.samples and self.samples[0][0] < t - 60.0:
            self.samples.popleft()
        if t - self.last_update >= self.update_every_s:
            self.last_update = t
            self.adapt(snapshot, t - self.start)
        live_calls = len(snapshot.calls) + on_call
        lines = max(0, math.floor(self.level * active) - live_calls)
        return PacingDecision(lines, f"VICIdial adaptive level {self.level:.2f}")

    def adapt(self, snapshot: PacingSnapshot, elapsed_s: float) -> None:
        diff = sum(s[1] for s in self.samples) / len(self.samples)
        agents = sum(s[2] for s in self.samples) / len(self.samples)
        if agents > 0:
            self.level += self.level * diff / agents
        today = snapshot.today
        drop_pct = 100.0 * today.abandoned / today.answered if today.answered else 0.0
        allowed = self.drop_target_pct
        if self.method == "ADAPT_TAPERED":
            allowed *= 1.0 + max(0.0, 1.0 - 2.0 * elapsed_s / self.shift_s)
        if drop_pct > allowed:
            self.level = 1.0
        self.level = min(max(self.level, 1.0), self.max_level)


def pacer_for(
    mode: str, day_s: float
) -> tuple[Callable[[PacingSnapshot], PacingDecision], bool, float]:
    """The pacer of a mode, whether it holds an agent per call, and its preview reading time."""
    if mode == "vicidial_hard":
        return VicidialAdaptive("ADAPT_HARD_LIMIT", day_s), False, 0.0
    if mode == "vicidial_tapered":
        return VicidialAdaptive("ADAPT_TAPERED", day_s), False, 0.0
    params = PacingParams(mode=PacingMode(mode))
    reserve = params.mode is not PacingMode.PREDICTIVE
    preview_s = 20.0 if params.mode is PacingMode.PREVIEW else 0.0
    return (lambda snap: decide(snap, params)), reserve, preview_s


def run_scenario(
    agents: int, answer_rate: float, mode: str, day_s: float, talk_law: str, seed: int
) -> SimResult:
    pacer, reserve, preview_s = pacer_for(mode, day_s)
    config = SimConfig(
        agents=agents,
        answer_rate=answer_rate,
        talk_law="lognormal" if talk_law == "lognormal" else "exponential",
        day_s=day_s,
        reserve_agents=reserve,
        preview_s=preview_s,
        seed=seed,
    )
    return simulate_day(config, pacer)


def row(agents: int, answer_rate: float, mode: str, result: SimResult) -> dict[str, Any]:
    return {
        "scenario": f"{agents} agents, {answer_rate:.0%} answer",
        "agents": agents,
        "answer_rate": answer_rate,
        "mode": mode,
        "occupancy": round(result.occupancy, 4),
        "abandon_rate": round(result.abandon_rate, 4),
        "connected_per_agent_hour": round(result.connected_per_agent_hour, 2),
        "dialed": result.dialed,
        "answered": result.answered,
        "abandoned": result.abandoned,
    }


def goals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The targets of the pacing work, checked on the figures just measured."""
    by = {(r["agents"], r["answer_rate"], r["mode"]): r for r in rows}
    predictive = [r for r in rows if r["mode"] == "predictive"]
    ahead = []
    for r in predictive:
        for baseline in ("vicidial_hard", "vicidial_tapered"):
            b = by.get((r["agents"], r["answer_rate"], baseline))
            if b is not None:
                ahead.append(
                    r["occupancy"] > b["occupancy"]
                    and r["abandon_rate"] <= b["abandon_rate"]
                    or r["occupancy"] >= b["occupancy"]
                    and r["abandon_rate"] < b["abandon_rate"]
                )
    occ = {
        k: by[k]["occupancy"] for k in ((50, 0.3, "predictive"), (25, 0.3, "predictive")) if k in by
    }
    return {
        "predictive_50_agents_30pct_occupancy_ge_90": occ.get((50, 0.3, "predictive"), 0) >= 0.90,
        "predictive_25_agents_30pct_occupancy_ge_85": occ.get((25, 0.3, "predictive"), 0) >= 0.85,
        "predictive_abandon_le_3pct_everywhere": all(r["abandon_rate"] <= 0.03 for r in predictive),
        "predictive_ahead_of_vicidial_everywhere": bool(ahead) and all(ahead),
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    header = f"{'scenario':<26} {'mode':<17} {'occupancy':>9} {'abandon':>8} {'conn/agent-h':>12}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['scenario']:<26} {r['mode']:<17} {r['occupancy']:>9.1%} "
            f"{r['abandon_rate']:>8.2%} {r['connected_per_agent_hour']:>12.2f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="1-hour days instead of 8")
    parser.add_argument("--talk", choices=("exponential", "lognormal"), default="exponential")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--agents", type=int, nargs="*", default=list(AGENT_COUNTS))
    parser.add_argument("--answer-rates", type=float, nargs="*", default=list(ANSWER_RATES))
    parser.add_argument("--modes", nargs="*", choices=MODES, default=list(MODES))
    args = parser.parse_args(argv)
    day_s = 3600.0 if args.quick else 8 * 3600.0
    started = time.perf_counter()
    rows = []
    for agents in args.agents:
        for answer_rate in args.answer_rates:
            for mode in args.modes:
                result = run_scenario(agents, answer_rate, mode, day_s, args.talk, args.seed)
                rows.append(row(agents, answer_rate, mode, result))
    elapsed = time.perf_counter() - started
    report = {
        "benchmark": "pacing",
        "day_hours": day_s / 3600,
        "talk_law": args.talk,
        "mean_talk_s": 180,
        "wrap_up_s": 30,
        "seed": args.seed,
        "results": rows,
        "goals": goals(rows),
        "elapsed_s": round(elapsed, 1),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print_table(rows)
    print()
    for name, ok in report["goals"].items():
        print(f"{'OK ' if ok else 'NO '} {name}")
    print(f"\n{len(rows)} simulated days in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
