"""One person with a history for the person-facing tests: a call, an outcome, every kind of
feed event, a consent decision and trail entries naming fields and a campaign."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from consent import ledger
from dialer.accounts import hash_password
from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.importing.pipeline import import_contacts
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.compliance.feed.outbox import emit_event, emit_outcome_events
from dialer.compliance.feed.tokens import create_token
from dialer.compliance.privacy.trail import record_access
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.settings import Settings
from dialer.demo.contact_file import write_contact_file
from dialer.operations.prestart import prestart
from tests.web.conftest import PASSWORD, csrf_of
from web.main import create_app

# 02:04 UTC on 5 March is 03:04 in Paris: a UTC time shown by mistake would differ.
CALLED_AT = datetime(2026, 3, 5, 2, 4)


@dataclass(frozen=True)
class World:
    app: FastAPI
    person_id: int
    nir: str
    fund_token: str


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    settings = Settings(
        database_url=database_url, data_key_file=tmp_path / "keys.json",
        embedded_pbx=False, demo_data=False,
    )  # fmt: skip
    prestart(settings)
    app = create_app(settings)
    runtime = app.state.runtime
    with Session(runtime.engine) as db:
        db.add(User(username="dpo", full_name="DPO", role="dpo",
                    password_hash=hash_password(PASSWORD)))  # fmt: skip
        fund = create_fund(db, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign_id = create_campaign(db, "GRIPPE-75", "Grippe", "flu_vaccination", fund,
                                      "0140000000").id or 0  # fmt: skip
        db.commit()
        fund_id = fund.id or 0
    write_contact_file(tmp_path / "f.csv", "flu_vaccination", 2, seed=4, bad_ratio=0.0)
    import_contacts(runtime.engine, campaign_id, tmp_path / "f.csv", runtime.cipher)
    with Session(runtime.engine) as db:
        contact = db.exec(select(CampaignContact)).first()
        assert contact is not None and contact.id is not None
        person = db.get(Person, contact.person_id)
        assert person is not None and person.id is not None
        person_id, nir = person.id, runtime.cipher.decrypt(person.nir_cipher or "", "nir")
        _history(db, fund_id, campaign_id, contact.id, person_id)
        token = create_token(db, fund_id, "tableur")
        db.commit()
    yield World(app, person_id, nir, token)
    app.state.web.imports.shutdown()
    runtime.engine.dispose()


def _history(db: Session, fund_id: int, campaign_id: int, contact_id: int, person_id: int) -> None:
    attempt = CallAttempt(
        campaign_id=campaign_id, contact_id=contact_id, person_id=person_id, worker_id="w1",
        number_e164="+33106360837", state="ended", result="answered", created_at=CALLED_AT,
    )  # fmt: skip
    db.add(attempt)
    db.flush()
    outcome = Outcome(
        attempt_id=attempt.id, contact_id=contact_id, campaign_id=campaign_id,
        person_id=person_id, interview="accepted", offer="accepted", wrong_person=True,
        followup_category="Remboursement", followup_text="Rappeler pour un remboursement",
        contact_changes={"phone2_e164": "+33612345678"}, callback_at=CALLED_AT,
        created_at=CALLED_AT,
    )  # fmt: skip
    db.add(outcome)
    db.flush()
    emit_outcome_events(db, outcome, fund_id)
    for kind, payload in (
        ("interview_refused", {}), ("offer_refused", {}),
        ("consent_change", {"channel": "call", "decision": "opt_out", "source": "call_outcome"}),
        ("callback_requested", {"callback_at": "2026-03-06T08:00:00Z"}),
        ("rectification", {"field": "email", "value": "c@exemple.fr"}),
    ):  # fmt: skip
        emit_event(db, fund_id, kind, payload, campaign_id=campaign_id, person_id=person_id,
                   occurred_at=CALLED_AT)  # fmt: skip
    ledger.record(db, person_id, "sms", "opt_out", "fund_file", "CPAM75")
    record_access(
        db, actor="agent7", actor_role="agent", action="screen_pop", person_id=person_id,
        fields=["address_line", "birth_date", "phone2_e164", "flu_vaccinated"],
        campaign_id=campaign_id,
    )  # fmt: skip
    for actor, role, action in (("CPAM75", "fund", "feed_pull"), ("purge", "system", "purge")):
        record_access(db, actor=actor, actor_role=role, action=action, person_id=person_id,
                      fields=[])  # fmt: skip


def sign_in_dpo(client: TestClient) -> str:
    form = {"identifiant": "dpo", "mot_de_passe": PASSWORD, "csrf_token": csrf_of(client)}
    assert client.post("/connexion", data=form).status_code == 303
    return csrf_of(client, "/dpo/tracabilite")
