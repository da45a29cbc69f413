"""``dialer wave``: schedule a campaign's waves, list them, start, pause, resume, stop."""

from __future__ import annotations

from collections.abc import Callable

import typer
from rich.table import Table
from sqlmodel import Session

from dialer.campaigns.models import Wave
from dialer.campaigns.setup import SetupError, find_campaign
from dialer.campaigns.waves import (
    COHORT_FR,
    STATUS_FR,
    Cohort,
    WaveError,
    WaveStatus,
    campaign_waves,
    pause_wave,
    resume_wave,
    schedule_wave,
    start_wave,
    stop_wave,
)
from dialer.campaigns.waves.times import paris_text, parse_paris_time
from dialer.cli.context import console, fail, runtime
from dialer.core.columns import require_id, utcnow
from dialer.core.db import session_scope

wave_app = typer.Typer(help="Vagues d'appels d'une campagne.", no_args_is_help=True)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise fail(f"{option} {value} : la forme attendue est nom=valeur.")
        pairs[key.strip()] = text.strip()
    return pairs


def _quota(values: list[str]) -> dict[str, int]:
    quota = {}
    for code, text in _pairs(values, "--quota").items():
        if not text.isdigit():
            raise fail(f"--quota {code}={text} : un nombre entier positif est attendu.")
        quota[code] = int(text)
    return quota


@wave_app.command("schedule")
def schedule(
    campaign: str = typer.Argument(..., help="code ou numéro de la campagne"),
    start: str = typer.Option(..., "--start", help="début, heure de Paris : 2026-12-01 10:00"),
    end: str = typer.Option(..., "--end", help="fin, heure de Paris : 2026-12-01 18:00"),
    name: str = typer.Option("", "--name", help="nom de la vague (défaut : d'après son début)"),
    cohort: Cohort = typer.Option(Cohort.ALL, "--cohort", help="all, remaining ou filter"),
    filters: list[str] = typer.Option(
        [], "--filter", help="territory=reunion, postal_code_prefix=974, theme.<champ>=valeur"
    ),
    quotas: list[str] = typer.Option([], "--quota", help="CODE_CAISSE=nombre maximal"),
    pacing: str = typer.Option("progressive", "--pacing", help="preview, progressive, predictive"),
    overlap_ok: bool = typer.Option(
        False, "--overlap-ok", help="programmer malgré une vague chevauchante de même cohorte"
    ),
) -> None:
    """Programme une vague ; sa cohorte est fixée maintenant."""
    try:
        starts_at = parse_paris_time(start, "Début")
        ends_at = parse_paris_time(end, "Fin")
        with session_scope(runtime().engine) as session:
            campaign_id = require_id(find_campaign(session, campaign))
            wave = schedule_wave(
                session, campaign_id, name or f"Vague du {paris_text(starts_at)}",
                starts_at, ends_at, cohort.value, _pairs(filters, "--filter"),
                _quota(quotas), pacing, confirm_overlap=overlap_ok,
            )  # fmt: skip
            [progress] = [p for p in campaign_waves(session, campaign_id) if p.wave.id == wave.id]
    except (SetupError, WaveError) as error:
        raise fail(str(error)) from error
    console.print(
        f"Vague {wave.id} programmée du {paris_text(wave.starts_at)} au "
        f"{paris_text(wave.ends_at)} (heure de Paris) : {progress.cohort_size} contact(s)."
    )


@wave_app.command("list")
def list_waves(campaign: str = typer.Argument(..., help="code ou numéro de la campagne")) -> None:
    """Liste les vagues d'une campagne, avec leur avancement."""
    try:
        with Session(runtime().engine) as session:
            campaign_id = require_id(find_campaign(session, campaign))
            waves = campaign_waves(session, campaign_id)
    except SetupError as error:
        raise fail(str(error)) from error
    if not waves:
        console.print("Aucune vague pour cette campagne.")
        return
    table = Table("N°", "Nom", "État", "Début", "Fin", "Cohorte", "Contacts", "Appelés", "Joints")
    for p in waves:
        w = p.wave
        table.add_row(
            str(w.id), w.name, STATUS_FR[WaveStatus(w.status)], paris_text(w.starts_at),
            paris_text(w.ends_at), COHORT_FR[Cohort(w.cohort)], str(p.cohort_size),
            str(p.called), str(p.reached),
        )  # fmt: skip
    console.print(table)


def _move(wave_id: int, move: Callable[..., Wave], done: str) -> None:
    try:
        with session_scope(runtime().engine) as session:
            wave = move(session, wave_id, utcnow())
    except WaveError as error:
        raise fail(str(error)) from error
    console.print(f"Vague {wave.id} {done} ({STATUS_FR[WaveStatus(wave.status)].lower()}).")


@wave_app.command("start")
def start(wave_id: int = typer.Argument(..., help="numéro de la vague")) -> None:
    """Démarre une vague maintenant (la campagne passe en cours)."""
    _move(wave_id, start_wave, "démarrée")


@wave_app.command("pause")
def pause(wave_id: int = typer.Argument(..., help="numéro de la vague")) -> None:
    """Suspend une vague : plus de nouvel appel, les appels en cours se terminent."""
    _move(wave_id, pause_wave, "suspendue")


@wave_app.command("resume")
def resume(wave_id: int = typer.Argument(..., help="numéro de la vague")) -> None:
    """Reprend une vague suspendue."""
    _move(wave_id, resume_wave, "reprise")


@wave_app.command("stop")
def stop(wave_id: int = typer.Argument(..., help="numéro de la vague")) -> None:
    """Arrête une vague pour de bon ; les personnes non jointes restent pour la suivante."""
    _move(wave_id, stop_wave, "arrêtée")
