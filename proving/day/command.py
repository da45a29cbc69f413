"""``dialer-day``: the acceptance run of a whole campaign day, with optional faults.

A command of its own, not a ``dialer`` sub-command: the product never imports its proving tools.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from pathlib import Path

import typer

from dialer.cli.context import console, fail
from dialer.core.db import make_engine
from dialer.core.errors import DomainError
from proving.day.compare import compare, first_outcomes, side_by_side
from proving.day.options import DayOptions, RealPbx, parse_faults
from proving.day.run import DayResult, FaultsNeedTheSimulator, WorkerKillNeedsPostgres, run_day
from proving.day.summary import summary_text

FAULTS_HELP = (
    "pannes, séparées par des virgules : ami-drop, worker-kill, worker-kill-live, worker-stop, "
    "receiver-flaky, slow-pbx, ou all. worker-kill, worker-kill-live et worker-stop demandent "
    "PostgreSQL (--database-url postgresql://…)"
)


app = typer.Typer(
    add_completion=False, help="Journée de campagne complète (recette), avec pannes au choix."
)


@app.command()
def day(
    agents: int = typer.Option(20, "--agents", min=1, help="agents simulés au poste"),
    people: int = typer.Option(2000, "--people", min=1, help="personnes du fichier"),
    seed: int = typer.Option(1, "--seed", help="graine de toute la journée"),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="PostgreSQL : un nouveau schéma y est créé "
        "(défaut : un nouveau fichier SQLite sous var/day/)",
    ),  # fmt: skip
    time_factor: float = typer.Option(
        0.008, "--time-factor", help="secondes réelles par seconde simulée (8 h en 4 min)"
    ),
    hours: float = typer.Option(8.0, "--hours", help="durée de la journée simulée (heures)"),
    start_hour: int = typer.Option(8, "--start-hour", min=0, max=23, help="heure de Paris"),
    faults: str = typer.Option("", "--faults", help=FAULTS_HELP),
    compare_runs: bool = typer.Option(
        False,
        "--compare",
        help="jouer aussi la même journée sans panne et comparer : "
        "fichier, oppositions, vague et résultat de chaque personne jointe deux fois doivent "
        "être égaux ; seuls les appels retardés par les pannes peuvent différer",
    ),  # fmt: skip
    as_json: bool = typer.Option(False, "--json", help="résultat en JSON"),
    pacing: str = typer.Option(
        "predictive", "--pacing", help="mode de la vague : predictive, progressive ou preview"
    ),
    pbx_url: str | None = typer.Option(
        None,
        "--pbx-url",
        help="un Asterisk réel (ami://dialer:SECRET@127.0.0.1:5038) au lieu du simulateur : "
        "la journée se joue alors en temps réel, sans panne",
    ),  # fmt: skip
    phones: str = typer.Option(
        "901,902", "--phones", help="avec --pbx-url : postes PJSIP des agents (téléphones pyVoIP)"
    ),
    sip_server: str = typer.Option("127.0.0.1:5060", "--sip-server", help="avec --pbx-url"),
    dial_template: str = typer.Option(
        "Local/{national}@sim-persons", "--dial-template", help="avec --pbx-url"
    ),
    work_dir: Path = typer.Option(Path("var/day"), "--work-dir", help="dossier des journées"),
) -> None:
    """Joue une journée complète de campagne, affiche son bilan et le contrôle indépendant."""
    logging.basicConfig(level=logging.ERROR)
    try:
        chosen = parse_faults(faults)
    except DomainError as error:
        raise fail(str(error)) from None
    if pacing not in ("predictive", "progressive", "preview"):
        raise fail(f"Mode inconnu : {pacing} (au choix : predictive, progressive, preview).")
    pbx = None
    if pbx_url:
        endpoints = tuple(p.strip() for p in phones.split(",") if p.strip())
        pbx = RealPbx(pbx_url, dial_template, phones=endpoints, sip_server=sip_server)
        # A real PBX runs in real time: a person's 20 s of talk last 20 s.
        time_factor, agents = 1.0, len(endpoints)
    options = DayOptions(agents=agents, people=people, seed=seed, database_url=database_url,
                         time_factor=time_factor, hours=hours, start_hour=start_hour,
                         faults=chosen, work_dir=work_dir, pacing=pacing, pbx=pbx)  # fmt: skip
    try:
        calm = asyncio.run(run_day(replace(options, faults=frozenset()))) if compare_runs else None
        result = asyncio.run(run_day(options))
    except (WorkerKillNeedsPostgres, FaultsNeedTheSimulator) as error:
        raise fail(str(error)) from None
    ok = _report(result, calm, as_json)
    if not ok:
        raise typer.Exit(1)


def _report(result: DayResult, calm: DayResult | None, as_json: bool) -> bool:
    comparison = None
    if calm is not None:
        comparison = compare(calm.summary, result.summary, _outcomes(calm), _outcomes(result))
    ok = result.ok and (calm is None or calm.ok) and (comparison is None or comparison.ok)
    if as_json:
        document = {"ok": ok, "day": _json(result), "without_faults": _json(calm) if calm else None,
                    "comparison": comparison.__dict__ if comparison else None}  # fmt: skip
        console.print_json(json.dumps(document, default=str))
        return ok
    console.print(summary_text(result.summary), highlight=False, soft_wrap=True)
    console.print(_extras(result), highlight=False, soft_wrap=True)
    if calm is not None and comparison is not None:
        console.print(
            "\nComparaison avec la même journée sans panne :", highlight=False, soft_wrap=True
        )
        console.print(
            side_by_side(calm.summary, result.summary, comparison), highlight=False, soft_wrap=True
        )
    console.print("\n" + (result.check_error or result.check_text), highlight=False, soft_wrap=True)
    return ok


def _outcomes(result: DayResult) -> dict[int, tuple[str | None, str | None, bool, bool]]:
    engine = make_engine(result.database_url)
    try:
        return first_outcomes(engine, result.campaign_ids)
    finally:
        engine.dispose()


def _extras(result: DayResult) -> str:
    struck = ", ".join(f"{name} ×{n}" for name, n in sorted(result.faults.items())) or "aucune"
    return "\n".join([
        f"  Pannes provoquées : {struck}",
        *([f"  Processus tué pendant un appel en relation : {result.killed_during_a_call} fois"]
          if "worker-kill-live" in result.faults else []),
        f"  Flux des caisses : {result.feed_received} événement(s) reçu(s) "
        f"sur {result.feed_events}",
        f"  Base : {result.database_url}",
        f"  Journal des numérotations du PBX : {result.dial_log}",
        *([f"  {result.real_pbx.text_fr()}"] if result.real_pbx else []),
        *(f"  Agent arrêté sur une erreur : {failure}" for failure in result.tally.failures),
    ])  # fmt: skip


def _json(result: DayResult) -> dict[str, object]:
    return {
        "summary": result.summary.as_json(), "faults": result.faults,
        "feed_events": result.feed_events, "feed_received": result.feed_received,
        "database_url": result.database_url, "dial_log": str(result.dial_log),
        "breaches": result.breaches, "check_error": result.check_error,
        "desk": {"pops": result.tally.pops, "recorded": result.tally.recorded,
                 "refused": result.tally.refused, "choices": dict(result.tally.choices),
                 "failures": result.tally.failures},
    }  # fmt: skip
