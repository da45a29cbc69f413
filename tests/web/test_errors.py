"""What a person reads when a route refuses: the domain's French message, never a fault's text."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

from consent.errors import ConsentError
from dialer.core.errors import Conflict, DomainError, NotFound


def _get(app: FastAPI, error: Exception, path: str = "/api/essai") -> tuple[int, str]:
    def refuse() -> None:
        raise error

    app.add_api_route(path, refuse)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(path)
    return response.status_code, response.text


def test_an_arbitrary_value_error_gets_a_generic_french_message(app: FastAPI) -> None:
    status, text = _get(app, ValueError("invalid literal for int() with base 10: 'x'"))
    assert status == 400
    assert "Requête invalide." in text and "invalid literal" not in text


def test_an_arbitrary_value_error_on_a_page_gets_the_error_page(app: FastAPI) -> None:
    status, text = _get(app, ValueError("table contact_secret"), "/essai")
    assert status == 400
    assert "Requête invalide." in text and "contact_secret" not in text


def test_a_domain_refusal_shows_its_french_message(app: FastAPI) -> None:
    status, text = _get(app, DomainError("La date de rappel doit être dans le futur."))
    assert (status, "La date de rappel doit être dans le futur.") == (400, _detail(text))


def test_a_conflict_is_a_409_and_a_missing_thing_a_404(app: FastAPI) -> None:
    assert _get(app, Conflict("Déjà enregistré."), "/api/a")[0] == 409
    assert _get(app, NotFound("Appel introuvable."), "/api/b")[0] == 404


def test_the_ledgers_refusal_is_shown_too(app: FastAPI) -> None:
    status, text = _get(app, ConsentError("Décision déjà enregistrée."))
    assert (status, _detail(text)) == (400, "Décision déjà enregistrée.")


def _detail(text: str) -> str:
    return str(json.loads(text)["detail"])
