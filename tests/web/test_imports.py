from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from dialer.campaigns.importing.models import ImportJob
from dialer.compliance.privacy.models import AccessEntry
from dialer.contacts.people.models import CampaignContact, Person
from dialer.demo.contact_file import write_contact_file
from tests.web.conftest import World, sign_in
from tests.web.imports_helpers import ticket_of, wait_for_import


def _contacts(app: FastAPI) -> int:
    with Session(app.state.runtime.engine) as db:
        return db.exec(select(func.count()).select_from(CampaignContact)).one()


def _upload(client: TestClient, token: str, world: World, name: str, content: bytes,  # type: ignore[no-untyped-def]
            **fields: str):  # fmt: skip
    return client.post(
        f"/campagnes/{world.campaign_id}/import",
        data={"csrf_token": token, **fields},
        files={"fichier": (name, content, "text/csv")},
    )


def test_upload_imports_in_background_and_serves_the_reject_report(
    client: TestClient, world: World, app: FastAPI, tmp_path: Path
) -> None:
    path = tmp_path / "grippe.csv"
    generated = write_contact_file(path, "flu_vaccination", 120, seed=7, bad_ratio=0.1)
    assert generated.bad_rows > 0
    token = sign_in(client, "gestion")
    response = _upload(client, token, world, "../../etc/Fichier grippe.csv", path.read_bytes())
    assert response.status_code == 303
    progress_page = client.get(response.headers["location"])
    assert progress_page.status_code == 200
    assert "<progress" in progress_page.text and "import-progress.js" in progress_page.text

    info = wait_for_import(client, world.campaign_id, ticket_of(response.headers["location"]))
    assert info["status"] == "done" and info["done"] == info["expected"] == 120
    assert info["rejected"] == generated.bad_rows
    assert (
        "120 lignes lues" in info["message"] and f"{generated.bad_rows} rejetées" in info["message"]
    )
    assert _contacts(app) == 120 - generated.bad_rows

    report = client.get(info["report_url"])
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/csv")
    assert "attachment" in report.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["ligne", "référence", "colonne", "valeur", "motif"]
    assert len({row[0] for row in rows[1:]}) == generated.bad_rows
    assert all(row[1] for row in rows[1:])  # the fund's own reference of each rejected row
    with Session(app.state.runtime.engine) as db:
        traced = db.exec(select(AccessEntry)).all()
    assert [(e.actor, e.action, e.fields) for e in traced] == [
        ("gestion", "export", ["reject_report"])
    ]
    assert "téléchargement du rapport de rejets" in (traced[0].detail or "")

    finished = client.get(response.headers["location"]).text
    assert "Import terminé" in finished and info["report_url"] in finished
    assert 'id="motifs-rejets"' in finished and 'id="premiers-rejets"' in finished
    assert finished.count("<tr><td>") >= generated.bad_rows
    detail = client.get(f"/campagnes/{world.campaign_id}").text
    assert "Fichier grippe.csv" in detail and info["report_url"] in detail
    with Session(app.state.runtime.engine) as db:
        job = db.exec(select(ImportJob)).one()
    assert job.author == "gestion" and job.filename == "Fichier grippe.csv"


def test_refused_file_shows_the_refusal_and_stores_nothing(
    client: TestClient, world: World, app: FastAPI
) -> None:
    token = sign_in(client, "gestion")
    content = "Référence;Nom;Prénom;Téléphone;Salaire\r\nA1;Martin;Marie;0612345678;3000\r\n"
    response = _upload(
        client, token, world, "colonnes.csv", content.encode("utf-8"), refuser_colonnes="oui"
    )
    info = wait_for_import(client, world.campaign_id, ticket_of(response.headers["location"]))
    assert info["status"] == "refused"
    assert "Salaire" in info["message"] and info["report_url"] is None
    assert _contacts(app) == 0
    with Session(app.state.runtime.engine) as db:
        assert db.exec(select(func.count()).select_from(Person)).one() == 0
    page = client.get(response.headers["location"]).text
    assert "Import refusé" in page and "Salaire" in page


def test_binary_file_refused(client: TestClient, world: World, app: FastAPI) -> None:
    token = sign_in(client, "gestion")
    response = _upload(client, token, world, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00" * 50)
    info = wait_for_import(client, world.campaign_id, ticket_of(response.headers["location"]))
    assert info["status"] == "refused" and "pas un fichier texte" in info["message"]
    assert _contacts(app) == 0


def test_missing_and_empty_files_refused_on_the_form(client: TestClient, world: World) -> None:
    token = sign_in(client, "gestion")
    missing = client.post(f"/campagnes/{world.campaign_id}/import", data={"csrf_token": token})
    assert missing.status_code == 400 and "Choisissez le fichier" in missing.text
    empty = _upload(client, token, world, "vide.csv", b"")
    assert empty.status_code == 400 and "Le fichier est vide" in empty.text


def test_file_over_the_size_limit_refused_and_nothing_kept(
    settings,
    world: World,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from web.main import create_app

    small = create_app(settings.model_copy(update={"import_max_bytes": 4000}))
    path = tmp_path / "gros.csv"
    write_contact_file(path, "flu_vaccination", 100, seed=3, bad_ratio=0.0)
    with TestClient(small, follow_redirects=False) as client:
        token = sign_in(client, "gestion")
        response = _upload(client, token, world, "gros.csv", path.read_bytes())
        assert response.status_code == 400
        assert "dépasse la taille maximale autorisée" in response.text
        huge = _upload(client, token, world, "enorme.csv", b"a;b\r\n" * 300_000)
        assert huge.status_code == 413 and "trop volumineuse" in huge.text
    with Session(small.state.runtime.engine) as db:
        assert db.exec(select(func.count()).select_from(ImportJob)).one() == 0
    small.state.web.imports.shutdown()


def test_unknown_ticket_and_foreign_report_are_404(client: TestClient, world: World) -> None:
    sign_in(client, "gestion")
    assert client.get(f"/api/campagnes/{world.campaign_id}/imports/abcdefghijk").status_code == 404
    assert client.get(f"/campagnes/{world.campaign_id}/imports/99/rejets.csv").status_code == 404
