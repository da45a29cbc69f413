"""Walk what leaves the product for a person (letter, PDF, fund CSV, trail, guide): no code, no UTC.

Each output a person reads is scanned by ``tests.dialer.wording.scan`` for internal
codes, ISO or UTC times, international numbers and labels missing from ``dialer.wording``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.dialer.wording.scan import leaks, visible_text
from tests.web.wording.conftest import World, sign_in_dpo


def _outputs(world: World) -> Iterator[tuple[str, str]]:
    url = f"/dpo/personnes/{world.person_id}"
    with TestClient(world.app, follow_redirects=False) as client:
        token = sign_in_dpo(client)
        found = client.post("/dpo/tracabilite/nir", data={"nir": world.nir, "csrf_token": token})
        assert found.status_code == 303, found.text
        trail = client.get(found.headers["location"])
        assert trail.status_code == 200
        yield "page de traçabilité", visible_text(trail.text)
        export = client.get(f"/dpo/tracabilite.csv?personne={world.person_id}")
        assert export.status_code == 200
        yield "export de la traçabilité", export.content.decode("utf-8-sig")
        page = client.get(url)
        assert page.status_code == 200
        yield "aperçu du courrier", visible_text(page.text.split("<pre", 1)[1].split("</pre>")[0])
        yield "courrier (texte)", client.get(f"{url}/lettre.txt").text
        pdf = PdfReader(io.BytesIO(client.get(f"{url}/lettre.pdf").content))
        yield "courrier (PDF)", "\n".join(p.extract_text() or "" for p in pdf.pages)
        yield "guide de l'API", visible_text(client.get("/api/docs").text, {"code", "pre"})
        yield "page de téléchargement", visible_text(client.get("/caisses/resultats").text)
        sheet = client.get(
            "/api/funds/CPAM75/results", params={"format": "csv", "bom": "true"},
            headers={"Authorization": f"Bearer {world.fund_token}"},
        )  # fmt: skip
        assert sheet.status_code == 200
        # The fund's own number columns (NIR, new phone value) are data, not wording.
        yield "CSV de la caisse", sheet.content.decode("utf-8-sig").replace("+336", "06")


def test_no_internal_code_or_utc_time_reaches_a_person(world: World) -> None:
    found = {name: leaks(text) for name, text in _outputs(world)}
    # The guide is for the fund's developers: it says, in words, that JSON times are UTC.
    found["guide de l'API"] = [hit for hit in found["guide de l'API"] if hit != "« UTC »"]
    assert len(found) == 8
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_walk_sees_the_history_in_local_time(world: World) -> None:
    texts = dict(_outputs(world))
    letter = texts["courrier (texte)"]
    assert "Appel du 05/03/2026 à 03:04 au 01 06 36 08 37 : appel abouti" in letter
    assert "entretien accepté, offre acceptée" in letter
    trail = texts["page de traçabilité"]
    assert all(name in trail for name in ("Adresse", "Date de naissance", "Téléphone 2"))
    assert "agent7 (Agent) Affichage de la fiche à l'appel" in trail and "GRIPPE-75" in trail
    assert "05/03/2026 03:04:00" in texts["CSV de la caisse"]  # occurred_at, Paris time
    assert "Offre refusée" in texts["CSV de la caisse"]
    assert "Rappel demandé" in texts["CSV de la caisse"]
    export = texts["export de la traçabilité"]
    assert "Affichage de la fiche à l'appel" in export and ";GRIPPE-75;" in export
