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
    CAMPAIGN_STATE = "campaign_state"  # the status as it follows « la campagne est »
    WAVE_STATUS = "wave_status"
    IMPORT_STATUS = "import_status"
    CONTACT_STATUS = "contact_status"
    DONE_REASON = "done_reason"  # why a contact is done, after its status
    DONE_EXPLANATION = "done_explanation"  # the same, as a sentence explaining a contact
    RETRY_REASON = "retry_reason"  # a row of the retry rules: a call result or an outcome
    TRAIL_ACTION = "trail_action"
    PACING = "pacing"
    COHORT = "cohort"
    AGENT_STATE = "agent_state"
    MACHINE_HANDLING = "machine_handling"  # what a campaign does on an answering machine
    BLOCK = "block"  # why a contact is not called now, in the managers' counts
    DESTINATION = "destination"  # what a transfer destination is
    REQUEST_KIND = "request_kind"  # the DPO register: a rights request's kind…
    REQUEST_CHANNEL = "request_channel"  # …how it came in…
    REQUEST_STATUS = "request_status"  # …where it stands…
    REQUEST_STEP = "request_step"  # …and each step of its history


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
    Kind.CAMPAIGN_STATE: {
        "draft": "en brouillon",
        "active": "en cours",
        "paused": "en pause",
        "closed": "clôturée",
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
        "in_progress": "Appel en cours",
        "done": "Terminé",
    },
    Kind.DONE_REASON: {
        "retries_exhausted": "tentatives épuisées",
        "invalid_number": "numéro invalide",
        "wrong_person": "erreur de personne",
        "purged": "données purgées",
        "callback": "rappel demandé",
        "interview_refused": "entretien refusé",
        "offer_accepted": "offre acceptée",
        "offer_refused": "offre refusée",
        "offer_answered": "réponse à l'offre",
    },
    Kind.DONE_EXPLANATION: {
        "retries_exhausted": "les nouvelles tentatives sont épuisées",
        "invalid_number": "le numéro n'est pas attribué",
        "wrong_person": "le numéro n'est pas celui de la personne",
        "purged": "les données de la personne ont été purgées (fin de conservation)",
        "callback": "la personne a demandé à être rappelée",
        "interview_refused": "la personne a refusé l'entretien",
        "offer_accepted": "la personne a accepté l'offre",
        "offer_refused": "la personne a refusé l'offre",
        "offer_answered": "la personne a répondu à l'offre",
    },
    Kind.RETRY_REASON: {
        "busy": "Occupé",
        "no_answer": "Pas de réponse",
        "congestion": "Réseau saturé",
        "machine": "Répondeur",
        "abandoned": "Appel abandonné (aucun agent libre)",
        "ended_while_disconnected": "Appel perdu, agent déconnecté",
        "failed": "Échec de l'appel",
        "network_failure": "Panne de notre réseau (tentative non comptée)",
        "invalid_number": "Numéro invalide",
        "callback": "Rappel demandé par la personne",
        "wrong_person": "Mauvais interlocuteur",
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
    Kind.MACHINE_HANDLING: {
        "off": "pas de détection des répondeurs",
        "hangup": "raccrocher sur un répondeur",
        "message": "laisser le message neutre sur un répondeur",
    },
    Kind.BLOCK: {
        "opted_out": "opposition aux appels sortants",
        "limited": "traitement limité",
        "done": "terminés dans la campagne",
        "expired": "objet de l'appel expiré",
        "attempts_exhausted": "tentatives épuisées",
        "live_call": "appel en cours dans une autre campagne ou vers le même numéro",
        "refusal_cooldown": "refus récent (délai de carence)",
        "reached_limit": "déjà joints le maximum de fois en 30 jours",
        "retry_delay": "en attente de la prochaine tentative ou d'un rappel",
        "holiday": "jour férié local",
        "outside_window": "hors des jours et heures d'appel",
        "no_agent_available": "aucun agent disponible",
        "wave_paused": "vague en pause",
    },
    Kind.DESTINATION: {
        "supervisor": "Supervision",
        "fund": "Service de la caisse (demande de suivi)",
    },
    Kind.REQUEST_KIND: {
        "access": "accès",
        "rectification": "rectification",
        "limitation": "limitation du traitement",
        "call_refusal": "refus d'être appelé",
    },
    Kind.REQUEST_CHANNEL: {
        "post": "courrier",
        "email": "courriel",
        "phone": "téléphone",
        "counter": "accueil (guichet)",
    },
    Kind.REQUEST_STATUS: {
        "received": "reçue",
        "in_progress": "en cours",
        "answered": "répondue",
        "refused": "refusée",
    },
    Kind.REQUEST_STEP: {
        "recorded": "demande enregistrée",
        "started": "traitement commencé",
        "action": "action",
        "extended": "délai prolongé de deux mois",
        "letter": "courrier de réponse envoyé",
        "answered": "demande close (répondue)",
        "refused": "demande refusée",
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
