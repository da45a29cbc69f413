"""The desk's « Contrôle d'appel »: hold, resume, transfers, the supervisor called in, help.

Every action is checked before the PBX hears of it (a destination not on the
campaign's list is refused, traced and never sent), then done through the dialer of
this process (``Steering``), then kept in the call's record and the access trail.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.supervision import CampaignSupervisor
from dialer.engine.callcontrol import alerts, journal
from dialer.engine.callcontrol.models import CallControlEntry, ControlAction, HelpRequest
from dialer.engine.callcontrol.rules import CallControlDenied, Destination, chosen_destination
from dialer.engine.callcontrol.steering import NO_TRANSFER_FR, Line, Steering
from dialer.engine.calling.agent_lines import AgentLineError, line_of_endpoint
from dialer.engine.calling.control import CallControlRefused
from telephony.ami.control import SpyMode
from telephony.ami.frames import AgentTemplate
from web.bounds import parse_id
from web.deps import DbSession, FormDep, NowDep, RuntimeDep
from web.desk.access import AgentUser, CallDep, CallFile
from web.dialing import status_of
from web.forms import field_text
from web.refusals import FrenchHTTPException, french_error
from web.state import web_state

router = APIRouter()
NO_LINE_FR = "Cet appel n'est pas (ou plus) en ligne."
NO_SUPERVISOR_FR = "Aucun superviseur de cette campagne n'a de poste joignable."
MODES = {"direct": ControlAction.BLIND_TRANSFER, "accompagne": ControlAction.ATTENDED_TRANSFER}
ALREADY_CONSULTING_FR = (
    "Un transfert accompagné est déjà en cours : terminez-le ou annulez-le d'abord."
)


def get_steering(request: Request) -> Steering:
    return web_state(request).dialing.steering


SteeringDep = Annotated[Steering, Depends(get_steering)]


def actor_of(request: Request, user: User) -> journal.Actor:
    address = request.client.host if request.client else None
    return journal.Actor(user.id or 0, user.username, user.role, address)


def line_of(attempt: CallAttempt) -> Line:
    if attempt.ended_at is not None or not attempt.channel_id:
        raise french_error(409, NO_LINE_FR)
    return Line(attempt.id or 0, attempt.worker_id, attempt.channel_id)


def _line(db: Session, call: CallFile) -> Line:
    """The agent's call, to act on: not once the person is handed over (409)."""
    line = line_of(call.attempt)
    if journal.handed_over(db, line.attempt_id):
        raise french_error(409, journal.HANDED_OVER_FR)
    return line


def _held(db: Session, attempt_id: int) -> bool:
    query = (
        select(CallControlEntry.action)
        .where(CallControlEntry.attempt_id == attempt_id, col(CallControlEntry.refused).is_(None))
        .where(col(CallControlEntry.action).in_([ControlAction.HOLD, ControlAction.RESUME]))
        .order_by(col(CallControlEntry.id).desc())
    )
    return db.exec(query).first() == ControlAction.HOLD


def _listened(db: Session, attempt_id: int) -> bool:
    query = select(CallControlEntry.id).where(
        CallControlEntry.attempt_id == attempt_id,
        col(CallControlEntry.refused).is_(None),
        col(CallControlEntry.action).in_(sorted(journal.SUPERVISION)),
    )
    return db.exec(query).first() is not None


def control_state(db: Session, call: CallFile, user: User) -> dict[str, Any]:
    attempt_id = call.attempt.id or 0
    shown = journal.shows_listening(db, call.campaign.id or 0)
    help_open = db.exec(
        select(HelpRequest.id).where(
            HelpRequest.user_id == user.id, col(HelpRequest.handled_at).is_(None)
        )
    ).first()
    consulted = journal.consulted_destination(db, call.attempt)
    handed = journal.handed_over(db, attempt_id)
    return {
        "attempt_id": attempt_id,
        # The agent's to act on: a person handed over talks with the destination now.
        "live": call.attempt.ended_at is None and bool(call.attempt.channel_id) and not handed,
        "handed_over": handed,
        "held": _held(db, attempt_id),
        # The destination the agent is talking to while the person waits (attended transfer).
        "consulting": consulted.label if consulted is not None else None,
        "destinations": [
            {"id": d.id, "label": d.label}
            for d in journal.destinations_of(db, call.campaign.id or 0)
        ],
        # Only when the campaign's policy lets the agent know.
        "listening": shown and _listened(db, attempt_id),
        "help_open": help_open is not None,
    }


@router.get("/poste/appels/{attempt_id}/controle")
def call_control_state(call: CallDep, user: AgentUser, db: DbSession) -> Response:
    return JSONResponse(control_state(db, call, user))


async def steer_and_keep(
    db: Session, attempt: CallAttempt, actor: journal.Actor, action: ControlAction, steer: Any,
    destination: Destination | None = None,
) -> Response:  # fmt: skip
    """Do it on the PBX, then keep it; a PBX refusal is kept too, with its words."""
    try:
        await steer()
    except CallControlRefused as refused:
        await run_in_threadpool(_keep_refusal, db, attempt, actor, action, refused.message)
        raise french_error(status_of(refused), refused.message) from None
    await run_in_threadpool(_keep_done, db, attempt, actor, action, destination)
    return Response(status_code=204)


def _keep_done(
    db: Session, attempt: CallAttempt, actor: journal.Actor, action: ControlAction,
    destination: Destination | None,
) -> None:  # fmt: skip
    journal.record_done(db, attempt, actor, action, destination)
    db.commit()


def _keep_refusal(
    db: Session, attempt: CallAttempt, actor: journal.Actor, action: ControlAction, reason: str
) -> None:
    journal.record_refused(db, attempt, actor, action, reason)
    db.commit()


def refused(
    db: Session, attempt: CallAttempt, actor: journal.Actor, action: ControlAction, reason: str,
    status: int = 403,
) -> FrenchHTTPException:  # fmt: skip
    """Keep the refusal (call record and trail), to answer it: nothing reaches the PBX."""
    _keep_refusal(db, attempt, actor, action, reason)
    return french_error(status, reason)


@router.post("/poste/appels/{attempt_id}/attente")
async def hold(
    request: Request, call: CallDep, user: AgentUser, db: DbSession, steering: SteeringDep
) -> Response:
    line = _line(db, call)
    actor = actor_of(request, user)
    return await steer_and_keep(
        db, call.attempt, actor, ControlAction.HOLD, lambda: steering.hold(line)
    )


@router.post("/poste/appels/{attempt_id}/reprise")
async def resume(
    request: Request, call: CallDep, user: AgentUser, db: DbSession, steering: SteeringDep
) -> Response:
    line = _line(db, call)
    actor = actor_of(request, user)
    return await steer_and_keep(
        db, call.attempt, actor, ControlAction.RESUME, lambda: steering.resume(line)
    )


@router.post("/poste/appels/{attempt_id}/transfert")
async def transfer(
    request: Request, call: CallDep, user: AgentUser, db: DbSession, form: FormDep,
    steering: SteeringDep,
) -> Response:  # fmt: skip
    line = _line(db, call)
    actor = actor_of(request, user)
    action = MODES.get(field_text(form, "mode", 20), ControlAction.BLIND_TRANSFER)
    listed = journal.destinations_of(db, call.campaign.id or 0)
    try:
        chosen = chosen_destination(listed, parse_id(field_text(form, "destination", 12)))
    except CallControlDenied as denied:
        raise refused(db, call.attempt, actor, action, str(denied)) from None
    if journal.consulted_destination(db, call.attempt) is not None:
        raise refused(db, call.attempt, actor, action, ALREADY_CONSULTING_FR, status=409)
    attended = action is ControlAction.ATTENDED_TRANSFER

    async def steer() -> None:
        await steering.transfer(line, chosen.target, attended=attended)

    return await steer_and_keep(db, call.attempt, actor, action, steer, chosen)


@router.post("/poste/appels/{attempt_id}/transfert/annuler")
async def cancel_transfer(
    request: Request, call: CallDep, user: AgentUser, db: DbSession, steering: SteeringDep
) -> Response:
    line = _line(db, call)
    actor = actor_of(request, user)
    action = ControlAction.CANCEL_TRANSFER
    if journal.consulted_destination(db, call.attempt) is None:
        raise refused(db, call.attempt, actor, action, NO_TRANSFER_FR, status=409)
    return await steer_and_keep(
        db, call.attempt, actor, action, lambda: steering.cancel_transfer(line)
    )


@router.post("/poste/appels/{attempt_id}/transfert/terminer")
async def complete_transfer(
    request: Request, call: CallDep, user: AgentUser, db: DbSession, steering: SteeringDep
) -> Response:
    """The agent leaves the attended transfer: the person stays with the destination."""
    line = _line(db, call)
    actor = actor_of(request, user)
    action = ControlAction.COMPLETE_TRANSFER
    consulted = journal.consulted_destination(db, call.attempt)
    if consulted is None:
        raise refused(db, call.attempt, actor, action, NO_TRANSFER_FR, status=409)
    return await steer_and_keep(
        db, call.attempt, actor, action, lambda: steering.complete_transfer(line), consulted
    )


def supervisor_line(db: Session, campaign_id: int, template: AgentTemplate) -> str | None:
    """The phone of the campaign's first supervisor who has one."""
    query = (
        select(User)
        .join(CampaignSupervisor, col(CampaignSupervisor.user_id) == col(User.id))
        .where(CampaignSupervisor.campaign_id == campaign_id, col(User.active).is_(True))
        .order_by(col(CampaignSupervisor.enabled_at), col(CampaignSupervisor.id))
    )
    for supervisor in db.exec(query):
        try:
            return line_of_endpoint(template, supervisor.phone_endpoint)
        except AgentLineError:
            continue
    return None


@router.post("/poste/appels/{attempt_id}/conference")
async def conference(
    request: Request, call: CallDep, user: AgentUser, db: DbSession, runtime: RuntimeDep,
    steering: SteeringDep,
) -> Response:  # fmt: skip
    """The agent calls the supervisor in: a three-way call (ChanSpy in barge mode)."""
    line = _line(db, call)
    actor = actor_of(request, user)
    template = AgentTemplate(runtime.settings.agent_template)
    phone = supervisor_line(db, call.campaign.id or 0, template)
    if phone is None:
        raise refused(
            db, call.attempt, actor, ControlAction.CONFERENCE, NO_SUPERVISOR_FR, status=409
        )
    action = ControlAction.CONFERENCE
    return await steer_and_keep(
        db, call.attempt, actor, action, lambda: steering.spy(line, phone, SpyMode.BARGE)
    )


@router.post("/poste/aide")
def ask_for_help(user: AgentUser, db: DbSession, now: NowDep) -> Response:
    row = db.get(AgentPresence, user.id or 0)
    campaign_id = row.campaign_id if row is not None else None
    attempt_id = row.attempt_id if row is not None else None
    alerts.ask_help(db, user.id or 0, campaign_id, attempt_id, now)
    db.commit()
    return Response(status_code=204)
