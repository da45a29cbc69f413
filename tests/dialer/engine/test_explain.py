"""Explanations read from the database, and the ``dialer explain`` command."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select
from typer.testing import CliRunner

from consent.ledger import record
from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.eligibility import BlockCode
from dialer.campaigns.models import Wave
from dialer.campaigns.selection import claim_contacts
from dialer.cli import explain_cmd  # noqa: F401  (registers the command)
from dialer.cli.context import runtime
from dialer.cli.main import app
from dialer.contacts.people.models import CampaignContact
from dialer.contacts.territories import Territory
from dialer.core.db import make_engine, session_scope
from dialer.engine.explain import explain_campaign, explain_one
from tests.dialer.campaigns.selection.builders import (
    NOW,
    REUNION_NIGHT,
    World,
    add_contact,
    make_world,
)


def _agent(world: World, state: str = "available") -> None:
    with session_scope(world.engine) as session:
        user = User(
            username=f"agent-{state}",
            full_name="Agent",
            role="agent",
            phone_endpoint="902",
            password_hash="x",
        )
        session.add(user)
        session.flush()
        session.add(AgentPresence(user_id=user.id or 0, campaign_id=world.campaign_id, state=state))


def test_a_contact_in_retry_delay_is_told_when_it_will_be_called(engine: Engine) -> None:
    world = make_world(engine)
    contact_id, _ = add_contact(world, attempts=1, next_attempt_at=NOW + timedelta(hours=2))
    explanation = explain_one(engine, contact_id, NOW)
    assert not explanation.callable_now
    assert explanation.text_fr.splitlines() == [
        "Non appelable maintenant : Délai avant la prochaine tentative non écoulé.",
        # 13:30 in Paris falls in the lunch break: the next window opens at 14:00.
        "Prochaine possibilité d'appel : mardi 10 mars 2026 à 14 h 00"
        " (heure locale, France métropolitaine).",
    ]


def test_a_person_at_night_waits_for_their_own_morning(engine: Engine) -> None:
    world = make_world(engine)
    contact_id, _ = add_contact(world, Territory.REUNION)
    explanation = explain_one(engine, contact_id, REUNION_NIGHT)
    assert explanation.block is not None
    assert explanation.block.code == BlockCode.OUTSIDE_WINDOW
    assert explanation.text_fr.endswith(
        "Prochaine possibilité d'appel : mercredi 11 mars 2026 à 10 h 00 "
        "(heure locale, La Réunion)."
    )
    assert explain_one(engine, contact_id, NOW).text_fr == "Appelable maintenant."


def test_an_opted_out_person_is_never_called_again(engine: Engine) -> None:
    world = make_world(engine)
    contact_id, person_id = add_contact(world)
    with session_scope(engine) as session:
        record(session, person_id, "call", "opt_out", "call_outcome", "agent", now=NOW)
    text = explain_one(engine, contact_id, NOW).text_fr
    assert text.splitlines() == [
        "Non appelable maintenant : La personne a refusé les appels sortants.",
        "Ne sera plus appelé tant que cette situation dure.",
    ]


def test_campaign_counts_callable_contacts_and_blocks_by_first_rule(engine: Engine) -> None:
    world = make_world(engine)
    add_contact(world)
    add_contact(world)
    add_contact(world, status="done", done_reason="offer_accepted")
    add_contact(world, Territory.REUNION, limited=True)
    _, opted = add_contact(world)
    with session_scope(engine) as session:
        record(session, opted, "call", "opt_out", "fund_file", "caisse", now=NOW)
    claim_contacts(engine, world.campaign_id, "w1", 1, NOW)  # being dialled: left out
    explanation = explain_campaign(engine, world.campaign_id, NOW)
    assert (explanation.total, explanation.callable_now) == (4, 1)
    assert explanation.by_code == {"opted_out": 1, "limited": 1, "done": 1}
    assert explanation.campaign_blocks == (BlockCode.NO_AGENT_AVAILABLE,)
    assert explanation.text_fr.splitlines()[:2] == [
        "La campagne n'est pas active (statut : brouillon).",
        "Rien ne compose : aucun agent n'est disponible.",
    ]
    _agent(world)
    _agent(world, "on_call")
    text = explain_campaign(engine, world.campaign_id, NOW).text_fr
    assert "1 contact(s) sur 4 appelable(s) maintenant." in text.splitlines()
    assert "- opposition aux appels sortants : 1" in text.splitlines()


def test_a_paused_wave_stops_the_campaign(engine: Engine) -> None:
    world = make_world(engine)
    add_contact(world)
    _agent(world)
    with session_scope(engine) as session:
        session.add(
            Wave(
                campaign_id=world.campaign_id,
                name="V1",
                starts_at=NOW - timedelta(hours=1),
                ends_at=NOW + timedelta(hours=5),
                status="paused",
            )
        )
    explanation = explain_campaign(engine, world.campaign_id, NOW)
    assert explanation.campaign_blocks == (BlockCode.WAVE_PAUSED,)
    assert "Rien ne compose : la vague est en pause." in explanation.text_fr.splitlines()
    later = explain_campaign(engine, world.campaign_id, NOW + timedelta(hours=6))
    assert "Aucune vague n'est en cours à cette heure." in later.text_fr.splitlines()


def test_a_large_campaign_is_judged_on_a_sample(engine: Engine) -> None:
    world = make_world(engine)
    for _ in range(10):
        add_contact(world)
    explanation = explain_campaign(engine, world.campaign_id, NOW, sample_limit=4)
    assert 0 < explanation.total <= 4
    assert explanation.callable_now == explanation.total
    assert any(line.startswith("Estimation sur un échantillon régulier de") and
               line.endswith("sur les 10 de la sélection.")
               for line in explanation.text_fr.splitlines())  # fmt: skip


@pytest.fixture
def cli_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("DIALER_DATABASE_URL", url)
    monkeypatch.setenv("DIALER_DATA_KEY_FILE", str(tmp_path / "keys.json"))
    runtime.cache_clear()
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    yield make_world(engine, "CLI")
    runtime().engine.dispose()
    runtime.cache_clear()
    engine.dispose()


def test_explain_command_for_a_campaign_and_a_person(cli_world: World) -> None:
    _, person_id = add_contact(cli_world)
    with session_scope(cli_world.engine) as session:
        record(session, person_id, "call", "opt_out", "fund_file", "caisse")
    runner = CliRunner()
    result = runner.invoke(app, ["explain", "CLI"])
    assert result.exit_code == 0, result.output
    assert "Rien ne compose : aucun agent n'est disponible." in result.output
    assert "- opposition aux appels sortants : 1" in result.output

    with Session(cli_world.engine) as session:
        contact = session.exec(select(CampaignContact)).one()
    for ref in (contact.row_ref or "", str(contact.id)):
        result = runner.invoke(app, ["explain", "CLI", ref])
        assert result.exit_code == 0, result.output
        assert "La personne a refusé les appels sortants." in result.output
    result = runner.invoke(app, ["explain", "CLI", "inconnu"])
    assert result.exit_code == 1
    assert "Contact introuvable dans cette campagne : inconnu." in result.output
    result = runner.invoke(app, ["explain", "NOPE"])
    assert result.exit_code == 1 and "Campagne introuvable" in result.output
