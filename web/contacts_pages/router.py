"""``/campagnes/{id}/contacts``: a campaign's contacts, a page at a time, and one person's
« pourquoi (pas) appelé ».

Every page shown is traced: one access-trail entry per person on it, naming the
fields the page showed (reference, territory and the names the audience carries),
as the desk traces a screen pop. A page that fails to trace is not shown.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from dialer.accounts.models import User
from dialer.campaigns.contact_list import (
    SEARCH_MAX,
    ContactListError,
    ContactPage,
    ContactQuery,
    list_contacts,
)
from dialer.campaigns.eligibility import ContactExplanation
from dialer.campaigns.models import Campaign
from dialer.campaigns.waves.times import paris_text
from dialer.compliance.privacy.trail import (
    AccessRead,
    Requester,
    TrailAction,
    record_access,
    record_accesses,
)
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.contacts.territories import TERRITORIES
from dialer.contacts.themes import get_theme
from dialer.contacts.themes.base import Audience
from dialer.engine.explain import explain_one, explain_page
from dialer.wording import Kind, choices, label
from web.bounds import MAX_ID
from web.deps import DbSession, IdPath, ManagerUser, NowDep, RuntimeDep
from web.pages.campaigns import load_campaign
from web.refusals import french_error
from web.render import render

router = APIRouter()
LIST_DETAIL = "liste des contacts de la campagne"
EXPLAIN_DETAIL = "explication : pourquoi (pas) appelé"
# Long enough to carry a refusal's reason back to the page, short enough to bound the work.
SearchText = Annotated[str, Query(max_length=SEARCH_MAX * 4)]
FilterText = Annotated[str, Query(max_length=32)]
Cursor = Annotated[int, Query(ge=0, le=MAX_ID)]


def _audience(campaign: Campaign) -> Audience:
    return get_theme(campaign.theme).audience


def _trace(
    db: Session, request: Request, user: User, campaign: Campaign, page: ContactPage
) -> None:
    fields = tuple(page.person_fields(_audience(campaign)))
    who = Requester(user.username, user.role, request.client.host if request.client else None)
    reads = [AccessRead(row.person_id, fields) for row in page.rows]
    record_accesses(db, who, TrailAction.SEARCH, reads, campaign_id=campaign.id, detail=LIST_DETAIL)


def _result_text(result: str | None) -> str:
    return label(Kind.CALL_RESULT, result) if result else "—"


def _row_view(row: Any, why: ContactExplanation | None) -> dict[str, Any]:
    status = label(Kind.CONTACT_STATUS, row.status)
    if row.done_reason:
        status = f"{status} ({label(Kind.DONE_REASON, row.done_reason)})"
    return {
        "row": row,
        "status": status,
        "territory": TERRITORIES[row.territory].label if row.territory in TERRITORIES else "",
        "last_result": _result_text(row.last_result),
        "last_attempt": paris_text(row.last_attempt_at) or "—",
        "next_call": _next_call_text(row, why),
    }


def _next_call_text(row: Any, why: ContactExplanation | None) -> str:
    if row.status == ContactStatus.DONE:
        return "Plus d'appel"
    if row.status == ContactStatus.IN_PROGRESS:
        return "En cours"
    if why is None:
        return paris_text(row.next_call_at) or "—"
    if why.callable_now:
        return "Maintenant"
    return paris_text(why.next_callable_at) or "Pas en vue (voir « Expliquer »)"


def _filters_context(search: str, status: str, territory: str, result: str) -> dict[str, Any]:
    return {
        "search": search, "status": status, "territory": territory, "result": result,
        "statuses": choices(Kind.CONTACT_STATUS),
        "territories": {key.value: value.label for key, value in TERRITORIES.items()},
        "results": {"none": "Jamais appelé", **choices(Kind.CALL_RESULT)},
    }  # fmt: skip


@router.get("/campagnes/{campaign_id}/contacts")
def contacts_page(
    request: Request,
    campaign_id: IdPath,
    user: ManagerUser,
    db: DbSession,
    now: NowDep,
    q: SearchText = "",
    statut: FilterText = "",
    territoire: FilterText = "",
    resultat: FilterText = "",
    apres: Cursor = 0,
) -> Response:
    campaign = load_campaign(db, campaign_id)
    context: dict[str, Any] = {
        "campaign": campaign, "rows": [], "next_url": None, "error": "", "first_url": None,
        **_filters_context(q, statut, territoire, resultat),
    }  # fmt: skip
    query = ContactQuery(
        campaign_id=campaign_id, audience=_audience(campaign), search=q,
        status=statut or None, territory=territoire or None, last_result=resultat or None,
        after=apres,
    )  # fmt: skip
    try:
        page = list_contacts(db, query)
    except ContactListError as refusal:
        context["error"] = refusal.message
        return render(request, "contacts/list.html", context, status=400)
    _trace(db, request, user, campaign, page)
    db.commit()
    whys = explain_page(db, campaign_id, [row.contact_id for row in page.rows], now)
    filters = {"q": q, "statut": statut, "territoire": territoire, "resultat": resultat}
    kept = {key: value for key, value in filters.items() if value}
    base = f"/campagnes/{campaign_id}/contacts"
    if page.next_after is not None:
        context["next_url"] = f"{base}?{urlencode({**kept, 'apres': page.next_after})}"
    if apres:
        context["first_url"] = f"{base}?{urlencode(kept)}" if kept else base
    context["rows"] = [_row_view(row, whys.get(row.contact_id)) for row in page.rows]
    context["names_label"] = (
        "Raison sociale, contact" if _audience(campaign) == Audience.EMPLOYER else "Nom, prénom"
    )
    return render(request, "contacts/list.html", context)


@router.get("/campagnes/{campaign_id}/contacts/{contact_id}/explication")
def contact_explanation(
    request: Request,
    campaign_id: IdPath,
    contact_id: IdPath,
    user: ManagerUser,
    db: DbSession,
    runtime: RuntimeDep,
    now: NowDep,
) -> Response:
    campaign = load_campaign(db, campaign_id)
    contact = db.get(CampaignContact, contact_id)
    if contact is None or contact.campaign_id != campaign_id:
        raise french_error(404, "Ce contact n'appartient pas à cette campagne.")
    explanation = explain_one(runtime.engine, contact_id, now)
    record_access(
        db, actor=user.username, actor_role=user.role, action=TrailAction.SEARCH,
        person_id=contact.person_id, fields=["row_ref", "territory"], campaign_id=campaign_id,
        address=request.client.host if request.client else None, detail=EXPLAIN_DETAIL,
    )  # fmt: skip
    db.commit()
    context = {
        "campaign": campaign, "contact": contact, "explanation": explanation,
        "lines": explanation.text_fr.splitlines(),
        "status": label(Kind.CONTACT_STATUS, contact.status),
        "last_result": _result_text(contact.last_result),
    }  # fmt: skip
    return render(request, "contacts/explain.html", context)
