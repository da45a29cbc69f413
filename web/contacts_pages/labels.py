"""The French words of the contact list and the reports.

A small local mapping until the shared French vocabulary module lands; the keys
are the stored values, which never change.
"""

from __future__ import annotations

from dialer.contacts.people.models import ContactStatus
from telephony.results import CallResult

CONTACT_STATUS_FR: dict[str, str] = {
    ContactStatus.PENDING: "À appeler",
    ContactStatus.IN_PROGRESS: "Appel en cours",
    ContactStatus.DONE: "Terminé",
}
DONE_REASON_FR: dict[str, str] = {
    "retries_exhausted": "tentatives épuisées",
    "invalid_number": "numéro invalide",
    "wrong_person": "erreur de personne",
    "purged": "données purgées",
    "callback": "rappel demandé",
}
RESULT_FR: dict[str, str] = {
    CallResult.ANSWERED: "Décroché",
    CallResult.BUSY: "Occupé",
    CallResult.NO_ANSWER: "Pas de réponse",
    CallResult.CONGESTION: "Réseau saturé",
    CallResult.INVALID_NUMBER: "Numéro invalide",
    CallResult.FAILED: "Échec de l'appel",
    CallResult.NETWORK_FAILURE: "Panne réseau",
    CallResult.ABANDONED: "Appel abandonné",
    CallResult.MACHINE: "Répondeur",
    CallResult.ENDED_WHILE_DISCONNECTED: "Interrompu (PBX injoignable)",
}
