"""What an agent submits after a call, and its validation (pure, French messages).

Everything is checked before anything is written, so a bad form changes nothing:
the agent corrects it and submits again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from consent.vocabulary import Channel, Decision
from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.fields import clean_text, normalise_email, normalise_postal_code
from dialer.contacts.people.phones import normalise_phone
from dialer.core.errors import DomainError

ACCEPTED = "accepted"
REFUSED = "refused"
ANSWERS = (ACCEPTED, REFUSED)
CONSENT_CHANNELS = (Channel.CALL.value, Channel.SMS.value, Channel.EMAIL.value)
FOLLOWUP_CATEGORY_MAX = 64
FOLLOWUP_TEXT_MAX = 2000

# Field -> (French label, normaliser). Only the contact details the notice lists.
_CONTACT_FIELDS: dict[str, tuple[str, Any]] = {
    "phone": ("téléphone", lambda raw: normalise_phone(raw).e164),
    "phone2": ("second téléphone", lambda raw: normalise_phone(raw).e164),
    "email": ("e-mail", normalise_email),
    "address_line": ("adresse", lambda raw: clean_text(raw, 300)),
    "postal_code": ("code postal", normalise_postal_code),
    "city": ("ville", lambda raw: clean_text(raw, 100)),
}


@dataclass
class OutcomeInput:
    """The agent's form. ``callback_local`` is in the person's own time zone."""

    interview: str | None = None  # accepted, refused
    offer: str | None = None  # accepted, refused
    wrong_person: bool = False
    # « Répondeur / pas la bonne personne »: nobody to talk to, try again later.
    not_reached: bool = False
    followup_category: str | None = None
    followup_text: str | None = None
    contact_changes: dict[str, str] = field(default_factory=dict)
    consent_changes: dict[str, str] = field(default_factory=dict)  # channel -> decision
    callback_local: datetime | None = None
    script_version_id: int | None = None


@dataclass(frozen=True)
class CheckedOutcome:
    interview: str | None
    offer: str | None
    wrong_person: bool
    followup_category: str | None
    followup_text: str | None
    contact_changes: dict[str, str]
    consent_changes: dict[str, str]
    callback_at: datetime | None  # naive UTC
    script_version_id: int | None
    not_reached: bool = False


def check_outcome(form: OutcomeInput, time_zone: str, now: datetime) -> CheckedOutcome:
    """The validated outcome, or DomainError saying in French what to correct."""
    if form.not_reached:
        return _not_reached(form)
    _check_answers(form)
    callback_at = to_utc(form.callback_local, time_zone) if form.callback_local else None
    if callback_at is not None and callback_at <= now:
        raise DomainError("La date de rappel doit être dans le futur.")
    consent = _check_consent(form.consent_changes)
    if callback_at is not None and consent.get(Channel.CALL.value) == Decision.OPT_OUT.value:
        raise DomainError("Un rappel est impossible : la personne refuse les appels sortants.")
    category, text = _check_followup(form.followup_category, form.followup_text)
    return CheckedOutcome(
        interview=form.interview,
        offer=form.offer,
        wrong_person=form.wrong_person,
        followup_category=category,
        followup_text=text,
        contact_changes=check_contact_changes(form.contact_changes),
        consent_changes=consent,
        callback_at=callback_at,
        script_version_id=form.script_version_id,
    )


NOT_REACHED_ALONE_FR = (
    "Répondeur ou autre personne au bout du fil : rien d'autre ne peut être saisi "
    "(la personne n'a pas été jointe)."
)


def _not_reached(form: OutcomeInput) -> CheckedOutcome:
    """The shortcut says nobody was reached: anything else on the form contradicts it."""
    said = (
        form.interview, form.offer, form.wrong_person, form.callback_local,
        form.followup_category, form.followup_text, form.contact_changes, form.consent_changes,
    )  # fmt: skip
    if any(said):
        raise DomainError(NOT_REACHED_ALONE_FR)
    return CheckedOutcome(
        interview=None, offer=None, wrong_person=False, followup_category=None,
        followup_text=None, contact_changes={}, consent_changes={}, callback_at=None,
        script_version_id=form.script_version_id, not_reached=True,
    )  # fmt: skip


def _check_answers(form: OutcomeInput) -> None:
    for label, value in (("l'entretien", form.interview), ("l'offre", form.offer)):
        if value is not None and value not in ANSWERS:
            raise DomainError(
                f"Réponse à {label} inconnue : {value!r} (attendu : accepted, refused)."
            )
    if form.wrong_person and (form.interview or form.offer):
        raise DomainError("Erreur de personne : ne renseignez ni l'entretien ni l'offre.")
    if form.offer is not None and form.interview != ACCEPTED:
        raise DomainError("L'offre ne peut être renseignée que si l'entretien a été accepté.")
    if form.interview == REFUSED and form.callback_local is not None:
        raise DomainError("Entretien refusé : aucun rappel ne peut être programmé.")
    if form.offer is not None and form.callback_local is not None:
        raise DomainError("L'offre a reçu une réponse : aucun rappel ne peut être programmé.")
    if not (form.interview or form.wrong_person or form.callback_local):
        raise DomainError(
            "Indiquez si la personne accepte l'entretien, s'il s'agit d'une erreur de "
            "personne, ou une date de rappel."
        )


def to_utc(local: datetime, time_zone: str) -> datetime:
    """A wall-clock time of the person's territory as the naive UTC the database stores."""
    if local.tzinfo is not None:
        return local.astimezone(UTC).replace(tzinfo=None)
    return local.replace(tzinfo=ZoneInfo(time_zone)).astimezone(UTC).replace(tzinfo=None)


def _check_consent(changes: dict[str, str]) -> dict[str, str]:
    checked: dict[str, str] = {}
    decisions = (Decision.OPT_IN.value, Decision.OPT_OUT.value)
    for channel, decision in changes.items():
        if channel not in CONSENT_CHANNELS:
            raise DomainError(f"Canal de consentement inconnu : {channel!r} (appel, SMS, e-mail).")
        if decision not in decisions:
            raise DomainError(f"Décision de consentement inconnue : {decision!r}.")
        checked[channel] = decision
    return checked


def _check_followup(category: str | None, text: str | None) -> tuple[str | None, str | None]:
    try:
        cat = clean_text(category, FOLLOWUP_CATEGORY_MAX) if category else None
        body = clean_text(text, FOLLOWUP_TEXT_MAX) if text else None
    except FieldError as error:
        raise DomainError(f"Demande de suivi : {error}.") from error
    if body and not cat:
        raise DomainError("Demande de suivi : choisissez une catégorie.")
    return cat or None, body or None


def check_contact_changes(changes: dict[str, str]) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, raw in changes.items():
        known = _CONTACT_FIELDS.get(name)
        if known is None:
            raise DomainError(f"Coordonnée inconnue : {name!r}.")
        label, normalise = known
        try:
            checked[name] = str(normalise(raw))
        except FieldError as error:
            raise DomainError(f"Nouveau {label} refusé : {error}.") from error
    return checked
