"""``dialer fund list|show``, ``dialer campaign list|show|edit``, waves by « campagne + numéro »."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from dialer.campaigns.models import Campaign, Wave
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.campaigns.waves import schedule_wave
from dialer.cli import wave_cmd
from dialer.cli.main import app
from dialer.contacts.territories import Territory
from dialer.core.db import session_scope
from tests.dialer.engine.calling.conftest import add_people

runner = CliRunner()
BOX = set("─│┃━┏┓┗┛╭╮╰╯┼┬┴├┤═║")


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), prog_name="dialer")
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def _setup(engine: Engine) -> dict[str, int]:
    """Two funds, two campaigns (one with contacts), two waves in each campaign."""
    start = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=1)
    ids = {}
    with session_scope(engine) as session:
        paris = create_fund(session, "CPAM75", "CPAM de Paris", Territory.METRO)
        reunion = create_fund(session, "CGSS974", "CGSS de La Réunion", Territory.REUNION)
        flu = create_campaign(
            session, "GRIPPE-75", "Grippe 2026", "flu_vaccination", paris, "01 62 00 00 00"
        )
        dental = create_campaign(
            session, "EBD-974", "M'T dents", "child_dental", reunion, "0262 00 00 00"
        )
        ids = {"flu": flu.id or 0, "dental": dental.id or 0}
    add_people(engine, ids["flu"], ["+33612345601", "+33612345602"])
    with session_scope(engine) as session:
        # Interleaved so that the table's ids and the numbers within a campaign differ.
        for campaign_id in (ids["dental"], ids["flu"], ids["flu"], ids["dental"]):
            schedule_wave(
                session, campaign_id, "Vague d'automne avec un nom bien trop long pour tenir",
                start, start + timedelta(hours=8), "all", {}, {}, "progressive",
                confirm_overlap=True,  # two waves of a campaign share its cohort on purpose
            )  # fmt: skip
    return ids


def test_funds_are_listed_and_shown(engine: Engine, cli_key_file: Path) -> None:
    _setup(engine)
    listing = _run("fund", "list")
    assert "CPAM75 CPAM de Paris France métropolitaine 1" in listing
    assert "CGSS974 CGSS de La Réunion La Réunion 1" in listing
    shown = _run("fund", "show", "CGSS974")
    assert "Territoire : La Réunion (fuseau Indian/Reunion)" in shown
    assert "EBD-974 : M'T dents (brouillon)" in shown
    assert "Caisse introuvable : CPAM13. Caisses connues : CGSS974, CPAM75." in _run(
        "fund", "show", "CPAM13", code=1
    )


def test_campaigns_are_listed_shown_and_edited(engine: Engine, cli_key_file: Path) -> None:
    ids = _setup(engine)
    listing = _run("campaign", "list")
    assert "GRIPPE-75" in listing and "EBD-974" in listing and "Brouillon" in listing
    assert "GRIPPE-75" not in _run("campaign", "list", "--fund", "CGSS974")
    shown = _run("campaign", "show", "GRIPPE-75")
    assert "Numéro présenté : 01 62 00 00 00" in shown
    assert "Contacts importés : 2" in shown and "Vaccination contre la grippe" in shown
    assert "1. Vague d'automne" in shown and "2. Vague d'automne" in shown

    out = _run(
        "campaign", "edit", "GRIPPE-75", "--name", "Grippe hiver", "--caller-id", "0162000001"
    )
    assert "nom : Grippe hiver ; numéro présenté : 01 62 00 00 01" in out
    # Contacts are imported under its theme and fund: both are fixed, and the reason is given.
    refused = _run("campaign", "edit", "GRIPPE-75", "--theme", "child_dental", code=1)
    assert "Impossible de changer son thème : des contacts sont déjà importés" in refused
    with session_scope(engine) as session:
        running = session.get(Campaign, ids["dental"])
        assert running is not None
        running.status = "active"
    refused = _run("campaign", "edit", "EBD-974", "--fund", "CPAM75", code=1)
    assert "Impossible de changer sa caisse : la campagne EBD-974 est en cours" in refused
    with session_scope(engine) as session:
        draft = session.get(Campaign, ids["dental"])
        assert draft is not None
        draft.status = "draft"
    assert "thème : Ouverture du compte ameli ; caisse : CPAM75" in _run(
        "campaign", "edit", "EBD-974", "--theme", "ameli_account", "--fund", "CPAM75"
    )
    unknown = _run("campaign", "edit", "EBD-974", "--theme", "grippe", code=1)
    assert "Thème inconnu : grippe. Thèmes connus : ameli_account (Ouverture du compte" in unknown
    assert "flu_vaccination (Vaccination contre la grippe)" in unknown
    assert "Rien à modifier" in _run("campaign", "edit", "EBD-974", code=2)
    with Session(engine) as session:
        edited = session.get(Campaign, ids["flu"])
        assert edited is not None
        assert (edited.name, edited.caller_id, edited.theme) == (
            "Grippe hiver", "+33162000001", "flu_vaccination",
        )  # fmt: skip


def test_a_new_campaign_with_an_unknown_theme_lists_the_themes(
    engine: Engine, cli_key_file: Path
) -> None:
    _setup(engine)
    out = _run("campaign", "add", "X-1", "X", "grippe", "CPAM75", "0162000000", code=1)
    assert "Thème inconnu : grippe. Thèmes connus :" in out and "child_dental" in out


def test_waves_are_addressed_by_campaign_and_number(engine: Engine, cli_key_file: Path) -> None:
    ids = _setup(engine)
    assert "Vague GRIPPE-75 2 démarrée (en cours)" in _run("wave", "start", "GRIPPE-75", "2")
    with Session(engine) as session:
        running = [w for w in session.exec(select(Wave)) if w.status == "running"]
    # The flu campaign's second wave: the third row of the table.
    assert [(w.campaign_id, w.id) for w in running] == [(ids["flu"], 3)]
    missing = _run("wave", "pause", "EBD-974", "3", code=1)
    assert "Vague introuvable : EBD-974 3. Vagues de la campagne EBD-974 : 1, 2." in missing
    # A campaign number is accepted too, but never when it is also another campaign's code.
    assert "Vague GRIPPE-75 1 démarrée" in _run("wave", "start", str(ids["flu"]), "1")
    with session_scope(engine) as session:
        fund = create_fund(session, "F2", "Caisse", Territory.METRO)
        create_campaign(session, str(ids["dental"]), "Piège", "flu_vaccination", fund, "0162000000")
    ambiguous = _run("wave", "list", str(ids["dental"]), code=1)
    assert f"« {ids['dental']} » désigne deux campagnes" in ambiguous


def test_wave_list_fits_80_columns_on_a_terminal(
    engine: Engine, cli_key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(engine)
    terminal = Console(width=80, force_terminal=True, record=True)
    monkeypatch.setattr(wave_cmd, "console", terminal)
    runner.invoke(app, ["wave", "list", "GRIPPE-75"], prog_name="dialer")
    text = terminal.export_text()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80, text
    assert any(ch in BOX for ch in text)  # framed, on a terminal
    assert "Vagues de la campagne GRIPPE-75" in text and "Programmée" in text
    assert "Vague d'automn…" in text  # the long name is cut, not wrapped over rows
    assert sum("Programmée" in line for line in lines) == 2


def test_wave_list_in_a_pipe_is_plain_text(
    database_url: str, engine: Engine, cli_key_file: Path
) -> None:
    _setup(engine)
    dialer = Path(sys.executable).parent / "dialer"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    result = subprocess.run(
        [str(dialer), "wave", "list", "GRIPPE-75"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\x1b[" not in out  # no colour
    assert not BOX & set(out)  # no frame
    rows = [line for line in out.splitlines() if "Programmée" in line]
    assert len(rows) == 2 and rows[0].split()[0] == "1" and rows[1].split()[0] == "2"
    assert all(len(line) <= 80 for line in out.splitlines())
    for listing in (["fund", "list"], ["campaign", "list"]):
        plain = subprocess.run(
            [str(dialer), *listing], capture_output=True, text=True, env=env, timeout=120,
            check=False,
        )  # fmt: skip
        assert plain.returncode == 0 and "CPAM75" in plain.stdout, plain.stderr
        assert "\x1b[" not in plain.stdout and not BOX & set(plain.stdout)


def test_unknown_values_name_the_known_ones(engine: Engine, cli_key_file: Path) -> None:
    _setup(engine)
    _run("feed", "token", "CPAM75", "--label", "SI de la caisse")
    assert "Caisse introuvable : CPAM13. Caisses connues : CGSS974, CPAM75." in _run(
        "feed", "tokens", "CPAM13", code=1
    )
    assert "Jeton 99 introuvable pour la caisse CPAM75. Jetons actifs de la caisse : 1." in _run(
        "feed", "revoke", "CPAM75", "99", code=1
    )
    created = runner.invoke(
        app, ["user", "add", "agent7", "Agent Sept", "--role", "agent", "--password-stdin"],
        input="Un-mot-de-passe-assez-long-7\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "Compte inconnu : agent8. Comptes existants : agent7." in _run(
        "user", "disable", "agent8", code=1
    )
    assert "Type d'accès inconnu : lecture. Types connus : screen_pop, search" in _run(
        "audit", "export", "--action", "lecture", "--actor", "dpo", code=1
    )
    refused = _run(
        "wave", "schedule", "GRIPPE-75", "--start", "2030-01-01 10:00", "--end",
        "2030-01-01 12:00", "--quota", "CPAM13=5", code=1,
    )  # fmt: skip
    assert "Caisse inconnue dans le quota : CPAM13. Caisses connues : CGSS974, CPAM75." in refused
    assert "Mode de numérotation inconnu : rapide (preview, progressive, predictive)" in _run(
        "wave", "schedule", "GRIPPE-75", "--start", "2030-01-01 10:00", "--end",
        "2030-01-01 12:00", "--pacing", "rapide", code=1,
    )  # fmt: skip


def test_an_unknown_schema_revision_names_the_known_ones(
    engine: Engine, cli_key_file: Path
) -> None:
    out = _run("db", "downgrade", "zzz", code=1)
    assert "Révision inconnue ou inatteignable : zzz." in out
    assert "base, 0001, 0002" in out and out.rstrip(".").endswith("head")
    assert "Traceback" not in out and "CommandError" not in out
