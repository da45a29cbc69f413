"""``dialer wave``: schedule a campaign's waves, list them, start, pause, resume, stop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import typer
from rich import box
from rich.table import Table
from sqlmodel import Session

from dialer.campaigns.models import Wave
from dialer.campaigns.setup import SetupError, find_campaign
from dialer.campaigns.waves import (
    STATUS_FR,
    Cohort,
    WaveError,
    WaveProgress,
    WaveStatus,
    campaign_waves,
    pause_wave,
    resume_wave,
    schedule_wave,
    start_wave,
    stop_wave,
    wave_by_number,
    wave_numbers,
)
from dialer.campaigns.waves.times import paris_text, paris_time, parse_paris_time
from dialer.cli.context import console, fail, runtime
from dialer.core.columns import require_id, utcnow
from dialer.core.db import session_scope
from dialer.core.french import count_fr, number_fr
from dialer.wording import Kind, choices

CAMPAIGN_HELP = "code ou numéro de la campagne"
NUMBER_HELP = "numéro de la vague dans sa campagne (1, 2 … : voir dialer wave list)"

wave_app = typer.Typer(help="Vagues d'appels d'une campagne.", no_args_is_help=True)
# The values typed, each beside the name the pages give it.
PACING_HELP_FR = ", ".join(f"{code} ({name})" for code, name in choices(Kind.PACING).items())


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
    campaign: str = typer.Argument(..., help=CAMPAIGN_HELP),
    start: str = typer.Option(..., "--start", help="début, heure de Paris : 01/12/2026 10:00"),
    end: str = typer.Option(..., "--end", help="fin, heure de Paris : 01/12/2026 18:00"),
    name: str = typer.Option("", "--name", help="nom de la vague (défaut : d'après son début)"),
    cohort: Cohort = typer.Option(Cohort.ALL, "--cohort", help="all, remaining ou filter"),
    filters: list[str] = typer.Option(
        [], "--filter", help="territory=reunion, postal_code_prefix=974, theme.<champ>=valeur"
    ),
    quotas: list[str] = typer.Option([], "--quota", help="CODE_CAISSE=nombre maximal"),
    pacing: str = typer.Option("progressive", "--pacing", help=PACING_HELP_FR),
    overlap_ok: bool = typer.Option(
        False, "--overlap-ok", help="programmer malgré une vague chevauchante de même cohorte"
    ),
) -> None:
    """Programme une vague ; sa cohorte est fixée maintenant."""
    try:
        starts_at = parse_paris_time(start, "Début")
        ends_at = parse_paris_time(end, "Fin")
        with session_scope(runtime().engine) as session:
            found = find_campaign(session, campaign)
            campaign_id = require_id(found)
            wave = schedule_wave(
                session, campaign_id, name or f"Vague du {paris_text(starts_at)}",
                starts_at, ends_at, cohort.value, _pairs(filters, "--filter"),
                _quota(quotas), pacing, confirm_overlap=overlap_ok,
            )  # fmt: skip
            [progress] = [p for p in campaign_waves(session, campaign_id) if p.wave.id == wave.id]
            number = wave_numbers(session, campaign_id)[require_id(wave)]
            code = found.code
    except (SetupError, WaveError) as error:
        raise fail(str(error)) from error
    console.print(
        f"Vague {code} {number} programmée du {paris_text(wave.starts_at)} au "
        f"{paris_text(wave.ends_at)} (heure de Paris) : "
        f"{count_fr(progress.cohort_size, 'contact', 'contacts')}."
    )


@wave_app.command("list")
def list_waves(campaign: str = typer.Argument(..., help=CAMPAIGN_HELP)) -> None:
    """Liste les vagues d'une campagne, avec leur avancement."""
    try:
        with Session(runtime().engine) as session:
            found = find_campaign(session, campaign)
            waves = campaign_waves(session, require_id(found))
            numbers = wave_numbers(session, require_id(found))
    except SetupError as error:
        raise fail(str(error)) from error
    if not waves:
        console.print("Aucune vague pour cette campagne.")
        return
    console.print(wave_table(found.code, waves, numbers, terminal=console.is_terminal))


def _slot(starts_at: datetime, ends_at: datetime) -> str:
    """« 08/12/26 10:00→18:00 », or « 08/12/26 10:00→09/12 18:00 » over two days."""
    start, end = paris_time(starts_at), paris_time(ends_at)
    if start.date() == end.date():
        return f"{start:%d/%m/%y %H:%M}→{end:%H:%M}"
    return f"{start:%d/%m/%y %H:%M}→{end:%d/%m %H:%M}"


NAME_WIDTH = 15  # with the other columns at their widest, the table fits 80 columns


def _short(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1].rstrip() + "…"


def wave_table(
    campaign_code: str, waves: list[WaveProgress], numbers: dict[int, int], *, terminal: bool
) -> Table:
    """Fits 80 columns; in a pipe, plain aligned text (no frame, no colour) for grep and cut."""
    table = Table(
        title=f"Vagues de la campagne {campaign_code} (heures de Paris)",
        box=box.SIMPLE_HEAD if terminal else None,
        show_edge=False,
        header_style="bold" if terminal else "",
        title_style="",
        title_justify="center" if terminal else "left",
        pad_edge=False,
        # One space between columns: the frame's own separator, or a collapsed padding.
        padding=(0, 0) if terminal else (0, 1),
        collapse_padding=True,
    )
    table.add_column("N°", justify="right", no_wrap=True)
    table.add_column("Nom", no_wrap=True)
    table.add_column("État", no_wrap=True)
    table.add_column("Créneau", no_wrap=True)
    for heading in ("Cohorte", "Appelés", "Joints"):
        table.add_column(heading, justify="right", no_wrap=True)
    for p in waves:
        w = p.wave
        table.add_row(
            str(numbers[require_id(w)]), _short(w.name), STATUS_FR[WaveStatus(w.status)],
            _slot(w.starts_at, w.ends_at), number_fr(p.cohort_size),
            number_fr(p.called), number_fr(p.reached),
        )  # fmt: skip
    return table


def _move(campaign: str, number: int, move: Callable[..., Wave], done: str) -> None:
    try:
        with session_scope(runtime().engine) as session:
            found = find_campaign(session, campaign)
            wave = wave_by_number(session, require_id(found), found.code, number)
            wave = move(session, require_id(wave), utcnow())
            status = STATUS_FR[WaveStatus(wave.status)].lower()
    except (SetupError, WaveError) as error:
        raise fail(str(error)) from error
    console.print(f"Vague {found.code} {number} {done} ({status}).")


@wave_app.command("start")
def start(
    campaign: str = typer.Argument(..., help=CAMPAIGN_HELP),
    number: int = typer.Argument(..., help=NUMBER_HELP),
) -> None:
    """Démarre une vague maintenant (la campagne passe en cours)."""
    _move(campaign, number, start_wave, "démarrée")


@wave_app.command("pause")
def pause(
    campaign: str = typer.Argument(..., help=CAMPAIGN_HELP),
    number: int = typer.Argument(..., help=NUMBER_HELP),
) -> None:
    """Suspend une vague : plus de nouvel appel, les appels en cours se terminent."""
    _move(campaign, number, pause_wave, "suspendue")


@wave_app.command("resume")
def resume(
    campaign: str = typer.Argument(..., help=CAMPAIGN_HELP),
    number: int = typer.Argument(..., help=NUMBER_HELP),
) -> None:
    """Reprend une vague suspendue."""
    _move(campaign, number, resume_wave, "reprise")


@wave_app.command("stop")
def stop(
    campaign: str = typer.Argument(..., help=CAMPAIGN_HELP),
    number: int = typer.Argument(..., help=NUMBER_HELP),
) -> None:
    """Arrête une vague pour de bon ; les personnes non jointes restent pour la suivante."""
    _move(campaign, number, stop_wave, "arrêtée")
