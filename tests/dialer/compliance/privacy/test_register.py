"""The register of rights requests against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.compliance.privacy import register
from dialer.compliance.privacy.chain import verify_chain
from dialer.compliance.privacy.models import AccessEntry, RightsRequest
from dialer.compliance.privacy.register_letter import answer_letter_fr
from dialer.compliance.privacy.rights import RightsError, limit
from dialer.compliance.privacy.trail import Requester
from dialer.contacts.people.models import Person
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from dialer.core.errors import Conflict
from tests.dialer.compliance.privacy.conftest import World

DPO = Requester("dpo1", "dpo", "10.0.0.9")
TODAY = date(2026, 12, 6)


def _person(engine: Engine, world: World) -> Person:
    with Session(engine) as session:
        person = session.get(Person, world.person_ids(engine, "flu_vaccination")[0])
        assert person is not None
        return person


def _record(engine: Engine, person_id: int, received: date, kind: str = "rectification") -> int:
    with session_scope(engine) as session:
        new = register.NewRequest(received, kind, "post", "AR 2026-118")
        return register.record_request(session, person_id, new, DPO, TODAY).id or 0


def _details(engine: Engine, person_id: int) -> list[str]:
    with Session(engine) as session:
        assert verify_chain(session) == []
        rows = session.exec(
            select(AccessEntry.detail)
            .where(AccessEntry.person_id == person_id, AccessEntry.action == "rights_request")
            .order_by(col(AccessEntry.id))
        )
        return [detail or "" for detail in rows]


def test_a_request_is_recorded_followed_and_answered_with_every_step_traced(
    engine: Engine, world: World
) -> None:
    person_id = _person(engine, world).id or 0
    request_id = _record(engine, person_id, date(2026, 11, 30))
    with session_scope(engine) as session:
        found = register.get_request(session, request_id)
        assert (found.status, found.due_on) == ("received", date(2026, 12, 30))
        linked = register.attach_action(session, request_id, person_id, "limitation", DPO)
        limit(session, person_id, DPO, "AR 2026-118")
        register.finish_action(session, linked, DPO, "limitation du traitement")
    with session_scope(engine) as session:
        register.extend(session, request_id, "dossier complexe", DPO, TODAY)
    with session_scope(engine) as session:
        extended = register.get_request(session, request_id)
        assert (extended.status, extended.due_on) == ("in_progress", date(2027, 2, 28))
        letter = answer_letter_fr(extended, register.steps_of(session, request_id), TODAY)
        register.answer(session, request_id, DPO, TODAY)
    assert "reçue le 30/11/2026 (référence AR 2026-118)" in letter
    assert "limitation" in letter and "prolongé de deux mois : dossier complexe" in letter
    with Session(engine) as session:
        done = register.get_request(session, request_id)
        steps = [step.step for step in register.steps_of(session, request_id)]
    assert (done.status, done.closed_on) == ("answered", TODAY)
    assert steps == ["recorded", "action", "extended", "letter", "answered"]
    details = _details(engine, person_id)
    mine = [d for d in details if d.startswith(f"demande n° {request_id}")]
    assert len(mine) == 4  # recorded, action, extended, answered
    assert any("limitation :" in d for d in details)  # the action's own trace


def test_a_closed_request_changes_no_more(engine: Engine, world: World) -> None:
    person_id = _person(engine, world).id or 0
    request_id = _record(engine, person_id, date(2026, 12, 1), kind="access")
    with session_scope(engine) as session:
        with pytest.raises(RightsError, match="motif du refus"):
            register.refuse(session, request_id, "  ", DPO, TODAY)
        register.refuse(session, request_id, "demande manifestement infondée", DPO, TODAY)
    with session_scope(engine) as session:
        refused = register.get_request(session, request_id)
        letter = answer_letter_fr(refused, register.steps_of(session, request_id), TODAY)
        assert "manifestement infondée" in letter and "CNIL" in letter
        for attempt in (
            lambda: register.answer(session, request_id, DPO, TODAY),
            lambda: register.extend(session, request_id, "x", DPO, TODAY),
            lambda: register.attach_action(session, request_id, person_id, "x", DPO),
        ):
            with pytest.raises(Conflict, match="close"):
                attempt()


def test_an_action_is_linked_only_to_a_request_about_the_same_person(
    engine: Engine, world: World
) -> None:
    first, second = world.person_ids(engine, "flu_vaccination")[:2]
    request_id = _record(engine, first, date(2026, 12, 1))
    with session_scope(engine) as session, pytest.raises(Conflict, match="autre personne"):
        register.attach_action(session, request_id, second, "rectification", DPO)


def test_the_home_list_holds_open_requests_due_within_a_week_most_urgent_first(
    engine: Engine, world: World
) -> None:
    person_id = _person(engine, world).id or 0
    late = _record(engine, person_id, date(2026, 11, 2))  # due 2 December: late
    soon = _record(engine, person_id, date(2026, 11, 12))  # due 12 December: 6 days
    _record(engine, person_id, date(2026, 11, 20))  # due 20 December: not yet
    closed = _record(engine, person_id, date(2026, 11, 1))
    with session_scope(engine) as session:
        register.answer(session, closed, DPO, TODAY)
    with Session(engine) as session:
        listed = [found.id for found in register.needing_attention(session, TODAY)]
    assert listed == [late, soon]


def test_bad_values_are_refused_in_french_and_nothing_is_kept(engine: Engine, world: World) -> None:
    person_id = _person(engine, world).id or 0
    cases = [
        (register.NewRequest(TODAY, "erasure", "post"), "Type de demande inconnu : choisissez"),
        (register.NewRequest(TODAY, "access", "pigeon"), "Canal de réception inconnu"),
        (register.NewRequest(date(2027, 1, 1), "access", "post"), "futur"),
        (register.NewRequest(TODAY, "access", "post", "x" * 101), "100 caractères"),
    ]
    for new, message in cases:
        with session_scope(engine) as session, pytest.raises(RightsError, match=message):
            register.record_request(session, person_id, new, DPO, TODAY)
    with Session(engine) as session:
        assert session.exec(select(RightsRequest)).all() == []


def test_the_person_is_found_by_nir_hash_or_by_a_phone_only_one_person_has(
    engine: Engine, cipher: DataCipher, world: World
) -> None:
    person = _person(engine, world)
    nir = cipher.decrypt(person.nir_cipher or "", "nir")
    with Session(engine) as session:
        assert register.find_requester(session, cipher, nir, "").id == person.id
        phone = person.phone_e164 or ""
        assert register.find_requester(session, cipher, "", phone).id == person.id
        with pytest.raises(RightsError, match="NIR de la personne ou, à défaut"):
            register.find_requester(session, cipher, "", "")
        with pytest.raises(RightsError, match="Numéro de téléphone invalide"):
            register.find_requester(session, cipher, "", "12")
    with session_scope(engine) as session:
        other = session.get(Person, world.person_ids(engine, "flu_vaccination")[1])
        assert other is not None
        other.phone2_e164 = phone
        session.add(other)
    with Session(engine) as session, pytest.raises(RightsError, match="Plusieurs personnes"):
        register.find_requester(session, cipher, "", phone)
