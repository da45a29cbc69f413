"""What the OpenAPI document says about the pages: their real answers and form bodies.

The pages read their forms themselves (``FormDep``) and answer HTML, redirects and
French error pages, none of which FastAPI can infer. Declared here in one place, the
document lets schemathesis hold every answer to it (tests/web/security).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

HTML = "text/html"
JSON = "application/json"
STRING: dict[str, Any] = {"schema": {"type": "string"}}
OBJECT: dict[str, Any] = {"schema": {"type": "object"}}
ERROR_PAGE = {"content": {HTML: STRING}}
C = "/campagnes/{campaign_id}"
A = "/poste/appels/{attempt_id}"
P = "/dpo/personnes/{person_id}"
R = "/dpo/demandes/{request_id}"

# What a page route's 200 holds when it is not an HTML page.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A report's export is CSV or a workbook, as its address's extension says.
REPORT_EXPORT = "text/csv", XLSX
MEDIA: dict[tuple[str, str], str | tuple[str, ...]] = {
    ("GET", C + "/rapports/export.{fmt}"): REPORT_EXPORT,
    ("GET", "/caisses/{fund_id}/rapports/export.{fmt}"): REPORT_EXPORT,
    ("GET", "/poste/etat"): JSON,
    ("GET", A + "/controle"): JSON,
    ("GET", "/supervision/etat"): JSON,
    ("GET", C + "/tableau/donnees"): JSON,
    ("POST", C + "/script/apercu"): JSON,
    ("GET", P + "/rapport.json"): JSON,
    ("GET", C + "/imports/{job_id}/rejets.csv"): "text/csv",
    ("GET", "/dpo/tracabilite.csv"): "text/csv",
    ("GET", P + "/lettre.txt"): "text/plain",
    ("GET", P + "/lettre.pdf"): "application/pdf",
    ("GET", C + "/tableau/flux"): "text/event-stream",
    ("GET", "/poste/evenements"): "text/event-stream",
}
# Answers beyond the shared set: with their reason.
EXTRA: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/connexion"): {
        "401": "Identifiant ou mot de passe incorrect.",
        "429": "Trop de tentatives : réessayez après le délai indiqué (Retry-After).",
    },
    ("POST", A + "/raccrocher"): {
        "204": "Appel raccroché (ou déjà terminé).",
        "502": "Le PBX n'a pas pu raccrocher.",
        "503": "Aucun numéroteur joignable.",
        "504": "Le numéroteur n'a pas répondu à temps.",
    },
    ("POST", A + "/appeler"): {
        "502": "Le PBX n'a pas pu lancer l'appel.",
        "503": "Aucun numéroteur joignable.",
        "504": "Le numéroteur n'a pas répondu à temps.",
    },
}
# The desk's call control and the supervisor's listening: done (204), or the PBX side's refusal.
_CONTROL = {
    "204": "Action faite sur l'appel.",
    "502": "Le PBX a refusé l'action.",
    "503": "Aucun numéroteur dans ce processus ne tient l'appel.",
    "504": "Le numéroteur n'a pas répondu à temps.",
}
EXTRA.update({
    ("POST", A + path): _CONTROL
    for path in (
        "/attente", "/reprise", "/transfert", "/transfert/annuler", "/transfert/terminer",
        "/conference",
    )
})  # fmt: skip
EXTRA[("POST", "/supervision/appels/{attempt_id}/ecoute")] = _CONTROL
EXTRA[("POST", "/poste/aide")] = {"204": "Demande d'aide transmise au superviseur."}
EXTRA[("POST", "/supervision/agents/{user_id}/aide")] = {"204": "Demande d'aide prise en charge."}
_TEXT = {"type": "string"}
# The fields each form posts (all text on the wire); csrf_token is added to every one.
FORMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("POST", "/connexion"): ("identifiant", "mot_de_passe", "suite"),
    ("POST", "/deconnexion"): (),
    ("POST", "/campagnes/nouvelle"): (
        "code",
        "nom",
        "theme",
        "caisse",
        "numero_presente",
        "tentatives_max",
        "plages",
        "jours",
        "post_appel",
        "abandon_cible",
    ),  # fmt: skip
    # The mapping step: pairs entete_N / colonne_N follow, one per unknown header.
    ("POST", C + "/import/colonnes"): ("attente", "annuler", "entete_0", "colonne_0"),
    ("POST", C + "/agents/{user_id}/activer"): (),
    ("POST", C + "/agents/{user_id}/retirer"): (),
    ("POST", "/admin/utilisateurs"): ("identifiant", "nom", "role", "poste", "mot_de_passe"),
    ("POST", "/admin/utilisateurs/{user_id}/poste"): ("poste",),
    ("POST", "/admin/utilisateurs/delais/lever"): ("compte",),
    ("POST", "/admin/utilisateurs/{user_id}/desactiver"): (),
    ("POST", "/admin/utilisateurs/{user_id}/reactiver"): (),
    ("POST", "/admin/utilisateurs/{user_id}/role"): ("role",),
    ("POST", "/admin/utilisateurs/{user_id}/mot-de-passe"): (),
    ("POST", "/mot-de-passe"): ("nouveau", "confirmation"),
    ("POST", "/poste/campagne"): ("campagne",),
    ("POST", "/poste/disponible"): (),
    ("POST", "/poste/pause"): ("motif",),
    ("POST", "/poste/quitter"): (),
    ("POST", "/poste/recherche"): ("q",),
    ("POST", "/poste/appel-manuel"): ("personne", "origine"),
    ("POST", A + "/code"): (),
    ("POST", A + "/raccrocher"): (),
    ("POST", A + "/appeler"): (),
    ("POST", A + "/passer"): (),
    ("POST", A + "/attente"): (),
    ("POST", A + "/reprise"): (),
    ("POST", A + "/transfert"): ("destination", "mode"),
    ("POST", A + "/transfert/annuler"): (),
    ("POST", A + "/transfert/terminer"): (),
    ("POST", A + "/conference"): (),
    ("POST", "/poste/aide"): (),
    ("POST", "/supervision/appels/{attempt_id}/ecoute"): ("mode",),
    ("POST", "/supervision/agents/{user_id}/aide"): (),
    ("POST", C + "/supervision/destinations"): ("libelle", "cible", "type"),
    ("POST", C + "/supervision/destinations/{destination_id}/retirer"): (),
    ("POST", C + "/supervision/superviseurs"): ("superviseur",),
    ("POST", C + "/supervision/politique"): ("ecoute_visible",),
    ("POST", A + "/resultat"): (
        "entretien",
        "offre",
        "erreur_personne",
        "non_joint",
        "suivi_categorie",
        "suivi_texte",
        "rappel",
        "version_script",
        "nouveau_telephone",
        "nouvel_email",
        "nouvelle_adresse",
        "nouveau_code_postal",
        "nouvelle_ville",
    ),  # fmt: skip
    ("POST", C + "/script"): ("corps",),
    ("POST", C + "/script/apercu"): ("corps",),
    ("POST", C + "/vagues"): (
        "nom",
        "debut",
        "fin",
        "cohorte",
        "territoire",
        "code_postal",
        "mode",
        "confirmer_chevauchement",
    ),
    ("POST", C + "/vagues/{wave_id}/{action}"): (),
    ("POST", C + "/etat/{action}"): (),
    ("POST", C + "/cloture"): ("confirmer",),
    ("POST", C + "/modifier"): (
        "code",
        "nom",
        "theme",
        "caisse",
        "numero_presente",
        "tentatives_max",
        "plages",
        "jours",
        "post_appel",
        "abandon_cible",
    ),  # fmt: skip
    # One row per retry reason follows: delai_<reason>, multiplicateur_<reason>, ...
    ("POST", C + "/relances"): (
        "action",
        "delai_busy",
        "multiplicateur_busy",
        "tentatives_busy",
        "definitif_busy",
    ),
    ("POST", "/dpo/recherche"): ("nir",),
    ("POST", "/dpo/tracabilite/nir"): ("nir",),
    ("POST", P + "/rectification"): (
        "last_name",
        "first_name",
        "address_line",
        "postal_code",
        "city",
        "phone_e164",
        "phone2_e164",
        "email",
        "company_name",
        "local_contact_name",
        "motif",
        "demande",
    ),  # fmt: skip  # fmt: skip
    ("POST", P + "/limitation"): ("motif", "action", "demande"),
    ("POST", P + "/refus-appels"): ("motif", "demande"),
    ("POST", "/dpo/demandes"): ("nir", "telephone", "recue_le", "type", "canal", "reference"),
    ("POST", R + "/prolongation"): ("motif",),
    ("POST", R + "/refus"): ("motif",),
    ("POST", R + "/reponse"): (),
}
UPLOADS: dict[tuple[str, str], str] = {
    ("POST", C + "/import"): "fichier",
    ("POST", C + "/oppositions"): "fichier",
}


def install_page_documentation(app: FastAPI) -> None:
    """Have ``app.openapi()`` describe the pages as they really answer."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document_pages(build())
        return build()

    app.openapi = openapi  # type: ignore[method-assign]


def document_pages(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, its page operations (every path but the JSON API's) rewritten in place."""
    for path, operations in schema.get("paths", {}).items():
        if path.startswith("/api/") or path in ("/openapi.json", "/healthz", "/readyz"):
            continue
        for method, operation in operations.items():
            _document(method.upper(), path, operation)
    return schema


def _document(method: str, path: str, operation: dict[str, Any]) -> None:
    key = (method, path)
    media = MEDIA.get(key, HTML)
    medias = media if isinstance(media, tuple) else (media,)
    ok = {"description": "Page ou contenu demandé.", "content": dict.fromkeys(medias, STRING)}
    if media == JSON:
        ok["content"] = {JSON: OBJECT}
    responses: dict[str, Any] = {
        "200": ok,
        "303": {"description": "Redirection : page suivante, ou connexion requise."},
        "400": {"description": "Requête invalide (paramètre ou champ refusé).", **ERROR_PAGE},
        "403": {"description": "Accès refusé pour ce rôle, ou jeton CSRF absent.", **ERROR_PAGE},
        "404": {"description": "Objet introuvable.", **ERROR_PAGE},
    }
    if method == "POST":
        responses["409"] = {"description": "Conflit avec l'état actuel.", **ERROR_PAGE}
        responses["413"] = {"description": "Requête trop volumineuse.", **ERROR_PAGE}
    for status, reason in EXTRA.get(key, {}).items():
        responses[status] = {"description": reason, **({} if status == "204" else ERROR_PAGE)}
    operation["responses"] = responses
    body = _body(key)
    if body is not None:
        operation["requestBody"] = body


def _body(key: tuple[str, str]) -> dict[str, Any] | None:
    if key in UPLOADS:
        properties = {UPLOADS[key]: {"type": "string", "format": "binary"}, "csrf_token": _TEXT}
        media = "multipart/form-data"
    elif key in FORMS:
        properties = {name: _TEXT for name in ("csrf_token", *FORMS[key])}
        media = "application/x-www-form-urlencoded"
    else:
        return None
    schema = {"type": "object", "properties": properties, "required": ["csrf_token"]}
    return {"required": True, "content": {media: {"schema": schema}}}
