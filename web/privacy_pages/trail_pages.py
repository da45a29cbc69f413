"""The access trail for the DPO: search, CSV export, chain check; and the retention plan.

Every read goes through ``dialer.compliance.privacy.reading``, which records it in the
trail before returning anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from dialer.campaigns.waves.times import CENTRE_TIME_ZONE
from dialer.compliance.privacy.anchor import check_against_database
from dialer.compliance.privacy.chain import chain_head, verify_chain
from dialer.compliance.privacy.models import AccessEntry
from dialer.compliance.privacy.reading import TrailQuery, campaign_codes, export_csv, read_trail
from dialer.compliance.privacy.retention import plan_purge
from dialer.compliance.privacy.retention_table import HEADERS_FR, retention_rows
from dialer.compliance.privacy.rights import RightsError, find_person_by_nir
from dialer.compliance.privacy.trail import TrailAction, TrailError, record_access
from dialer.core.columns import utcnow
from dialer.core.french import datetime_fr
from dialer.wording import Kind, choices, label
from web.deps import DbSession, FormDep, RuntimeDep
from web.forms import field_text
from web.privacy_pages.deps import DpoUser, requester
from web.refusals import french_error
from web.render import render

router = APIRouter()
PAGE_LIMIT = 500
Text = Annotated[str, Query(max_length=100)]
Day = Annotated[date | None, Query()]
PersonId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` on the DPO's clock (Paris), as stored: naive UTC."""
    start = datetime.combine(day, time(), tzinfo=CENTRE_TIME_ZONE)
    return start.astimezone(UTC).replace(tzinfo=None)


def _query(personne: int | None, auteur: str, action: str, depuis: date | None,
           jusqua: date | None, limit: int) -> TrailQuery:  # fmt: skip
    if action and action not in set(TrailAction):
        raise french_error(400, f"Type d'accès inconnu : {action}.")
    return TrailQuery(
        person_id=personne,
        actor=auteur.strip() or None,
        action=action or None,
        since=_local_midnight(depuis) if depuis else None,
        # The end day is included: entries up to its midnight.
        until=_local_midnight(jusqua + timedelta(days=1)) if jusqua else None,
        limit=limit,
    )


@dataclass(frozen=True)
class TrailLine:
    """One entry as the DPO reads it: labels, campaign code, Paris time."""

    id: int | None
    when: str
    actor: str
    role: str
    action: str
    person_id: int | None
    fields: str
    campaign: str
    detail: str


def trail_lines(db: Session, entries: list[AccessEntry]) -> list[TrailLine]:
    codes = campaign_codes(db, entries)
    return [
        TrailLine(
            id=entry.id,
            when=datetime_fr(entry.at, CENTRE_TIME_ZONE.key, seconds=True),
            actor=entry.actor,
            role=label(Kind.ACTOR_ROLE, entry.actor_role) if entry.actor_role else "",
            action=label(Kind.TRAIL_ACTION, entry.action),
            person_id=entry.person_id,
            fields=", ".join(label(Kind.FIELD, name) for name in entry.fields or []),
            campaign=codes.get(entry.campaign_id, "") if entry.campaign_id is not None else "",
            detail=entry.detail or "",
        )
        for entry in entries
    ]


@router.get("/dpo/tracabilite")
def trail_page(
    request: Request, user: DpoUser, db: DbSession, personne: PersonId = None,
    auteur: Text = "", action: Text = "", depuis: Day = None, jusqua: Day = None,
) -> Response:  # fmt: skip
    query = _query(personne, auteur, action, depuis, jusqua, PAGE_LIMIT)
    entries = read_trail(db, query, requester(request, user))
    db.commit()
    return _trail(request, trail_lines(db, entries))


def _trail(
    request: Request, lines: list[TrailLine] | None, status: int = 200, error: str = ""
) -> Response:
    context = {
        "lines": lines, "actions": choices(Kind.TRAIL_ACTION), "filters": request.query_params,
        "page_limit": PAGE_LIMIT, "error": error,
    }  # fmt: skip
    return render(request, "dpo/trail.html", context, status)


@router.post("/dpo/tracabilite/nir")
def trail_by_nir(
    request: Request, user: DpoUser, db: DbSession, form: FormDep, runtime: RuntimeDep
) -> Response:
    """The person filter by NIR: posted (never in a URL), found by keyed hash, the lookup traced."""
    try:
        person = find_person_by_nir(db, runtime.cipher, field_text(form, "nir", 30))
    except RightsError as error:
        return _trail(request, None, 400, str(error))
    who = requester(request, user)
    found = person.id if person is not None else None
    record_access(
        db, actor=who.actor, actor_role=who.actor_role, action=TrailAction.SEARCH,
        person_id=found, fields=["nir"], address=who.address,
        detail="recherche par NIR pour la traçabilité" + ("" if found else " : aucune personne"),
    )  # fmt: skip
    db.commit()
    if found is None:
        return _trail(request, None, 404, "Aucune personne n'a ce NIR.")
    return RedirectResponse(f"/dpo/tracabilite?personne={found}", status_code=303)


@router.get("/dpo/tracabilite.csv")
def trail_csv(
    request: Request, user: DpoUser, db: DbSession, personne: PersonId = None,
    auteur: Text = "", action: Text = "", depuis: Day = None, jusqua: Day = None,
) -> Response:  # fmt: skip
    query = _query(personne, auteur, action, depuis, jusqua, 100_000)
    try:
        text = export_csv(db, query, requester(request, user))
    except TrailError as error:
        raise french_error(400, str(error)) from error
    db.commit()
    headers = {"Content-Disposition": 'attachment; filename="tracabilite.csv"'}
    # The BOM tells a spreadsheet the file is UTF-8 (accents in labels and details).
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/dpo/tracabilite/verification")
def trail_check(request: Request, user: DpoUser, db: DbSession, runtime: RuntimeDep) -> Response:
    path = runtime.settings.trail_checkpoint_file
    breaks = [found.message for found in verify_chain(db)]
    breaks += check_against_database(db, runtime.cipher.ring, path)
    head = chain_head(db)
    who = requester(request, user)
    record_access(
        db, actor=who.actor, actor_role=who.actor_role, action=TrailAction.TRAIL_READ,
        person_id=None, fields=[], address=who.address,
        detail=f"vérification de la chaîne : {len(breaks)} rupture(s)",
    )  # fmt: skip
    db.commit()
    context = {"breaks": breaks, "head": head, "checkpoints": path.name}
    return render(request, "dpo/check.html", context)


@router.get("/dpo/conservation")
def retention_page(request: Request, _user: DpoUser, db: DbSession) -> Response:
    return _retention(request, db)


def _retention(request: Request, db: Session) -> Response:
    plan = plan_purge(db, utcnow())
    table = {"retention_rows": retention_rows(), "retention_headers": HEADERS_FR}
    return render(request, "dpo/retention.html", {"plan": plan, **table})
