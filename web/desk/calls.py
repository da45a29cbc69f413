"""One call at the desk: its panel, calling or passing a preview, revealing the code,
hanging up, recording the outcome."""

from __future__ import annotations

import contextlib
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from dialer.accounts.models import AgentPresence, User
from dialer.engine.callcontrol import journal
from dialer.engine.calling.control import CallControl, CallControlRefused, CallRef
from dialer.engine.calling.outcome_input import OutcomeInput
from dialer.engine.calling.outcomes import record_outcome
from dialer.engine.calling.preview import PREVIEW
from scripts.models import ScriptVersion
from web.deps import CallControlDep, DbSession, FormDep, NowDep, RuntimeDep
from web.desk.access import AgentUser, CallDep, CallFile
from web.desk.outcome_form import read_outcome_form
from web.desk.panel import (
    form_context,
    person_record,
    record_context,
)
from web.desk.pop import panel_page
from web.desk.router import PAUSE_REASONS_FR
from web.desk.trail import record_read
from web.dialing import status_of
from web.refusals import HUMAN_ERRORS, FrenchHTTPException, french_error
from web.render import render

router = APIRouter()
ALREADY_DONE_FR = "Le résultat de cet appel est déjà enregistré."
NOT_CALLED_FR = "Appelez la personne (ou passez la fiche) avant de continuer."
NOT_PREVIEW_FR = "Cette fiche n'est plus en aperçu : elle a déjà été appelée ou rendue."
# After an outcome the line is closed for the agent if it can be, without making them wait.
CLOSING_TIMEOUT_S = 2.0


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _still_open(call: CallFile) -> None:
    if call.outcome is not None:
        raise french_error(409, ALREADY_DONE_FR)


def _called(call: CallFile) -> None:
    """The code and the outcome belong to a call: a preview has none yet."""
    _still_open(call)
    if call.attempt.state == PREVIEW:
        raise french_error(409, NOT_CALLED_FR)


@router.get("/poste/appels/{attempt_id}")
def call_panel(
    request: Request, call: CallDep, user: AgentUser, db: DbSession, runtime: RuntimeDep,
    now: NowDep,
) -> Response:  # fmt: skip
    _still_open(call)
    return panel_page(request, db, user, call, runtime.cipher, now)


@router.post("/poste/appels/{attempt_id}/code")
def reveal_code(
    request: Request, call: CallDep, user: AgentUser, db: DbSession, runtime: RuntimeDep
) -> Response:
    _called(call)
    record = person_record(call, runtime.cipher, reveal=True)
    secrets = [item.name for item in record.fields if item.secret]
    if not secrets:
        raise french_error(404, "Cette campagne n'a aucun code à afficher.")
    record_read(
        db, user, "reveal_secret", call.person.id or 0, secrets,
        campaign_id=call.campaign.id or 0, attempt_id=call.attempt.id or 0,
        address=_address(request),
    )  # fmt: skip
    db.commit()
    return render(request, "desk/record.html", record_context(db, call, record, user))


def refused_error(refused: CallControlRefused) -> FrenchHTTPException:
    return french_error(status_of(refused), refused.message)


def _ref(call: CallFile, user: User) -> CallRef:
    attempt = call.attempt
    return CallRef(attempt.id or 0, user.id or 0, attempt.worker_id, attempt.channel_id)


@router.post("/poste/appels/{attempt_id}/raccrocher")
async def hang_up(
    call: CallDep, user: AgentUser, db: DbSession, control: CallControlDep
) -> Response:
    if call.attempt.ended_at is not None or call.attempt.result is not None:
        return Response(status_code=204)
    if await run_in_threadpool(journal.handed_over, db, call.attempt.id or 0):
        # The line is the person's with the destination now: hanging it up would cut them off.
        raise french_error(409, journal.HANDED_OVER_FR)
    try:
        await control.hang_up(_ref(call, user))
    except CallControlRefused as refused:
        raise refused_error(refused) from None
    return Response(status_code=204)


def _still_previewed(call: CallFile, db: Session) -> None:
    if call.attempt.state != PREVIEW or call.attempt.result is not None:
        raise french_error(409, NOT_PREVIEW_FR)
    # The dialer writes the attempt in its own transaction: this request's is done.
    db.close()


@router.post("/poste/appels/{attempt_id}/appeler")
async def call_preview(
    call: CallDep, user: AgentUser, db: DbSession, control: CallControlDep
) -> Response:
    """The agent has read the record: call the person now, bridged to this agent."""
    _still_previewed(call, db)
    try:
        await control.dial_preview(_ref(call, user))
    except CallControlRefused as refused:
        raise refused_error(refused) from None
    return Response(status_code=204)


@router.post("/poste/appels/{attempt_id}/passer")
async def skip_preview(
    call: CallDep, user: AgentUser, db: DbSession, control: CallControlDep
) -> Response:
    """The agent passes the record: not an attempt, the person comes back later.

    Only the database changes, so any process can do it, dialer or not.
    """
    _still_previewed(call, db)
    try:
        await control.pass_preview(_ref(call, user))
    except CallControlRefused as refused:
        raise refused_error(refused) from None
    return Response(status_code=204)


def _version_of(db: Session, call: CallFile, version_id: int | None) -> int | None:
    version = db.get(ScriptVersion, version_id) if version_id else None
    if version is None or version.theme != call.campaign.theme:
        return None
    return version.id if version.campaign_id in (None, call.campaign.id) else None


def _form_error(
    request: Request, call: CallFile, values: dict[str, str], problems: dict[str, str],
    general: str | None,
) -> Response:  # fmt: skip
    context = {"call": call, **form_context(values, problems, general)}
    context["script_version_id"] = values.get("version_script", "")
    return render(request, "desk/outcome_form.html", context, status=400)


def _record(
    db: Session, call: CallFile, user: User, data: OutcomeInput, now: datetime, handed: bool
) -> str | None:
    """Store the outcome; the French reason it was refused, or None. ``handed``: the
    person was transferred and talks with the destination."""
    data.script_version_id = _version_of(db, call, data.script_version_id)
    try:
        record_outcome(db, call.attempt.id or 0, user.id or 0, data, now=now, handed_over=handed)
    except HUMAN_ERRORS as error:
        db.rollback()
        return str(error)
    db.commit()
    return None


@router.post("/poste/appels/{attempt_id}/resultat")
async def save_outcome(
    request: Request, call: CallDep, user: AgentUser, db: DbSession, form: FormDep, now: NowDep,
    control: CallControlDep,
) -> Response:  # fmt: skip
    _called(call)
    read = read_outcome_form(form)
    if read.problems:
        return _form_error(request, call, read.values, read.problems, None)
    handed = await run_in_threadpool(journal.handed_over, db, call.attempt.id or 0)
    refused = await run_in_threadpool(_record, db, call, user, read.data, now, handed)
    if refused is not None:
        return _form_error(request, call, read.values, {}, refused)
    if call.attempt.ended_at is None and not handed:
        await _close_line(control, call, user)
    return await run_in_threadpool(_wrap_up, request, db, call, user)


async def _close_line(control: CallControl, call: CallFile, user: User) -> None:
    """The outcome closes the talk: a line still open would keep the agent bridged."""
    # Best effort: the outcome is stored whatever becomes of the line.
    with contextlib.suppress(CallControlRefused):
        await control.hang_up(_ref(call, user), timeout_s=CLOSING_TIMEOUT_S)


def _wrap_up(request: Request, db: Session, call: CallFile, user: User) -> Response:
    row = db.get(AgentPresence, user.id or 0)
    context = {
        "call": call,
        "seconds": call.campaign.wrap_up_seconds,
        "state": row.state if row else "logged_out",
        "pause_reasons": PAUSE_REASONS_FR,
    }
    return render(request, "desk/wrap_up.html", context)
