"""Report pages per campaign and per fund, and their CSV and XLSX exports."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from dialer.accounts.models import User
from dialer.accounts.state_history import AgentStateChange
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.contacts.people.models import CampaignContact, Person
from tests.web.conftest import World, sign_in

DAY = "2026-12-01"


def seed_calls(app: FastAPI, world: World) -> None:
    """Dec 1st, Paris 10:xx: three attempts, two taken by « Agent1 Test », one abandoned."""
    with Session(app.state.runtime.engine) as db:
        agent = db.exec(select(User).where(User.username == "agent1")).one()
        person = Person(
            audience="insured", identity_key="r1", fund_id=world.fund_id, territory="metro",
            time_zone="Europe/Paris",
        )  # fmt: skip
        db.add(person)
        db.flush()
        contact = CampaignContact(campaign_id=world.campaign_id, person_id=person.id or 0)
        db.add(contact)
        db.flush()
        at = datetime(2026, 12, 1, 9, 10)
        for n, result in enumerate(("answered", "answered", "abandoned")):
            agent_id = agent.id if result == "answered" else None
            attempt = CallAttempt(
                campaign_id=world.campaign_id, contact_id=contact.id or 0,
                person_id=person.id or 0, worker_id="w", number_e164="+33612000000",
                result=result, agent_user_id=agent_id, created_at=at + timedelta(minutes=n),
                answered_at=at, connected_at=at if agent_id else None,
                ended_at=at + timedelta(minutes=2) if agent_id else None,
            )  # fmt: skip
            db.add(attempt)
            db.flush()
            if agent_id:
                db.add(
                    Outcome(
                        attempt_id=attempt.id,
                        contact_id=contact.id or 0,
                        campaign_id=world.campaign_id,
                        person_id=person.id or 0,
                        agent_user_id=agent_id,
                        interview="accepted",
                        offer="accepted",
                        created_at=at + timedelta(minutes=3),
                    )  # fmt: skip
                )
        # Their states: 15 min waiting, 4 on the call, 1 wrapping up, 30 for a coffee.
        for state, minute, reason in (
            ("available", -15, None), ("on_call", 0, None), ("wrap_up", 4, None),
            ("paused", 5, "Pause café"), ("logged_out", 35, None),
        ):  # fmt: skip
            db.add(
                AgentStateChange(
                    user_id=agent.id or 0,
                    campaign_id=world.campaign_id,
                    state=state,
                    pause_reason=reason,
                    since=at + timedelta(minutes=minute),
                )  # fmt: skip
            )
        db.commit()


def test_the_campaign_report_of_a_day(app: FastAPI, client: TestClient, world: World) -> None:
    seed_calls(app, world)
    sign_in(client, "gestion")
    page = client.get(f"/campagnes/{world.campaign_id}/rapports?periode=jour&jour={DAY}")
    assert page.status_code == 200
    assert 'id="t-attempts">3<' in page.text
    assert "33,3\u00a0%" in page.text and "dépassé" in page.text  # 1 abandon in 3 answered
    assert "Agent1 Test" in page.text
    agents = page.text.split('id="agents"')[1].split("</table>")[0]
    assert "15\u00a0min\u00a000\u00a0s" in agents  # available
    assert "<li>Pause café : 30\u00a0min\u00a000\u00a0s</li>" in agents
    assert "25,0\u00a0%" in agents  # occupancy: (4 + 1) / (4 + 1 + 15)
    assert "pas encore enregistré" not in page.text
    assert "uPlot.iife.min.js" in page.text and "donnees-rapport" in page.text
    assert "export.xlsx" in page.text


def test_a_range_over_a_year_is_refused_in_french(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "gestion")
    base = f"/campagnes/{world.campaign_id}/rapports"
    page = client.get(f"{base}?periode=periode&debut=2025-01-01&fin=2026-06-01")
    assert page.status_code == 400
    assert "un an au plus" in page.text
    export = client.get(f"{base}/export.csv?periode=periode&debut=2025-01-01&fin=2026-06-01")
    assert export.status_code == 400
    assert client.get(f"{base}?periode=mois").status_code == 400
    assert client.get(f"{base}?periode=jour&jour=31/02/2026").status_code == 400
    assert client.get(f"{base}/export.pdf?periode=jour").status_code == 404


def test_csv_export_is_french_excel_friendly(
    app: FastAPI, client: TestClient, world: World
) -> None:
    seed_calls(app, world)
    sign_in(client, "gestion")
    base = f"/campagnes/{world.campaign_id}/rapports/export.csv?periode=jour&jour={DAY}"
    response = client.get(base + "&tableau=heures")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Heure (Paris);Tentatives;")
    assert lines[1].startswith("01/12/2026 10:00;3;3;1;1;2;")  # Paris time, not UTC 09:00
    assert ";0,3333;0,03" in lines[1]
    agents = client.get(base + "&tableau=agents").content.decode("utf-8-sig").splitlines()
    assert agents[0].startswith("Agent;Appels;Communication (min);Durée moyenne (s);")
    assert ";Disponible (min);" in agents[0] and ";Pause : Pause café (min);" in agents[0]
    assert agents[0].endswith(";Pauses, total (min);Taux d'occupation")
    assert agents[1] == "Agent1 Test;2;4;120;2;15;4;1;30;0;0;0;0;0;0;30;0,25"
    assert client.get(base + "&tableau=nimporte").status_code == 400


def test_xlsx_export_has_a_sheet_per_table(app: FastAPI, client: TestClient, world: World) -> None:
    seed_calls(app, world)
    sign_in(client, "gestion")
    url = f"/campagnes/{world.campaign_id}/rapports/export.xlsx?periode=semaine&jour={DAY}"
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Synthèse", "Par heure", "Par jour", "Agents"]
    assert book["Par jour"]["A2"].value == "01/12/2026"
    assert book["Par jour"]["B2"].value == 3
    sheet = book["Agents"]
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert row["Pause : Pause café (min)"] == 30 and row["Taux d'occupation"] == 0.25


def test_the_fund_report_pools_its_campaigns(
    app: FastAPI, client: TestClient, world: World
) -> None:
    seed_calls(app, world)
    sign_in(client, "gestion")
    page = client.get(f"/caisses/{world.fund_id}/rapports?periode=jour&jour={DAY}")
    assert page.status_code == 200
    assert "Caisse CPAM de Paris" in page.text
    assert 'id="t-attempts">3<' in page.text
    assert client.get("/caisses/999/rapports").status_code == 404
