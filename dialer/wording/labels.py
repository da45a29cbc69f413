"""The French label of every code a person may read, for pages, letters, exports and the CLI.

Codes stay stable and English where machines read them (the database, the fund's
JSON feed, logs); wherever a person reads, the code goes through ``label``. The
labels whose source already sits beside their enum in a lower room (roles,
territories, data fields) are taken from there, so each label is written once.
Codes of rooms above this one (feed event kinds, trail actions, agents' states)
are keyed by their stored value; a test checks every enum member has its label.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from dialer.accounts.roles import ROLE_LABELS_FR
from dialer.contacts.territories import TERRITORIES
from dialer.contacts.themes import PERSON_FIELDS, THEMES

log = logging.getLogger(__name__)


class Kind(StrEnum):
    """A family of codes, each with its closed list of values."""

    OUTCOME = "outcome"  # what a call brought the fund (the feed's event kinds)
    INTERVIEW = "interview"  # the person's answer to the interview
    OFFER = "offer"  # the person's answer to the offer
    TERRITORY = "territory"
    AUDIENCE = "audience"
    CONSENT_DECISION = "consent_decision"
    CONSENT_CHANNEL = "consent_channel"
    CONSENT_SOURCE = "consent_source"
    ROLE = "role"  # staff roles as the pages name them
    ACTOR_ROLE = "actor_role"  # who acted, as the trail names them: staff, a fund, the system
    ACTOR = "actor"  # who acted, as a letter tells the person
    FIELD = "field"  # data fields and theme columns
    CALL_RESULT = "call_result"
    CAMPAIGN_STATUS = "campaign_status"
    WAVE_STATUS = "wave_status"
    IMPORT_STATUS = "import_status"
    CONTACT_STATUS = "contact_status"
    TRAIL_ACTION = "trail_action"
    PACING = "pacing"
    COHORT = "cohort"
    AGENT_STATE = "agent_state"


_FIELDS: dict[str, str] = {
    spec.name: spec.label_fr
    for specs in (*PERSON_FIELDS.values(), *(theme.fields for theme in THEMES.values()))
    for spec in specs
} | {
    "email": "Courriel",
    "phone": "Téléphone",  # the feed's short names for the two numbers
    "phone2": "Téléphone 2",
    "audience": "Catégorie",
    "territory": "Territoire",
    "fund": "Caisse",
    "limited": "Traitement limité",
    "created_at": "Enregistré le",
    "updated_at": "Modifié le",
    "last_activity_at": "Dernière activité le",
    "consent:call": "Autorisation d'appel",
    # What else the trail names: columns and records read, purged or sent.
    "row_ref": "Référence de la ligne",
    "nir_cipher": "NIR (chiffré)",
    "nir_lookup": "Empreinte du NIR",
    "theme_data": "Données de la campagne",
    "number_e164": "Numéro appelé",
    "followup_category": "Catégorie de la demande",
    "followup_text": "Texte de la demande",
    "contact_changes": "Nouvelles coordonnées",
    "callback_at": "Rappel prévu le",
    "call_history": "Historique des appels",
    "feed_events": "Événements transmis à la caisse",
    "reject_report": "Rapport des lignes rejetées",
}

_LABELS: dict[Kind, dict[str, str]] = {
    Kind.OUTCOME: {
        "interview_accepted": "Entretien accepté",
        "interview_refused": "Entretien refusé",
        "offer_accepted": "Offre acceptée",
        "offer_refused": "Offre refusée",
        "followup_request": "Demande de suivi",
        "contact_change": "Nouvelle coordonnée",
        "consent_change": "Autorisation de contact modifiée",
        "callback_requested": "Rappel demandé",
        "wrong_person": "Personne jointe erronée",
        "rectification": "Rectification de données",
    },
    Kind.INTERVIEW: {"accepted": "entretien accepté", "refused": "entretien refusé"},
    Kind.OFFER: {"accepted": "offre acceptée", "refused": "offre refusée"},
    Kind.TERRITORY: {code.value: info.label for code, info in TERRITORIES.items()},
    Kind.AUDIENCE: {
        "insured": "Assuré(e)",
        "professional": "Professionnel de santé",
        "employer": "Employeur",
    },
    Kind.CONSENT_DECISION: {"opt_in": "Accord", "opt_out": "Refus"},
    Kind.CONSENT_CHANNEL: {
        "call": "appels sortants",
        "sms": "SMS",
        "email": "courriels",
        "post": "courriers",
    },
    Kind.CONSENT_SOURCE: {
        "call_outcome": "Résultat d'appel",
        "fund_file": "Fichier de la caisse",
        "rights_request": "Demande d'exercice des droits",
        "manager": "Gestionnaire de campagnes",
    },
    Kind.ROLE: {role.value: text for role, text in ROLE_LABELS_FR.items()},
    Kind.ACTOR_ROLE: {
        **{role.value: text for role, text in ROLE_LABELS_FR.items()},
        "fund": "Caisse",
        "system": "Traitement automatique",
    },
    Kind.ACTOR: {
        "agent": "un conseiller du centre d'appels",
        "manager": "un gestionnaire de campagnes",
        "supervisor": "un superviseur du centre d'appels",
        "dpo": "le délégué à la protection des données",
        "admin": "un administrateur",
        "fund": "votre caisse",
        "system": "un traitement automatique",
    },
    Kind.FIELD: _FIELDS,
    Kind.CALL_RESULT: {
        "answered": "Appel abouti",
        "busy": "Occupé",
        "no_answer": "Pas de réponse",
        "congestion": "Réseau saturé",
        "invalid_number": "Numéro invalide",
        "failed": "Échec de l'appel",
        "network_failure": "Panne du réseau téléphonique",
        "abandoned": "Appel abandonné",
        "machine": "Répondeur",
        "ended_while_disconnected": "Interrompu (PBX injoignable)",
    },
    Kind.CAMPAIGN_STATUS: {
        "draft": "Brouillon",
        "active": "En cours",
        "paused": "En pause",
        "closed": "Clôturée",
    },
    Kind.WAVE_STATUS: {
        "scheduled": "Programmée",
        "running": "En cours",
        "paused": "En pause",
        "stopped": "Arrêtée",
        "finished": "Terminée",
    },
    Kind.IMPORT_STATUS: {
        "running": "En cours",
        "done": "Terminé",
        "refused": "Refusé",
        "failed": "Échoué",
    },
    Kind.CONTACT_STATUS: {
        "pending": "À appeler",
        "in_progress": "En cours d'appel",
        "done": "Terminé",
    },
    Kind.TRAIL_ACTION: {
        "screen_pop": "Affichage de la fiche à l'appel",
        "search": "Recherche",
        "export": "Export",
        "reveal_secret": "Affichage d'un secret",
        "feed_pull": "Lecture du flux de résultats",
        "rights_request": "Demande d'exercice des droits",
        "outcome": "Saisie du résultat d'appel",
        "purge": "Purge de conservation",
        "trail_read": "Consultation de la traçabilité",
        "login_delay_cleared": "Levée d'un délai de connexion",
        "manual_dial": "Appel manuel par un agent",
        "manual_dial_refused": "Appel manuel refusé",
        "account_change": "Modification d'un compte",
        "call_supervision": "Écoute d'un appel par un superviseur",
        "call_control": "Mise en attente, transfert ou conférence d'un appel",
        "refused": "Accès refusé",
    },
    Kind.PACING: {"preview": "Aperçu", "progressive": "Progressif", "predictive": "Prédictif"},
    Kind.COHORT: {"all": "Tous", "remaining": "Restants", "filter": "Filtrés"},
    Kind.AGENT_STATE: {
        "logged_out": "Hors campagne",
        "available": "Disponible",
        "reserved": "Appel en préparation",
        "on_call": "En communication",
        "wrap_up": "Post-appel",
        "paused": "En pause",
    },
}

_MISSING = "(libellé manquant)"


def label(kind: Kind, code: str) -> str:
    """The French label of ``code``; an unknown code is shown marked, and logged.

    A person still gets their page or letter, with the code visibly flagged
    rather than passed off as French; the person-facing output tests look for
    the mark, and the warning names the code to add.
    """
    text = _LABELS[kind].get(str(code))
    if text is not None:
        return text
    log.warning("wording.missing kind=%s code=%r", kind.value, code)
    return f"{code} {_MISSING}"


def is_known(kind: Kind, code: str) -> bool:
    return str(code) in _LABELS[kind]


def choices(kind: Kind) -> Mapping[str, str]:
    """Every code of ``kind`` with its label, in their order: for a form's options."""
    return MappingProxyType(_LABELS[kind])


def missing_marker() -> str:
    """The mark an unknown code carries in an output, for the tests that hunt it."""
    return _MISSING
