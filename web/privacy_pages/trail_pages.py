"""The access trail for the DPO: search, CSV export, chain check; and the retention plan.

Every read goes through ``dialer.compliance.privacy.reading``, which records it in the
trail before returning anything.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from dialer.compliance.privacy.anchor import check_against_database
from dialer.compliance.privacy.chain import chain_head, verify_chain
from dialer.compliance.privacy.reading import TrailQuery, export_csv, read_trail
from dialer.compliance.privacy.retention import plan_purge
from dialer.compliance.privacy.retention_table import HEADERS_FR, retention_rows
from dialer.compliance.privacy.trail import ACTION_LABELS_FR, TrailAction, TrailError, record_access
from dialer.core.columns import utcnow
from web.deps import DbSession, RuntimeDep
from web.privacy_pages.deps import DpoUser, requester
from web.refusals import french_error
from web.render import render

router = APIRouter()
PAGE_LIMIT = 500
Text = Annotated[str, Query(max_length=100)]
Day = Annotated[date | None, Query()]
PersonId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _query(personne: int | None, auteur: str, action: str, depuis: date | None,
           jusqua: date | None, limit: int) -> TrailQuery:  # fmt: skip
    if action and action not in set(TrailAction):
        raise french_error(400, f"Type d'accès inconnu : {action}.")
    return TrailQuery(
        person_id=personne,
        actor=auteur.strip() or None,
        action=action or None,
        since=datetime.combine(depuis, time()) if depuis else None,
        # The end day is included: entries up to its midnight.
        until=datetime.combine(jusqua, time()) + timedelta(days=1) if jusqua else None,
        limit=limit,
    )


@router.get("/dpo/tracabilite")
def trail_page(
    request: Request, user: DpoUser, db: DbSession, personne: PersonId = None,
    auteur: Text = "", action: Text = "", depuis: Day = None, jusqua: Day = None,
) -> Response:  # fmt: skip
    query = _query(personne, auteur, action, depuis, jusqua, PAGE_LIMIT)
    entries = read_trail(db, query, requester(request, user))
    db.commit()
    context = {
        "entries": entries, "actions": ACTION_LABELS_FR, "filters": request.query_params,
        "page_limit": PAGE_LIMIT,
    }  # fmt: skip
    return render(request, "dpo/trail.html", context)


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
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


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
