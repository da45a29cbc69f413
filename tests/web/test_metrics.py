"""``/metrics`` in the Prometheus text format, one registry per app; ``/readyz`` names
what is down."""

from __future__ import annotations

import socket
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.models import CampaignAgent
from dialer.contacts.funds import FundFeed
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory
from dialer.core.columns import utcnow
from dialer.core.settings import Settings
from dialer.demo.contact_file import write_contact_file
from dialer.engine.calling import presence
from dialer.operations.prestart import prestart
from tests.web.conftest import World, sign_in
from tests.web.imports_helpers import ticket_of, wait_for_import
from web.main import create_app

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _attempt(db: Session, world: World, n: int, result: str, now: datetime) -> None:
    person = Person(
        audience="insured", identity_key=f"m-{n}", fund_id=world.fund_id,
        territory=Territory.METRO.value, time_zone="Europe/Paris",
    )  # fmt: skip
    db.add(person)
    db.flush()
    contact = CampaignContact(campaign_id=world.campaign_id, person_id=person.id or 0)
    db.add(contact)
    db.flush()
    db.add(
        CallAttempt(
            campaign_id=world.campaign_id, contact_id=contact.id or 0, person_id=person.id or 0,
            worker_id="w", number_e164="+33612345678", result=result, created_at=now,
        )
    )  # fmt: skip


def seed_day(app: FastAPI, world: World) -> None:
    """Two agents (one available, one paused), 3 answered + 1 abandoned call, a backlog of 5."""
    now = utcnow()
    with Session(app.state.runtime.engine) as db:
        for n, name in enumerate(("a1", "a2")):
            user = User(
                username=name,
                full_name="Agent",
                role="agent",
                phone_endpoint="902",
                password_hash="-",
            )
            db.add(user)
            db.flush()
            user_id = user.id or 0
            db.add(CampaignAgent(campaign_id=world.campaign_id, user_id=user_id, enabled_by="t"))
            db.flush()
            presence.log_in(db, user_id, world.campaign_id, now)
            if n == 0:
                presence.make_available(db, user_id, now)
        for n, result in enumerate(("answered", "answered", "answered", "abandoned", "busy")):
            _attempt(db, world, n, result, now)
        db.add(FundFeed(fund_id=world.fund_id, last_seq=12, pushed_seq=7))
        db.commit()


def test_gauges_are_read_from_the_database_at_scrape_time(
    client: TestClient, app: FastAPI, world: World
) -> None:
    campaign = str(world.campaign_id)
    before = scrape(client)
    assert before[("dialer_database_up", ())] == 1
    assert not any(name == "dialer_agents" for name, _ in before)
    seed_day(app, world)
    after = scrape(client)
    assert after[("dialer_agents", (("campaign", campaign), ("state", "available")))] == 1
    assert after[("dialer_agents", (("campaign", campaign), ("state", "paused")))] == 1
    assert after[("dialer_abandon_rate", (("campaign", campaign),))] == 0.25
    assert after[("dialer_feed_backlog", (("fund", "CPAM75"),))] == 5


def test_each_app_has_its_own_registry(
    client: TestClient, app: FastAPI, settings: Settings, tmp_path: Path
) -> None:
    elsewhere = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/other.sqlite3"})
    prestart(elsewhere)
    other = create_app(elsewhere)
    app.state.runtime.metrics.call_ended(3, "busy")
    with TestClient(other) as other_client:
        assert ("dialer_calls_total", (("campaign", "3"), ("result", "busy"))) in scrape(client)
        assert ("dialer_calls_total", (("campaign", "3"), ("result", "busy"))) not in scrape(
            other_client
        )
    other.state.web.imports.shutdown()
    other.state.runtime.engine.dispose()


def test_imported_rows_are_counted_by_outcome(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "grippe.csv"
    generated = write_contact_file(path, "flu_vaccination", 40, seed=3, bad_ratio=0.2)
    token = sign_in(client, "gestion")
    response = client.post(
        f"/campagnes/{world.campaign_id}/import",
        data={"csrf_token": token},
        files={"fichier": ("grippe.csv", path.read_bytes(), "text/csv")},
    )
    assert response.status_code == 303
    info = wait_for_import(client, world.campaign_id, ticket_of(response.headers["location"]))
    assert info["status"] == "done"
    samples = scrape(client)
    rejected = samples[("dialer_import_rows_total", (("outcome", "rejected"),))]
    stored = samples[("dialer_import_rows_total", (("outcome", "stored"),))]
    assert rejected == generated.bad_rows > 0
    assert stored + rejected + samples[("dialer_import_rows_total", (("outcome", "merged"),))] == 40


def test_readyz_names_the_database_when_it_is_down(tmp_path: Path, settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}
        # A database file that cannot be opened any more: the directory is a file now.
        app.state.runtime.engine.dispose()
        db_file = Path(settings.database_url.removeprefix("sqlite:///"))
        db_file.unlink()
        db_file.mkdir()
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
    app.state.web.imports.shutdown()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_readyz_names_the_pbx_when_ami_is_down(settings: Settings) -> None:
    embedded = settings.model_copy(
        update={
            "embedded_pbx": True,
            "worker_id": "box-7",
            "ami_url": f"ami://dialer:dialer-secret@127.0.0.1:{_free_port()}",
        }
    )
    app = create_app(embedded, run_dialer=True)
    with TestClient(app) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["pbx"] == {"box-7": "ok"}
        service = app.state.web.dialing.service
        # The PBX goes away: the AMI client loses its login.
        assert client.portal is not None
        client.portal.call(service.sim.stop)
        client.portal.call(service.client.connection.close)
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["pbx"] == {"box-7": "injoignable"}
        assert down.json()["down"] == ["pbx:box-7"]
        metrics = scrape(client)
        assert metrics[("dialer_ami_round_trip_seconds_count", (("action", "CoreShowChannels"),))]
    app.state.runtime.engine.dispose()
