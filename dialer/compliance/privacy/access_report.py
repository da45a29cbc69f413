"""The right of access: everything held about one person, as plain JSON data.

Secrets (the NIR, the provisional ameli code) are opened here because they are
the person's own data; they are opened for this report only and the trail
records that they were. Field names use the model's names; the French letter
(``access_letter``) turns them into labels.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from consent import ledger
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.importing.records import open_theme_data
from dialer.campaigns.models import Campaign
from dialer.compliance.feed.models import FeedEvent
from dialer.compliance.privacy.anonymise import PERSONAL_COLUMNS
from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.rights import as_requester, load_person, trace_request
from dialer.compliance.privacy.trail import Requester
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.themes import get_theme
from dialer.core.columns import utcnow
from dialer.core.crypto import CipherError, DataCipher

_PERSON_EXTRA = ("audience", "territory", "limited", "created_at", "updated_at", "last_activity_at")
TRAIL_LIMIT = 2000


def access_report(
    session: Session,
    cipher: DataCipher,
    person_id: int,
    actor: str | Requester,
    delivery: str = "",
) -> dict[str, Any]:
    """Everything held about the person, JSON-serialisable; the report is traced.

    ``delivery`` says how it left the system (a downloaded letter, a JSON file), so the
    trail tells a page view from a copy taken away.
    """
    who = as_requester(actor)
    person = load_person(session, person_id)
    trail = session.exec(
        select(AccessEntry)
        .where(AccessEntry.person_id == person_id)
        .order_by(col(AccessEntry.id))
        .limit(TRAIL_LIMIT)
    ).all()
    report: dict[str, Any] = {
        "generated_at": _jsonable(utcnow()),
        "person": _person(session, cipher, person),
        "campaigns": [
            _campaign(session, cipher, contact)
            for contact in session.exec(
                select(CampaignContact)
                .where(CampaignContact.person_id == person_id)
                .order_by(col(CampaignContact.id))
            )
        ],
        "consent": [
            {
                "at": _jsonable(e.at),
                "channel": e.channel,
                "decision": e.decision,
                "source": e.source,
            }
            for e in ledger.history(session, person_id)
        ],
        "trail": [_trail_entry(entry) for entry in trail],
        "feed": _feed(session, person_id),
    }
    fields = sorted({*report["person"], *_theme_fields(report)} - {"id"})
    detail = "droit d'accès : rapport complet produit" + (f", {delivery}" if delivery else "")
    trace_request(session, who, person_id, fields, detail)
    return report


def _person(session: Session, cipher: DataCipher, person: Person) -> dict[str, Any]:
    data: dict[str, Any] = {"id": person.id}
    if person.nir_cipher:
        data["nir"] = cipher.decrypt(person.nir_cipher, "nir")
    for name in (*PERSONAL_COLUMNS, *_PERSON_EXTRA):
        value = getattr(person, name)
        if name not in ("nir_cipher", "nir_lookup") and value is not None:
            data[name] = _jsonable(value)
    fund = session.get(Fund, person.fund_id)
    data["fund"] = {"code": fund.code, "name": fund.name} if fund else None
    return data


def _campaign(session: Session, cipher: DataCipher, contact: CampaignContact) -> dict[str, Any]:
    campaign = session.get(Campaign, contact.campaign_id)
    assert campaign is not None  # a contact's campaign is a foreign key
    fund = session.get(Fund, campaign.fund_id)
    theme = get_theme(campaign.theme)
    try:
        theme_data = open_theme_data(contact.theme_data or {}, set(theme.secret_fields), cipher)
    except CipherError:
        theme_data = {key: "(valeur illisible)" for key in contact.theme_data or {}}
    attempts = session.exec(
        select(CallAttempt)
        .where(CallAttempt.contact_id == contact.id)
        .order_by(col(CallAttempt.id))
    )
    outcomes = session.exec(
        select(Outcome).where(Outcome.contact_id == contact.id).order_by(col(Outcome.id))
    )
    return {
        "campaign": {
            "id": campaign.id, "code": campaign.code, "name": campaign.name,
            "theme": theme.key, "theme_label": theme.label_fr, "status": campaign.status,
            "fund": fund.name if fund else None,
        },
        "contact": {
            "row_ref": contact.row_ref, "status": contact.status, "attempts": contact.attempts,
            "theme_data": {key: _jsonable(value) for key, value in theme_data.items()},
            "created_at": _jsonable(contact.created_at),
        },
        "attempts": [
            {"at": _jsonable(a.created_at), "number": a.number_e164, "result": a.result}
            for a in attempts
        ],
        "outcomes": [_outcome(outcome) for outcome in outcomes],
    }  # fmt: skip


def _outcome(outcome: Outcome) -> dict[str, Any]:
    return {
        "at": _jsonable(outcome.created_at),
        "interview": outcome.interview,
        "offer": outcome.offer,
        "wrong_person": outcome.wrong_person,
        "followup_category": outcome.followup_category,
        "followup_text": outcome.followup_text,
        "contact_changes": outcome.contact_changes or {},
        "consent_changes": outcome.consent_changes or {},
        "callback_at": _jsonable(outcome.callback_at),
    }


def _trail_entry(entry: AccessEntry) -> dict[str, Any]:
    return {
        "at": _jsonable(entry.at),
        "actor": entry.actor,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "fields": list(entry.fields or []),
        "campaign_id": entry.campaign_id,
    }


def _feed(session: Session, person_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(FeedEvent.created_at, FeedEvent.kind, Fund.name)
        .join(Fund, col(Fund.id) == col(FeedEvent.fund_id))
        .where(FeedEvent.person_id == person_id)
        .order_by(col(FeedEvent.id))
    )
    return [{"at": _jsonable(at), "kind": kind, "fund": fund} for at, kind, fund in rows]


def _theme_fields(report: dict[str, Any]) -> set[str]:
    return {key for item in report["campaigns"] for key in item["contact"]["theme_data"]}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value
