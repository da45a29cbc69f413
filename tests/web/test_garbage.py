"""Hostile or broken input gets a 4xx with a French message, never a 500."""

from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import World, sign_in

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "é" * 5000,
    "x" * 300_000,
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "<script>alert(1)</script>",
    "'; DROP TABLE user; --",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
    "0x10",
    "  12  ",
    "🙂" * 50,
]
FIELDS = [
    "csrf_token",
    "code",
    "nom",
    "theme",
    "caisse",
    "numero_presente",
    "plages",
    "jours",
    "tentatives_max",
    "abandon_cible",
    "post_appel",
    "identifiant",
    "mot_de_passe",
    "role",
    "suite",
]


def _targets(world: World) -> list[str]:
    c = world.campaign_id
    return [
        "/campagnes/nouvelle",
        f"/campagnes/{c}/import",
        f"/campagnes/{c}/agents/1/activer",
        f"/campagnes/{c}/agents/1/retirer",
        "/admin/utilisateurs",
        "/connexion",
        "/deconnexion",
    ]


def _assert_answered(response, what: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        # A message for the person: an alert on the page, or a detail in JSON.
        if response.headers["content-type"].startswith("application/json"):
            assert response.json()["detail"]
        else:
            assert 'role="alert"' in response.text, response.text[:300]


def test_random_form_values_never_cause_a_500(client: TestClient, world: World) -> None:
    token = sign_in(client, "admin")
    rng = random.Random(20261125)
    for round_ in range(60):
        data = {name: rng.choice(NASTY) for name in rng.sample(FIELDS, rng.randint(1, len(FIELDS)))}
        if rng.random() < 0.8:
            data["csrf_token"] = token
        target = rng.choice(_targets(world))
        if target == "/deconnexion":
            continue  # would end the session the rest of the loop needs
        _assert_answered(client.post(target, data=data), f"round {round_} {target}")
    assert client.get("/campagnes").status_code == 200


def test_login_with_nul_bytes_and_huge_fields(client: TestClient, world: World) -> None:
    from tests.web.conftest import csrf_of

    token = csrf_of(client)
    for username, password in (
        ("ges\x00tion", "x"),
        ("gestion", "mot\x00de passe"),
        ("g" * 200_000, "x"),
        ("gestion", "p" * 200_000),
    ):
        response = client.post(
            "/connexion",
            data={"identifiant": username, "mot_de_passe": password, "csrf_token": token},
        )
        _assert_answered(response, repr(username[:10]))
        assert response.status_code in (400, 401, 413)


@pytest.mark.parametrize(
    "path",
    [
        "/campagnes/abc",
        "/campagnes/-1",
        "/campagnes/0",
        "/campagnes/99999999999999999999999",
        "/campagnes/1%00",
        "/campagnes/1/import/%00%00%00%00%00%00%00%00",
        "/campagnes/1/imports/abc/rejets.csv",
        "/admin/utilisateurs?cree=" + "x" * 100,
        "/connexion?suite=" + "%00" * 10,
    ],
)
def test_garbage_paths_get_french_4xx_pages(client: TestClient, world: World, path: str) -> None:
    sign_in(client, "admin")
    response = client.get(path)
    _assert_answered(response, path)
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/api/campagnes/abc/imports/zzzzzzzzzz",
        "/api/campagnes/1/imports/%00",
        "/api/campagnes/99999999999999999999/imports/abcdefghij",
    ],
)
def test_garbage_api_paths_get_json_4xx(client: TestClient, world: World, path: str) -> None:
    sign_in(client, "gestion")
    response = client.get(path)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"]


def test_broken_bodies_are_refused_cleanly(client: TestClient, world: World) -> None:
    token = sign_in(client, "gestion")
    target = f"/campagnes/{world.campaign_id}/import"
    broken_multipart = client.post(
        target,
        content=b"--xx\r\nContent-Disposition: form-data\r\n\r\nzz",
        headers={"content-type": "multipart/form-data; boundary=xx", "x-csrf-token": token},
    )
    _assert_answered(broken_multipart, "broken multipart")
    no_boundary = client.post(
        target,
        content=b"abc",
        headers={"content-type": "multipart/form-data", "x-csrf-token": token},
    )
    _assert_answered(no_boundary, "multipart without boundary")
    as_json = client.post(
        "/campagnes/nouvelle", json={"code": "X"}, headers={"x-csrf-token": token}
    )
    _assert_answered(as_json, "json body")
    huge_field = client.post(
        "/campagnes/nouvelle", data={"csrf_token": token, "nom": "n" * 2_000_000}
    )
    assert huge_field.status_code == 413
    bogus_length = client.post(
        "/connexion",
        content=b"a=b",
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "content-length": "999999999999",
        },
    )
    assert 400 <= bogus_length.status_code < 500


def test_unknown_route_and_wrong_method(client: TestClient) -> None:
    missing = client.get("/nulle-part")
    assert missing.status_code == 404 and "Page introuvable" in missing.text
    wrong = client.put("/connexion")
    assert wrong.status_code in (403, 405)
