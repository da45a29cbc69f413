"""Rights requests: access report, rectification, limitation, refusal of calls."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from consent import ledger
from dialer.campaigns.eligibility.facts import BlockCode
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.privacy.access_letter import access_report_text_fr
from dialer.compliance.privacy.access_report import access_report
from dialer.compliance.privacy.chain import verify_chain
from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.rights import (
    RightsError,
    find_person_by_nir,
    lift_limitation,
    limit,
    rectify,
    refuse_outbound_calls,
)  # fmt: skip
from dialer.compliance.privacy.trail import Requester, record_access
from dialer.contacts.people.models import CampaignContact, Person
from dialer.core.columns import utcnow
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.engine.explain import explain_one
from tests.dialer.compliance.privacy.conftest import World

DPO = Requester("dpo1", "dpo", "10.0.0.9")


def _ameli_person(engine: Engine, cipher: DataCipher, world: World) -> tuple[int, str]:
    person_id = world.person_ids(engine, "ameli_account")[0]
    with Session(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person_id, cipher.decrypt(person.nir_cipher or "", "nir")


def _blocks(engine: Engine, person_id: int) -> set[BlockCode]:
    with Session(engine) as session:
        contact_id = session.exec(
            select(CampaignContact.id).where(CampaignContact.person_id == person_id)
        ).one()
    explanation = explain_one(engine, contact_id or 0, utcnow())
    return {block.code for block in explanation.blocks}


def _trail(engine: Engine, person_id: int) -> list[AccessEntry]:
    with Session(engine) as session:
        assert verify_chain(session) == []
        return list(
            session.exec(
                select(AccessEntry)
                .where(AccessEntry.person_id == person_id)
                .order_by(col(AccessEntry.id))
            )
        )


def test_find_by_nir_uses_the_lookup_hash(engine: Engine, cipher: DataCipher, world: World) -> None:
    person_id, nir = _ameli_person(engine, cipher, world)
    spaced = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    with Session(engine) as session:
        found = find_person_by_nir(session, cipher, spaced)
        assert found is not None and found.id == person_id
        with pytest.raises(RightsError, match="NIR invalide : clé du NIR invalide"):
            find_person_by_nir(session, cipher, nir[:13] + "00")


def test_access_report_holds_everything_and_is_traced(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    person_id, nir = _ameli_person(engine, cipher, world)
    with session_scope(engine) as session:
        record_access(
            session, actor="agent7", actor_role="agent", action="screen_pop",
            person_id=person_id, fields=["last_name", "phone_e164"],
            campaign_id=world.campaigns["ameli_account"],
        )  # fmt: skip
        ledger.record(session, person_id, "sms", "opt_out", "fund_file", "CPAM75")
    with session_scope(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        report = access_report(session, cipher, person_id, DPO)
    json.dumps(report)  # serialisable as it is
    assert report["person"]["nir"] == nir
    assert report["person"]["last_name"] == person.last_name
    (campaign,) = report["campaigns"]
    code = campaign["contact"]["theme_data"]["provisional_code"]
    assert not code.startswith("v1:") and len(code) >= 8  # opened for the person
    assert report["trail"][0]["actor"] == "agent7"
    assert report["consent"][0]["decision"] == "opt_out"

    letter = access_report_text_fr(report)
    assert "Réponse à votre demande d'accès" in letter
    assert f"NIR : {nir}" in letter and f"Nom : {person.last_name}" in letter
    assert "Affichage de la fiche à l'appel par un conseiller du centre d'appels" in letter
    assert "Refus pour les SMS" in letter and "CNIL" in letter
    assert "Ouverture du compte ameli" in letter and f"Code provisoire : {code}" in letter

    entries = _trail(engine, person_id)
    assert entries[-1].action == "rights_request" and entries[-1].actor == "dpo1"
    assert {"nir", "provisional_code", "last_name"} <= set(entries[-1].fields)
    assert nir not in (entries[-1].detail or "") and code not in json.dumps(entries[-1].fields)


def test_rectification_is_validated_traced_and_sent(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    person_id = world.person_ids(engine, "flu_vaccination")[0]
    with session_scope(engine) as session, pytest.raises(RightsError) as refused:
        rectify(session, person_id, {"phone": "08 99 12 34 56"}, DPO, "courrier du 3 mars")
    assert str(refused.value) == "Téléphone : numéro surtaxé, gratuit ou de service refusé."
    with session_scope(engine) as session, pytest.raises(RightsError, match="caisse"):
        rectify(session, person_id, {"nir": "184127511108988"}, DPO, "courrier")
    with session_scope(engine) as session, pytest.raises(RightsError, match="Email"):
        rectify(session, person_id, {"email": "pas-une-adresse"}, DPO, "courrier")

    with session_scope(engine) as session:
        changed = rectify(
            session, person_id,
            {"phone": "0690 12 34 56", "email": "Marie@Exemple.FR", "postal_code": "7501"},
            DPO, "courrier du 3 mars",
        )  # fmt: skip
    assert changed == ["phone_e164", "email", "postal_code"]
    with Session(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        assert (person.phone_e164, person.email, person.postal_code) == (
            "+590690123456", "Marie@exemple.fr", "07501",
        )  # fmt: skip
        events = list(session.exec(select(FeedEvent).where(FeedEvent.person_id == person_id)))
    assert [(e.kind, e.payload["field"]) for e in events] == [
        ("rectification", "phone_e164"), ("rectification", "email"),
        ("rectification", "postal_code"),
    ]  # fmt: skip
    assert events[0].payload["value"] == "+590690123456" and events[0].fund_id == world.fund_id
    entry = _trail(engine, person_id)[-1]
    assert entry.fields == ["email", "phone_e164", "postal_code"]
    assert entry.detail == "rectification : courrier du 3 mars"
    assert "+590690123456" not in (entry.detail or "")


def test_limitation_freezes_until_lifted(engine: Engine, cipher: DataCipher, world: World) -> None:
    person_id = world.person_ids(engine, "flu_vaccination")[1]
    with session_scope(engine) as session:
        assert limit(session, person_id, DPO, "exactitude contestée") is True
        assert limit(session, person_id, DPO, "exactitude contestée") is False
    with Session(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None and person.limited
    assert BlockCode.LIMITED in _blocks(engine, person_id)  # the dialler refuses them
    with session_scope(engine) as session:
        assert lift_limitation(session, person_id, "dpo2", "vérification faite") is True
    with Session(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None and not person.limited
    assert BlockCode.LIMITED not in _blocks(engine, person_id)
    details = [e.detail for e in _trail(engine, person_id)]
    assert details == [
        "limitation : exactitude contestée",
        "limitation : exactitude contestée",
        "levée de la limitation : vérification faite",
    ]
    with session_scope(engine) as session, pytest.raises(RightsError, match="motif"):
        limit(session, person_id, DPO, "  ")


def test_refusal_writes_the_ledger_and_tells_the_fund(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    person_id = world.person_ids(engine, "flu_vaccination")[2]
    with session_scope(engine) as session:
        assert not ledger.is_opted_out(session, person_id)
        entry = refuse_outbound_calls(session, person_id, DPO, "appel au 3646")
    assert (entry.channel, entry.decision, entry.source, entry.author) == (
        "call", "opt_out", "rights_request", "dpo1",
    )  # fmt: skip
    with Session(engine) as session:
        assert ledger.is_opted_out(session, person_id)
        event = session.exec(select(FeedEvent).where(FeedEvent.person_id == person_id)).one()
    assert event.kind == "consent_change" and event.payload["decision"] == "opt_out"
    trace = _trail(engine, person_id)[-1]
    assert trace.fields == ["consent:call"] and trace.address == "10.0.0.9"


def test_anonymised_person_has_nothing_left(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    person_id = world.person_ids(engine, "flu_vaccination")[3]
    with session_scope(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        person.anonymised_at = person.updated_at
        session.add(person)
    with session_scope(engine) as session, pytest.raises(RightsError, match="anonymisées"):
        access_report(session, cipher, person_id, DPO)


def test_a_second_identical_refusal_changes_and_sends_nothing(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    person_id = world.person_ids(engine, "flu_vaccination")[4]
    with session_scope(engine) as session:
        assert refuse_outbound_calls(session, person_id, DPO, "courrier 1") is not None
    trail_before = len(_trail(engine, person_id))
    with session_scope(engine) as session:
        assert refuse_outbound_calls(session, person_id, DPO, "courrier 1") is None
    with Session(engine) as session:
        events = session.exec(select(FeedEvent).where(FeedEvent.person_id == person_id)).all()
        refusals = [e for e in ledger.history(session, person_id) if e.decision == "opt_out"]
    assert len(events) == 1 and len(refusals) == 1
    assert len(_trail(engine, person_id)) == trail_before
