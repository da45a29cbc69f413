"""What the fund API answers, described for the OpenAPI document (never used to filter)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

EVENT_EXAMPLE: dict[str, Any] = {
    "seq": 42,
    "event_id": "3f1c9a62-8a7e-4c55-9d0e-2b6f4f1e7a10",
    "kind": "contact_change",
    "recorded_at": "2026-11-25T10:00:03.120000Z",
    "payload": {
        "campaign": "GRIPPE-75",
        "row_ref": "L-0001",
        "occurred_at": "2026-11-25T10:00:00Z",
        "nir": "185077512345612",
        "field": "email",
        "value": "claire.martin@example.org",
    },
}


class FeedEventOut(BaseModel):
    seq: int = Field(description="Numéro d'ordre dans le flux de la caisse, sans trou.")
    event_id: str = Field(description="Identifiant stable (UUID) : sert à écarter les doublons.")
    kind: str = Field(
        description="Nature de l'événement, code stable (interview_accepted, contact_change…)."
    )
    recorded_at: str = Field(description="Enregistrement dans le flux, UTC ISO 8601 (suffixe Z).")
    payload: dict[str, Any] = Field(description="Champs de l'événement, voir docs/funds.md.")

    model_config = {"json_schema_extra": {"examples": [EVENT_EXAMPLE]}}


class FeedPage(BaseModel):
    events: list[FeedEventOut]
    next_after: int = Field(description="Valeur de after pour la page suivante.")
    has_more: bool = Field(description="Vrai s'il reste des événements après cette page.")


class ErrorOut(BaseModel):
    detail: str


NDJSON_EXAMPLE = (
    '{"seq": 41, "event_id": "…", "kind": "interview_accepted", "recorded_at": "…", '
    '"payload": {…}}\n{"seq": 42, "event_id": "…", "kind": "contact_change", …}\n'
)
# The CSV is the spreadsheet of the fund's staff (dialer.compliance.feed.sheet): French
# headers and labels, the fund's local time; programs read JSON or NDJSON (codes, UTC).
CSV_EXAMPLE = (
    "N°;Identifiant de l'événement;Nature;Enregistré le (heure locale, France métropolitaine);"
    "Campagne;Référence de la ligne;Survenu le (heure locale, France métropolitaine);NIR;"
    "Numéro PS;SIRET;Donnée;Nouvelle valeur;Canal;Décision;Origine;Catégorie;Texte;"
    "Rappel le (heure locale, France métropolitaine);Autres informations\r\n"
    "42;3f1c9a62-8a7e-4c55-9d0e-2b6f4f1e7a10;Nouvelle coordonnée;25/11/2026 11:00:03;GRIPPE-75;"
    "L-0001;25/11/2026 11:00:00;185077512345612;;;Courriel;claire.martin@example.org;;;;;;;\r\n"
)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Jeton absent, inconnu ou révoqué."},
    403: {"model": ErrorOut, "description": "Le jeton appartient à une autre caisse."},
    406: {"model": ErrorOut, "description": "Aucun format demandé n'est disponible."},
    422: {"model": ErrorOut, "description": "Paramètre invalide (after, limit, format…)."},
}

PULL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": FeedPage,
        "description": "Les événements après le curseur, dans l'ordre de seq.",
        "content": {
            "application/json": {
                "example": {"events": [EVENT_EXAMPLE], "next_after": 42, "has_more": False}
            },
            "application/x-ndjson": {"example": NDJSON_EXAMPLE},
            "text/csv": {"example": CSV_EXAMPLE},
        },
    },
    **ERRORS,
}

ONE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": FeedEventOut, "description": "L'événement."},
    404: {"model": ErrorOut, "description": "Pas d'événement de ce numéro dans votre flux."},
    **ERRORS,
}
