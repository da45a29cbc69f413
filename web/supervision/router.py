"""The supervisor's pages: the live wall, listening to a call, taking a help request.

Only the « Superviseur » role, and of a call only the campaigns the supervisor is
enabled on: any other ChanSpy is refused, traced, and never reaches the PBX.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session

from dialer.accounts import Role
from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.attempts import CallAttempt
from dialer.engine.callcontrol import alerts, journal, wall
from dialer.engine.callcontrol.models import ControlAction
from dialer.engine.callcontrol.rules import (
    NO_SUPERVISOR_PHONE_FR,
    CallControlDenied,
    check_may_supervise,
)
from dialer.engine.calling.agent_lines import AgentLineError, line_of_endpoint
from dialer.wording import Kind, label
from telephony.ami.control import SpyMode
from telephony.ami.frames import AgentTemplate
from web.deps import DbSession, FormDep, IdPath, NowDep, RuntimeDep, require_role
from web.desk.call_control import SteeringDep, actor_of, line_of, refused, steer_and_keep
from web.forms import field_text
from web.refusals import french_error
from web.render import render

router = APIRouter()
SupervisorUser = Annotated[User, Depends(require_role(Role.SUPERVISOR))]
SPY_MODES = {
    "ecouter": (SpyMode.LISTEN, ControlAction.LISTEN),
    "chuchoter": (SpyMode.WHISPER, ControlAction.WHISPER),
    "intervenir": (SpyMode.BARGE, ControlAction.BARGE),
}
NO_CALL_FR = "Appel introuvable."
NOT_YOUR_AGENT_FR = "Cet agent ne travaille pas sur une campagne que vous supervisez."
BAD_MODE_FR = "Choisissez : écouter, chuchoter ou intervenir."


def wall_data(db: Session, user: User, now: Any) -> dict[str, Any]:
    campaigns = journal.supervised_campaigns(db, user.id or 0)
    rows = wall.agent_rows(db, campaigns, now)
    return {
        "agents": [
            {
                "user_id": r.user_id,
                "name": r.name,
                "state": r.state,
                "state_label": label(Kind.AGENT_STATE, r.state),
                "seconds": r.seconds_in_state,
                "campaign": r.campaign,
                "person_ref": r.person_ref,
                "attempt_id": r.attempt_id,
                "help": r.help_requested,
            }
            for r in rows
        ],  # fmt: skip
        "waves": [
            {"campaign": w.campaign, "name": w.name, "members": w.members, "done": w.done}
            for w in wall.wave_progress(db, campaigns)
        ],
        "alerts": [
            {"kind": a.kind, "text": a.text} for a in alerts.alerts(db, campaigns, rows, now)
        ],
    }


@router.get("/supervision")
def supervision_page(
    request: Request, user: SupervisorUser, db: DbSession, now: NowDep
) -> Response:
    return render(request, "supervision/wall.html", {"wall": wall_data(db, user, now)})


@router.get("/supervision/etat")
def supervision_state(user: SupervisorUser, db: DbSession, now: NowDep) -> Response:
    return JSONResponse(wall_data(db, user, now))


@router.post("/supervision/appels/{attempt_id}/ecoute")
async def listen(
    request: Request, attempt_id: IdPath, user: SupervisorUser, db: DbSession, form: FormDep,
    runtime: RuntimeDep, steering: SteeringDep,
) -> Response:  # fmt: skip
    attempt = db.get(CallAttempt, attempt_id)
    if attempt is None:
        raise french_error(404, NO_CALL_FR)
    chosen = SPY_MODES.get(field_text(form, "mode", 20))
    if chosen is None:
        raise french_error(400, BAD_MODE_FR)
    mode, action = chosen
    actor = actor_of(request, user)
    try:
        check_may_supervise(journal.supervised_campaigns(db, user.id or 0), attempt.campaign_id)
    except CallControlDenied as denied:
        raise refused(db, attempt, actor, action, str(denied)) from None
    line = line_of(attempt)
    try:
        phone = line_of_endpoint(
            AgentTemplate(runtime.settings.agent_template), user.phone_endpoint
        )
    except AgentLineError:
        raise french_error(409, NO_SUPERVISOR_PHONE_FR) from None
    return await steer_and_keep(db, attempt, actor, action, lambda: steering.spy(line, phone, mode))


@router.post("/supervision/agents/{user_id}/aide")
def take_help(user_id: IdPath, user: SupervisorUser, db: DbSession, now: NowDep) -> Response:
    presence = db.get(AgentPresence, user_id)
    campaigns = journal.supervised_campaigns(db, user.id or 0)
    if presence is None or presence.campaign_id not in campaigns:
        raise french_error(403, NOT_YOUR_AGENT_FR)
    alerts.take_help(db, user_id, user.username, now)
    db.commit()
    return Response(status_code=204)
