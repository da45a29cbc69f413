"""The outcome form as the agent fills it, read into ``OutcomeInput`` with errors per field.

``record_outcome`` validates the whole outcome again before writing; this module
only finds which field a problem belongs to, so the form can say it next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from starlette.datastructures import FormData

from dialer.core.errors import DomainError
from dialer.engine.calling.outcome_input import (
    ANSWERS,
    FOLLOWUP_TEXT_MAX,
    OutcomeInput,
    check_contact_changes,
)
from web.bounds import parse_id
from web.forms import FieldProblem, checked_text, field_text

FOLLOWUP_CATEGORIES_FR = (
    "Attestation ou document",
    "Changement de situation",
    "Question sur un remboursement",
    "Carte Vitale",
    "Demande de rendez-vous",
    "Réclamation",
    "Autre demande",
)
CONSENT_CHANNELS_FR = (("call", "Appels"), ("sms", "SMS"), ("email", "E-mail"))
CONSENT_CHOICES = ("opt_in", "opt_out")
# Form field -> (OutcomeInput contact field, French label, max length)
CONTACT_INPUTS: dict[str, tuple[str, str, int]] = {
    "nouveau_telephone": ("phone", "Nouveau téléphone", 40),
    "nouvel_email": ("email", "Nouvel e-mail", 254),
    "nouvelle_adresse": ("address_line", "Nouvelle adresse", 300),
    "nouveau_code_postal": ("postal_code", "Nouveau code postal", 10),
    "nouvelle_ville": ("city", "Nouvelle ville", 100),
}


@dataclass
class ReadForm:
    data: OutcomeInput
    problems: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)  # as typed, to show again


def read_outcome_form(form: FormData) -> ReadForm:
    values = {key: field_text(form, key, FOLLOWUP_TEXT_MAX) for key in form if key != "csrf_token"}
    read = ReadForm(OutcomeInput(), values=values)
    read.data.interview = _answer(form, "entretien", "Entretien", read)
    read.data.offer = _answer(form, "offre", "Offre", read)
    read.data.wrong_person = field_text(form, "erreur_personne", 10) == "oui"
    read.data.not_reached = field_text(form, "non_joint", 10) == "oui"
    _followup(form, read)
    _contacts(form, read)
    _consents(form, read)
    read.data.callback_local = _callback(form, read)
    version = field_text(form, "version_script", 12)
    read.data.script_version_id = parse_id(version)
    return read


def _answer(form: FormData, name: str, label: str, read: ReadForm) -> str | None:
    value = field_text(form, name, 20)
    if value and value not in ANSWERS:
        read.problems[name] = f"{label} : réponse inconnue."
        return None
    return value or None


def _followup(form: FormData, read: ReadForm) -> None:
    category = field_text(form, "suivi_categorie", 100)
    if category and category not in FOLLOWUP_CATEGORIES_FR:
        read.problems["suivi_categorie"] = "Catégorie de demande inconnue."
        category = ""
    try:
        text = checked_text(form, "suivi_texte", "Précisions", FOLLOWUP_TEXT_MAX)
    except FieldProblem as problem:
        read.problems["suivi_texte"] = str(problem)
        text = ""
    if text and not category:
        read.problems["suivi_categorie"] = "Choisissez la catégorie de la demande."
    read.data.followup_category = category or None
    read.data.followup_text = text or None


def _contacts(form: FormData, read: ReadForm) -> None:
    for name, (target, label, max_len) in CONTACT_INPUTS.items():
        try:
            raw = checked_text(form, name, label, max_len)
            if raw:
                read.data.contact_changes.update(check_contact_changes({target: raw}))
        except (FieldProblem, DomainError) as problem:
            read.problems[name] = str(problem)


def _consents(form: FormData, read: ReadForm) -> None:
    for channel, label in CONSENT_CHANNELS_FR:
        name = f"consentement_{channel}"
        decision = field_text(form, name, 20)
        if decision in CONSENT_CHOICES:
            read.data.consent_changes[channel] = decision
        elif decision:
            read.problems[name] = f"{label} : choix inconnu."


def _callback(form: FormData, read: ReadForm) -> datetime | None:
    text = field_text(form, "rappel", 40)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        read.problems["rappel"] = "Date de rappel illisible (jour et heure attendus)."
        return None
    return moment.replace(tzinfo=None, second=0, microsecond=0)
