"""What call control allows, as pure rules: transfer destinations and who may supervise."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import phonenumbers

from dialer.core.errors import DomainError

TARGET_RULE_FR = (
    "Destination de transfert invalide : un numéro au format international "
    "(par exemple +33 1 98 76 54 32) ou le numéro d'un poste interne (2 à 6 chiffres)."
)
NOT_LISTED_FR = "Transfert refusé : cette destination n'est pas dans la liste de la campagne."
NOT_SUPERVISOR_FR = (
    "Écoute refusée : vous n'êtes pas habilité(e) à superviser les appels de cette campagne."
)
NO_SUPERVISOR_PHONE_FR = (
    "Aucun poste téléphonique n'est associé à votre compte : l'administrateur doit "
    "l'indiquer avant que vous puissiez écouter un appel."
)
LABEL_RULE_FR = "Le nom de la destination est obligatoire (100 caractères au plus)."
_ENDPOINT = re.compile(r"[0-9]{2,6}")


class CallControlDenied(DomainError):
    """A call-control request refused before it reaches the PBX; the message is French."""


@dataclass(frozen=True)
class Destination:
    id: int
    label: str
    target: str  # E.164 or an internal endpoint's digits
    kind: str


def checked_target(text: str) -> str:
    """A destination as stored: E.164 (+ and digits, a valid number) or endpoint digits."""
    value = re.sub(r"[\s.]", "", text or "")
    if _ENDPOINT.fullmatch(value):
        return value
    if not value.startswith("+") or not value[1:].isdigit():
        raise CallControlDenied(TARGET_RULE_FR)
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise CallControlDenied(TARGET_RULE_FR) from None
    if not phonenumbers.is_valid_number(parsed):
        raise CallControlDenied(TARGET_RULE_FR)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def checked_label(text: str) -> str:
    label = (text or "").strip()
    if not label or len(label) > 100 or any(ch in label for ch in "\r\n\x00"):
        raise CallControlDenied(LABEL_RULE_FR)
    return label


def chosen_destination(listed: Sequence[Destination], destination_id: int | None) -> Destination:
    """The campaign's destination of that id; anything else is refused."""
    for destination in listed:
        if destination_id is not None and destination.id == destination_id:
            return destination
    raise CallControlDenied(NOT_LISTED_FR)


def check_may_supervise(enabled_campaigns: Iterable[int], campaign_id: int) -> None:
    if campaign_id not in set(enabled_campaigns):
        raise CallControlDenied(NOT_SUPERVISOR_FR)
