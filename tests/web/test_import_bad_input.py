"""Bad files through the upload route: never a 500, never half-stored, never left running."""

from __future__ import annotations

import socket

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from dialer.campaigns.importing.models import ColumnAlias, ImportJob
from dialer.contacts.people.models import CampaignContact
from dialer.core.settings import Settings
from dialer.operations.prestart import prestart
from tests.web.conftest import World, sign_in
from tests.web.imports_helpers import ticket_of, wait_for_import

HEADER = "Référence;NIR;Nom;Prénom;Date de naissance;Code postal;Téléphone"
GOOD = [
    "R1;184127511108988;DUPONT;Jean;15/12/1984;75011;06 12 34 56 78",
    "R2;269059741115720;MARTIN;Léa;20/05/1969;97411;0692 12 34 56",
    "R3;290012A01234511;SANTONI;Marie;01/01/1990;20000;04 95 12 34 56",
]


def _csv(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _post(client: TestClient, world: World, content: bytes, **fields: str):  # type: ignore[no-untyped-def]
    token = sign_in(client, "gestion")
    return client.post(
        f"/campagnes/{world.campaign_id}/import",
        data={"csrf_token": token, **fields},
        files={"fichier": ("caisse.csv", content, "text/csv")},
    )


def _jobs(app: FastAPI) -> list[str]:
    with Session(app.state.runtime.engine) as db:
        return list(db.exec(select(ImportJob.status)).all())


def _contacts(app: FastAPI) -> int:
    with Session(app.state.runtime.engine) as db:
        return db.exec(select(func.count()).select_from(CampaignContact)).one()


CASES = {
    "nul": (_csv([HEADER, GOOD[0].replace("Jean", "Je\x00an"), *GOOD[1:]]), "done", 2),
    "controle": (_csv([HEADER, GOOD[0].replace("DUPONT", "DU\x1bPONT"), *GOOD[1:]]), "done", 2),
    "cellule-200000": (_csv([HEADER, GOOD[0].replace("DUPONT", "X" * 200_000), *GOOD[1:]]),
                       "done", 2),
    "crlf-entre-guillemets": (_csv([HEADER, GOOD[0].replace("DUPONT", '"DU\r\nPONT"'), *GOOD[1:]]),
                              "done", 2),
    "utf16": (_csv([HEADER, *GOOD], "utf-16"), "done", 3),
    "melange": (_csv([HEADER, *GOOD[:2]]) + _csv([GOOD[2].replace("Marie", "Zoé")], "cp1252"),
                "done", 2),
    "doublon": (_csv([HEADER + ";Nom", *[g + ";X" for g in GOOD]]), "refused", 0),
    "entete-seul": (_csv([HEADER]), "refused", 0),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_through_the_upload_route(
    client: TestClient, world: World, app: FastAPI, case: str
) -> None:
    content, status, stored = CASES[case]
    response = _post(client, world, content)
    assert response.status_code == 303, response.text
    info = wait_for_import(client, world.campaign_id, ticket_of(response.headers["location"]))
    assert (info["status"], _contacts(app), _jobs(app)) == (status, stored, [status])
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    if status == "done":
        assert info["phase"] == "import" and info["rows_per_second"] >= 0
    if stored == 2:
        assert info["rejected"] == 1 and 'id="premiers-rejets"' in page.text


def test_unknown_columns_are_mapped_on_the_page_and_remembered(
    client: TestClient, world: World, app: FastAPI
) -> None:
    header = HEADER.replace(";NIR;", ";N° sécu;") + ";Commentaire"
    content = _csv([header, *[g + ";rappeler" for g in GOOD]])
    form = _post(client, world, content)
    assert form.status_code == 200 and 'id="correspondance"' in form.text
    assert "« N° sécu »" in form.text and "« Commentaire »" in form.text
    token = form.text.split('name="attente" value="')[1].split('"')[0]
    fields = {"csrf_token": sign_in(client, "gestion"), "attente": token}
    fields |= {
        "entete_0": "N° sécu",
        "colonne_0": "nir",
        "entete_1": "Commentaire",
        "colonne_1": "",
    }
    response = client.post(f"/campagnes/{world.campaign_id}/import/colonnes", data=fields)
    assert response.status_code == 303
    info = wait_for_import(client, world.campaign_id, ticket_of(response.headers["location"]))
    assert info["status"] == "done" and _contacts(app) == 3
    assert "ignorées à votre demande : « Commentaire »" in info["message"]
    with Session(app.state.runtime.engine) as db:
        remembered = {(a.header, a.field_name) for a in db.exec(select(ColumnAlias)).all()}
    assert remembered == {("N° sécu", "nir"), ("Commentaire", "")}
    again = _post(client, world, content)  # remembered: straight to the import
    assert again.status_code == 303
    fields["csrf_token"] = sign_in(client, "gestion")
    replay = client.post(f"/campagnes/{world.campaign_id}/import/colonnes", data=fields)
    assert replay.status_code == 404 and "introuvable" in replay.text


def test_a_mapping_to_a_column_the_theme_lacks_is_a_400(client: TestClient, world: World) -> None:
    form = _post(client, world, _csv([HEADER + ";Commentaire", *[g + ";x" for g in GOOD]]))
    token = form.text.split('name="attente" value="')[1].split('"')[0]
    fields = {"csrf_token": sign_in(client, "gestion"), "attente": token,
              "entete_0": "Commentaire", "colonne_0": "salaire"}  # fmt: skip
    response = client.post(f"/campagnes/{world.campaign_id}/import/colonnes", data=fields)
    assert response.status_code == 400 and "inconnue" in response.text


def test_the_service_start_up_closes_the_jobs_of_imports_killed_before_it(
    settings: Settings, app: FastAPI, world: World
) -> None:
    dead = f"{socket.gethostname()[:60]}:999999999:0000"
    with Session(app.state.runtime.engine) as db:
        db.add(ImportJob(campaign_id=world.campaign_id, filename="x.csv", sha256="0" * 64,
                         owner=dead))  # fmt: skip
        db.commit()
    # ``dialer prestart`` runs before every start of the service (run.py, systemd units).
    prestart(settings)
    assert _jobs(app) == ["failed"]
