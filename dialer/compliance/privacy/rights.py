"""Rights requests the DPO handles: find the person, rectify, limit, refuse calls.

Every action leaves an entry in the access trail (field names only) and nothing
here commits: the caller's transaction holds the change, its trace and the
feed events telling the funds, so they are saved together or not at all.
Objection does not apply (legal obligation), but refusing outbound calls does,
and it is written to the consent ledger, which stops every future call.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from consent import ledger
from consent.models import ConsentEntry
from dialer.campaigns.models import Campaign
from dialer.compliance.feed.kinds import EventKind
from dialer.compliance.feed.outbox import emit_event
from dialer.compliance.privacy.trail import Requester, TrailAction, record_access
from dialer.contacts.people.errors import FieldError
from dialer.contacts.people.identifiers import normalise_nir
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.people.phones import Phone
from dialer.contacts.themes import PERSON_FIELDS, Audience, FieldSpec
from dialer.contacts.themes.person_fields import IDENTITY_FIELD
from dialer.core.columns import require_id, utcnow
from dialer.core.crypto import DataCipher
from dialer.core.errors import DomainError

FIELD_ALIASES = {"phone": "phone_e164", "phone2": "phone2_e164"}
REASON_MAX = 200


class RightsError(DomainError):
    """A request that cannot be carried out as asked; the message is French."""


def find_person_by_nir(session: Session, cipher: DataCipher, nir: str) -> Person | None:
    """The person with this NIR, found by keyed hash (no NIR is ever decrypted to search)."""
    try:
        number = normalise_nir(nir)
    except FieldError as error:
        raise RightsError(f"NIR invalide : {error.reason}.") from None
    lookup = cipher.lookup(number, "nir")
    return session.exec(
        select(Person).where(Person.nir_lookup == lookup).order_by(col(Person.id))
    ).first()


def load_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise RightsError(f"Personne introuvable (n° {person_id}).")
    if person.anonymised_at is not None:
        raise RightsError(
            "Les données de cette personne ont été anonymisées : rien n'est conservé."
        )
    return person


def rectify(
    session: Session,
    person_id: int,
    changes: dict[str, str],
    actor: str | Requester,
    reason: str,
) -> list[str]:
    """Validate and apply ``changes`` (field -> typed value); returns the fields changed.

    Values are judged by the import's own parsers, so a rectified phone is as
    valid as an imported one. Each changed field is sent to the funds of the
    person's campaigns as a ``rectification`` feed event.
    """
    who = as_requester(actor)
    person = load_person(session, person_id)
    specs = {spec.name: spec for spec in PERSON_FIELDS[Audience(person.audience)]}
    parsed = _validated(changes, specs)
    changed = [name for name, value in parsed.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, parsed[name])
    if changed:
        person.updated_at = utcnow()
        session.add(person)
        session.flush()
    detail = f"rectification : {_reason(reason)}"
    for name in changed:
        payload = {"field": name, "value": _wire(parsed[name])}
        _tell_funds(session, person, EventKind.RECTIFICATION, payload)
    # Last, so the trail's table lock is held only until the caller commits.
    trace_request(session, who, person_id, sorted(parsed), detail)
    return changed


def _validated(changes: dict[str, str], specs: dict[str, FieldSpec]) -> dict[str, Any]:
    if not changes:
        raise RightsError("Aucune modification demandée.")
    identity = set(IDENTITY_FIELD.values())
    parsed: dict[str, Any] = {}
    for raw_name, raw_value in changes.items():
        name = FIELD_ALIASES.get(raw_name, raw_name)
        if name in identity:
            raise RightsError(
                f"« {name} » identifie la personne dans les fichiers de sa caisse : "
                "il se rectifie par la caisse de rattachement, qui enverra un nouveau fichier."
            )
        spec = specs.get(name)
        if spec is None:
            raise RightsError(f"Champ inconnu ou non prévu pour cette personne : « {raw_name} ».")
        parsed[name] = _parse(spec, raw_value)
    return parsed


def _parse(spec: FieldSpec, raw: str) -> Any:
    if not raw.strip():
        if spec.required:
            raise RightsError(f"{spec.label_fr} : valeur obligatoire, elle ne peut être effacée.")
        return None
    try:
        value = spec.parser(raw)
    except FieldError as error:
        raise RightsError(f"{spec.label_fr} : {error.reason}.") from None
    return value.e164 if isinstance(value, Phone) else value


def limit(session: Session, person_id: int, actor: str | Requester, reason: str) -> bool:
    """Freeze the person (limitation of processing); False if they already were."""
    return _set_limited(session, person_id, as_requester(actor), reason, limited=True)


def lift_limitation(session: Session, person_id: int, actor: str | Requester, reason: str) -> bool:
    """Lift a limitation; False if there was none."""
    return _set_limited(session, person_id, as_requester(actor), reason, limited=False)


def _set_limited(
    session: Session, person_id: int, who: Requester, reason: str, *, limited: bool
) -> bool:
    person = load_person(session, person_id)
    changed = person.limited != limited
    person.limited = limited
    person.updated_at = utcnow()
    session.add(person)
    session.flush()
    what = "limitation" if limited else "levée de la limitation"
    trace_request(session, who, person_id, ["limited"], f"{what} : {_reason(reason)}")
    return changed


def refuse_outbound_calls(
    session: Session, person_id: int, actor: str | Requester, reason: str = ""
) -> ConsentEntry | None:
    """Record the refusal to be called in the consent ledger and tell the funds.

    A refusal already in force is not recorded again (``None``): a second click or a
    retried command must not send the funds a second identical event.
    """
    who = as_requester(actor)
    person = load_person(session, person_id)
    if ledger.is_opted_out(session, person_id, "call"):
        return None
    entry = ledger.record(session, person_id, "call", "opt_out", "rights_request", who.actor)
    detail = "refus des appels sortants" + (f" : {_reason(reason)}" if reason.strip() else "")
    payload = {"channel": "call", "decision": "opt_out", "source": "rights_request"}
    _tell_funds(session, person, EventKind.CONSENT_CHANGE, payload)
    trace_request(session, who, person_id, ["consent:call"], detail)
    return entry


def _tell_funds(session: Session, person: Person, kind: EventKind, payload: dict[str, Any]) -> None:
    """One event per campaign of the person, so each fund finds its own file row."""
    person_id = require_id(person)
    campaigns = session.exec(
        select(Campaign.id, Campaign.fund_id)
        .join(CampaignContact, col(CampaignContact.campaign_id) == col(Campaign.id))
        .where(CampaignContact.person_id == person_id)
        .order_by(col(Campaign.id))
    ).all()
    if not campaigns:
        emit_event(session, person.fund_id, kind, payload, campaign_id=None, person_id=person_id)
    for campaign_id, fund_id in campaigns:
        emit_event(session, fund_id, kind, payload, campaign_id=campaign_id, person_id=person_id)


def trace_request(
    session: Session, who: Requester, person_id: int, fields: list[str], detail: str
) -> None:
    record_access(
        session,
        actor=who.actor,
        actor_role=who.actor_role,
        action=TrailAction.RIGHTS_REQUEST,
        person_id=person_id,
        fields=fields,
        address=who.address,
        detail=detail,
    )


def as_requester(actor: str | Requester) -> Requester:
    who = Requester(actor) if isinstance(actor, str) else actor
    if not who.actor.strip():
        raise RightsError("L'auteur de la demande est obligatoire.")
    return who


def _reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise RightsError("Le motif (référence du courrier de la personne) est obligatoire.")
    return cleaned[:REASON_MAX]


def _wire(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
