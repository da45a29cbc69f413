"""``/campagnes/{id}/vagues``: a campaign's waves, scheduling one, and its buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from dialer.campaigns.models import Wave
from dialer.campaigns.waves import (
    COHORT_FR,
    STATUS_FR,
    Cohort,
    WaveError,
    WaveEvent,
    WaveStatus,
    allowed_events,
    campaign_waves,
    pause_wave,
    resume_wave,
    schedule_wave,
    start_wave,
    stop_wave,
)
from dialer.campaigns.waves.overlap import WaveOverlap
from dialer.campaigns.waves.times import paris_text
from dialer.contacts.funds import Fund
from dialer.contacts.people.models import CampaignContact, Person
from dialer.contacts.territories import Territory, info
from dialer.core.columns import utcnow
from dialer.engine.service import DialerService
from dialer.wording import Kind, choices, label
from web.deps import DbSession, FormDep, IdPath, LocalDialerDep, ManagerUser
from web.forms import field_text
from web.pages.campaigns import load_campaign
from web.refusals import french_error
from web.render import render
from web.waves_pages.form import DEFAULT_VALUES, form_values, read_wave_form

router = APIRouter()

Move = Callable[[Session, int, datetime], Wave]
# The URL word, the button's label, and the move, for each manager action.
ACTIONS: dict[str, tuple[WaveEvent, str, Move]] = {
    "demarrer": (WaveEvent.START, "Démarrer", start_wave),
    "suspendre": (WaveEvent.PAUSE, "Suspendre", pause_wave),
    "reprendre": (WaveEvent.RESUME, "Reprendre", resume_wave),
    "arreter": (WaveEvent.STOP, "Arrêter", stop_wave),
}


def _funds(db: Session, campaign_id: int) -> list[Fund]:
    """The funds the campaign's people belong to: those a quota can limit."""
    ids = select(Person.fund_id).join(
        CampaignContact, col(CampaignContact.person_id) == col(Person.id)
    )
    ids = ids.where(CampaignContact.campaign_id == campaign_id).distinct()
    return list(db.exec(select(Fund).where(col(Fund.id).in_(ids)).order_by(col(Fund.code))))


def _rows(db: Session, campaign_id: int) -> list[dict[str, Any]]:
    rows = []
    for progress in campaign_waves(db, campaign_id):
        wave = progress.wave
        status = WaveStatus(wave.status)
        events = allowed_events(status)
        rows.append(
            {
                "progress": progress, "wave": wave, "status": STATUS_FR[status],
                "cohort": COHORT_FR.get(Cohort(wave.cohort), wave.cohort),
                "pacing": label(Kind.PACING, wave.pacing_mode),
                "starts": paris_text(wave.starts_at), "ends": paris_text(wave.ends_at),
                "actions": [(word, a[1]) for word, a in ACTIONS.items() if a[0] in events],
            }
        )  # fmt: skip
    return rows


def _page(
    request: Request, db: Session, campaign_id: int, values: dict[str, str],
    problems: dict[str, str], status: int = 200,
) -> Response:  # fmt: skip
    context = {
        "campaign": load_campaign(db, campaign_id), "rows": _rows(db, campaign_id),
        "funds": _funds(db, campaign_id), "values": values, "problems": problems,
        "territories": [(t.value, info(t).label) for t in Territory],
        "cohorts": COHORT_FR, "pacing_modes": choices(Kind.PACING),
    }  # fmt: skip
    return render(request, "waves/list.html", context, status=status)


@router.get("/campagnes/{campaign_id}/vagues")
def waves_page(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession
) -> Response:
    return _page(request, db, campaign_id, dict(DEFAULT_VALUES), {})


@router.post("/campagnes/{campaign_id}/vagues")
def schedule_page(
    request: Request, campaign_id: IdPath, _user: ManagerUser, db: DbSession, form: FormDep,
    dialer: LocalDialerDep,
) -> Response:  # fmt: skip
    load_campaign(db, campaign_id)
    funds = _funds(db, campaign_id)
    result = read_wave_form(form, funds)
    draft = result.draft
    if not result.problems and draft.starts_at is not None and draft.ends_at is not None:
        try:
            wave = schedule_wave(
                db, campaign_id, draft.name, draft.starts_at, draft.ends_at, draft.cohort,
                draft.cohort_filter, draft.quota, draft.pacing,
                confirm_overlap=field_text(form, "confirmer_chevauchement", 4) == "oui",
            )  # fmt: skip
        except WaveOverlap as overlap:
            db.rollback()
            result.problems["chevauchement"] = str(overlap)
        except WaveError as error:
            db.rollback()
            result.problems["vague"] = str(error)
        else:
            db.commit()
            _plan(dialer, wave)
            return RedirectResponse(f"/campagnes/{campaign_id}/vagues", status_code=303)
    return _page(request, db, campaign_id, form_values(form, funds), result.problems, 400)


def _plan(service: DialerService | None, wave: Wave) -> None:
    # When this process runs the dialer, its scheduler knows at once (others reconcile).
    if service is not None:
        service.waves.plan(wave)


@router.post("/campagnes/{campaign_id}/vagues/{wave_id}/{action}")
def move_wave(
    campaign_id: IdPath, wave_id: IdPath, action: str, _user: ManagerUser, db: DbSession
) -> Response:
    load_campaign(db, campaign_id)
    wave = db.get(Wave, wave_id)
    if wave is None or wave.campaign_id != campaign_id or action not in ACTIONS:
        raise french_error(404, "Vague ou action introuvable.")
    try:
        ACTIONS[action][2](db, wave_id, utcnow())
    except WaveError as error:
        # Refused before any change; no rollback, which would expire the signed-in
        # user the error page still shows (the session closes unsaved anyway).
        raise french_error(409, str(error)) from error
    db.commit()
    return RedirectResponse(f"/campagnes/{campaign_id}/vagues", status_code=303)
