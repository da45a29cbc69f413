"""Hostile values in every HTML form and API parameter: a clean 2xx/3xx or a French 4xx.

A stored hostile name comes back escaped on every page that shows it; the pages'
own ``<script src>`` tags aside, no raw markup from a user ever reaches a response.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from dialer.contacts.people.models import Person
from tests.dialer.test_hostile_inputs import HOSTILE
from tests.web.security.conftest import Secure, caller_for

RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
XSS_NAME = "<script>alert(1)</script>"
ATTR_NAME = '"><img src=x onerror=alert(1)>'
C = "/campagnes/{campaign_id}"


@dataclass(frozen=True)
class Form:
    role: str
    path: str
    fields: tuple[str, ...]


FORMS = [
    Form("anon", "/connexion", ("identifiant", "mot_de_passe", "suite")),
    Form(
        "manager",
        "/campagnes/nouvelle",
        (
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
        ),
    ),  # fmt: skip
    Form("manager", C + "/script", ("corps",)),
    Form("manager", C + "/script/apercu", ("corps",)),
    Form(
        "manager",
        C + "/vagues",
        (
            "nom",
            "debut",
            "fin",
            "cohorte",
            "territoire",
            "code_postal",
            "mode",
            "quota_1",
        ),
    ),  # fmt: skip
    Form("manager", C + "/vagues/{wave_id}/{hostile}", ()),
    Form(
        "agent_on",
        "/poste/appels/{attempt_id}/resultat",
        (
            "entretien",
            "offre",
            "suivi_categorie",
            "suivi_texte",
            "rappel",
            "erreur_personne",
            "version_script",
            "nouveau_telephone",
            "nouvel_email",
        ),
    ),  # fmt: skip
    Form("agent_on", "/poste/pause", ("motif",)),
    Form("agent_on", "/poste/campagne", ("campagne",)),
    Form("dpo", "/dpo/recherche", ("nir",)),
    Form(
        "dpo",
        "/dpo/personnes/{person_id}/rectification",
        (
            "last_name",
            "first_name",
            "address_line",
            "postal_code",
            "city",
            "phone_e164",
            "email",
            "motif",
        ),
    ),  # fmt: skip
    Form("dpo", "/dpo/personnes/{person_id}/limitation", ("motif", "action")),
    Form("admin", "/admin/utilisateurs", ("identifiant", "nom", "role", "mot_de_passe")),
]


def answered(response: httpx.Response, what: str) -> None:
    """Never a 500; a refusal says why in French; no user markup comes back raw."""
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        if response.headers.get("content-type", "").startswith("application/json"):
            assert response.json()["detail"], what
        else:
            assert 'role="alert"' in response.text, f"{what}: {response.text[:300]}"
    for markup in RAW_MARKUP:
        assert markup not in response.text, f"{what}: raw {markup!r} in the response"


def segment(value: str) -> str:
    """The value as one percent-encoded path segment (a client cannot send it raw)."""
    return quote(value[:500], safe="") or "x"


def fill(path: str, secure: Secure, hostile: str = "x") -> str:
    values = {
        "campaign_id": secure.flu_id, "attempt_id": secure.attempt_id,
        "person_id": secure.person_id, "wave_id": secure.wave_id,
    }  # fmt: skip
    return path.replace("{hostile}", segment(hostile)).format(**values)


def submissions(form: Form) -> Iterator[tuple[str, dict[str, str]]]:
    """Every hostile value in all fields at once, then in each field alone."""
    for number, value in enumerate(HOSTILE):
        yield value, dict.fromkeys(form.fields, value)
        # Each sign-in attempt costs an Argon2 hash: all fields at once is enough there.
        if form.fields and form.path != "/connexion":
            yield value, {form.fields[number % len(form.fields)]: value}


@pytest.mark.parametrize("form", FORMS, ids=lambda form: f"{form.role}:{form.path}")
def test_hostile_values_in_every_form(client: TestClient, secure: Secure, form: Form) -> None:
    caller = caller_for(client, secure, form.role)
    for value, data in submissions(form):
        path = fill(form.path, secure, value)
        response = client.post(path, data={**data, "csrf_token": caller.csrf})
        answered(response, f"{form.path} {sorted(data)} {value[:30]!r}")


@pytest.mark.parametrize("form", FORMS[1:4], ids=lambda form: form.path)
def test_wrong_bytes_in_form_bodies(client: TestClient, secure: Secure, form: Form) -> None:
    caller = caller_for(client, secure, form.role)
    path = fill(form.path, secure)
    fields = form.fields or ("x",)
    for raw in (b"%FF%FE%ED%A0%80", b"%00%00", b"%C3%28", b"\xff\xfe", b"%E2%80%AE%E2%80%A8"):
        body = b"&".join(name.encode() + b"=" + raw for name in fields)
        response = client.post(
            path,
            content=body + b"&csrf_token=" + caller.csrf.encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        answered(response, f"{form.path} {raw!r}")


def test_hostile_query_parameters_on_json_endpoints(client: TestClient, secure: Secure) -> None:
    bearer = {"Authorization": f"Bearer {secure.token_a}"}
    base = f"/api/funds/{secure.fund_a_code}/results"
    for value in HOSTILE:
        short = value[:2000]
        for params in ({"after": short}, {"limit": short}, {"format": short}, {"bom": short}):
            answered(client.get(base, params=params, headers=bearer), f"{params}")
        # Header values travel as bytes; a client cannot send CR/LF inside one.
        accept = value.encode()[:1000].replace(b"\r", b" ").replace(b"\n", b" ")
        answered(client.get(base, headers={**bearer, "Accept": accept}), "accept")
        answered(client.get(f"{base}/{segment(value)}", headers=bearer), "event id")
        answered(client.get(f"/api/funds/{segment(value)}/results", headers=bearer), "fund code")
    caller_for(client, secure, "manager")
    for value in HOSTILE:
        ticket = f"/api/campagnes/{secure.flu_id}/imports/{segment(value)}"
        answered(client.get(ticket), "ticket")
        answered(client.get("/dpo/tracabilite", params={"auteur": value[:2000]}), "dpo as manager")


def test_hostile_names_are_escaped_wherever_they_are_shown(
    app: FastAPI, client: TestClient, secure: Secure
) -> None:
    manager = caller_for(client, secure, "manager")
    created = client.post("/campagnes/nouvelle", data={
        "csrf_token": manager.csrf, "code": "XSS-1", "nom": XSS_NAME, "theme": "flu_vaccination",
        "caisse": str(secure.world.fund_id), "numero_presente": "0140000000",
        "plages": "10:00-13:00", "jours": "0", "tentatives_max": "8", "abandon_cible": "3",
        "post_appel": "30",
    })  # fmt: skip
    assert created.status_code == 303, created.text[:500]
    for path in ("/campagnes", created.headers["location"]):
        page = client.get(path)
        assert page.status_code == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        answered(page, path)
    wave = client.post(f"/campagnes/{secure.flu_id}/vagues", data={
        "csrf_token": manager.csrf, "nom": ATTR_NAME, "debut": "2030-01-07T10:00",
        "fin": "2030-01-07T12:00", "cohorte": "all", "mode": "progressive",
    })  # fmt: skip
    assert wave.status_code in (303, 400), wave.text[:300]
    answered(client.get(f"/campagnes/{secure.flu_id}/vagues"), "waves")
    with Session(app.state.runtime.engine) as db:
        person = db.get(Person, secure.person_id)
        assert person is not None
        person.first_name = ATTR_NAME
        person.last_name = XSS_NAME
        db.add(person)
        db.commit()
    dpo = TestClient(app, follow_redirects=False)
    caller_for(dpo, secure, "dpo")
    page = dpo.get(f"/dpo/personnes/{secure.person_id}")
    assert page.status_code == 200 and "&lt;script&gt;" in page.text
    answered(page, "dpo person page")
    agent = TestClient(app, follow_redirects=False)
    caller_for(agent, secure, "agent_on")
    panel = agent.get(f"/poste/appels/{secure.attempt_id}")
    assert panel.status_code == 200 and "&lt;script&gt;" in panel.text
    answered(panel, "call panel")


def test_csrf_is_required_on_every_form(app: FastAPI, secure: Secure) -> None:
    for role in sorted({form.role for form in FORMS}):
        with TestClient(app, follow_redirects=False) as client:
            caller_for(client, secure, role)
            for form in (form for form in FORMS if form.role == role):
                path = fill(form.path, secure)
                response = client.post(path, data=dict.fromkeys(form.fields, "x"))
                assert response.status_code == 403 and "CSRF" in response.text, path
                forged = client.post(path, data={"csrf_token": "contrefait"})
                assert forged.status_code == 403 and "CSRF" in forged.text, path


@pytest.mark.parametrize(
    "body",
    [
        "Bonjour <script>alert(1)</script>",
        '<p><img src=x onerror="alert(1)"></p>',
        '<a href="javascript:alert(1)">ici</a>',
        "<scr{{ '' }}ipt>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<iframe src="/dpo"></iframe>',
        "<svg><script>alert(1)</script></svg>",
        '<a href="jav&#x09;ascript:alert(1)">ici</a>',
        '<a href="&#106;avascript:alert(1)">ici</a>',
        '<p style="width:expression(alert(1))">x</p>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        '<details open ontoggle="alert(1)">x</details>',
        "<sc{{ '' }}ript>alert(1)</sc{{ '' }}ript>",
    ],
)
def test_a_call_script_with_active_markup_is_refused(
    client: TestClient, secure: Secure, body: str
) -> None:
    """A manager's script reaches every agent's screen: it may not carry code of its own."""
    caller = caller_for(client, secure, "manager")
    path = f"/campagnes/{secure.flu_id}/script"
    saved = client.post(path, data={"csrf_token": caller.csrf, "corps": body})
    assert saved.status_code == 400 and "balise ou attribut actif interdit" in saved.text
    preview = client.post(path + "/apercu", data={"csrf_token": caller.csrf, "corps": body})
    assert preview.json()["ok"] is False and "actif interdit" in preview.json()["error"]
    assert "alert(1)</script>" not in preview.text
    plain = client.post(
        path + "/apercu", data={"csrf_token": caller.csrf, "corps": "<p>Bonjour</p>"}
    )
    assert plain.json() == {"ok": True, "html": "<p>Bonjour</p>", "error": None}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<p>Bonjour {{ prenom }}</p>", "« prenom » n&#39;est pas disponible"),
        ("", "le script est vide"),
        ("{{ ('x' * 9999).replace('x', 'x' * 9999) }}", "caractères"),
    ],
)
def test_a_call_script_whose_preview_fails_is_not_saved(
    client: TestClient, secure: Secure, body: str, reason: str
) -> None:
    caller = caller_for(client, secure, "manager")
    path = f"/campagnes/{secure.flu_id}/script"
    saved = client.post(path, data={"csrf_token": caller.csrf, "corps": body})
    assert saved.status_code == 400 and reason in saved.text
    assert "Le script n&#39;a pas été enregistré" in saved.text
    page = client.get(path)
    assert "Version 1 enregistrée" not in page.text and "prenom" not in page.text
