"""The agent desk page: choose a campaign, go available, pause, and the live event stream."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import TimeoutError as PoolExhausted
from sqlmodel import Session, col, select

from dialer import wording
from dialer.accounts.models import AgentPresence, User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign, CampaignAgent
from dialer.core.crypto import DataCipher
from dialer.core.kept_connections import KeptConnections
from dialer.engine.agents import AgentState, IllegalTransition
from dialer.engine.calling import presence
from dialer.engine.calling.events import (
    CALL_ENDED,
    DIALLING,
    SCREEN_POP,
    Payload,
    ScreenPopBus,
    Subscription,
)
from dialer.engine.calling.preview import PREVIEW
from dialer.engine.calling.snapshot import dial_targets
from dialer.wording import Kind
from web.bounds import parse_id
from web.deps import DbSession, FormDep, ScreenPopsDep, current_time
from web.desk.access import AgentUser
from web.desk.comforts import DIALING_FR, day_counts, waiting_progress
from web.desk.pop import (
    PreparedPanel,
    SignedOut,
    ensure_signed_in,
    prepare_panel,
    pushed_panel,
    seconds_since,
    talk_seconds,
)
from web.forms import field_text
from web.render import render
from web.state import web_state

router = APIRouter()
log = logging.getLogger(__name__)

PAUSE_REASONS_FR = (
    "Pause café",
    "Pause déjeuner",
    "Formation",
    "Réunion",
    "Problème technique",
    "Débriefing avec le superviseur",
)
# The agent's own screen says what "available" means for them; other states as everywhere.
AVAILABLE_FR = "Disponible : en attente d'un appel"
HEARTBEAT_S = 15.0
# The call is over but its outcome not yet recorded: the agent is still on it.
CALL_OVER_FR = "Appel terminé : résultat à saisir"
# The streams' "still signed in?" checks, before each frame, get threads of their own: on
# the loop's shared executor a pop waited behind the dialer's claims and its call updates.
STREAM_CHECKS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="desk-stream-check")
# ...and the pops threads apart from those checks: the agent is hearing the person, and
# 200 desks' heartbeats and call ends must not be framed before their panel.
POP_FRAMES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="desk-pop")


def _state_text(state: str) -> str:
    return AVAILABLE_FR if state == AgentState.AVAILABLE else wording.label(Kind.AGENT_STATE, state)


def enabled_campaigns(db: Session, user_id: int) -> list[Campaign]:
    enabled = select(CampaignAgent.campaign_id).where(CampaignAgent.user_id == user_id)
    query = select(Campaign).where(col(Campaign.id).in_(enabled)).order_by(Campaign.name)
    return list(db.exec(query))


def open_attempt(db: Session, row: AgentPresence) -> int | None:
    """The call the agent still owes an outcome for, to show again after a reload."""
    if row.attempt_id is None or row.state not in (AgentState.ON_CALL, AgentState.RESERVED):
        return None
    done = db.exec(select(Outcome.id).where(Outcome.attempt_id == row.attempt_id)).first()
    return None if done else row.attempt_id


def desk_state(db: Session, user: User, now: datetime) -> dict[str, Any]:
    row = presence.presence_of(db, user.id or 0)
    attempt_id = open_attempt(db, row)
    attempt = db.get(CallAttempt, attempt_id) if attempt_id is not None else None
    remaining = 0.0
    if row.state == AgentState.WRAP_UP and row.wrap_up_until is not None:
        remaining = max(0.0, (row.wrap_up_until - now).total_seconds())
    call_over = attempt is not None and attempt.ended_at is not None
    label = CALL_OVER_FR if call_over else _state_text(row.state)
    return {
        "state": row.state,
        "state_label": label,
        "call_over": call_over,
        "state_seconds": seconds_since(row.since, now),
        "talk_seconds": talk_seconds(attempt, now),
        **waiting_progress(db, row, now),
        "pause_reason": row.pause_reason,
        "campaign_id": row.campaign_id,
        "wrap_up_remaining": round(remaining),
        "attempt_id": attempt_id,
        "contact_id": attempt.contact_id if attempt is not None else None,
        # A record to call or pass: the desk shows it even before any call is bridged.
        "preview": attempt is not None and attempt.state == PREVIEW,
    }


def dialling_now(db: Session, campaigns: list[Campaign], now: datetime) -> int | None:
    """The campaign to preselect: one the dialer is calling for now, never a draft."""
    dialling = {target.campaign_id for target in dial_targets(db, now)}
    return next((c.id for c in campaigns if c.id in dialling), None)


def desk_page(request: Request, db: Session, user: User, error: str | None = None) -> Response:
    now = current_time(request)
    state = desk_state(db, user, now)
    campaign = db.get(Campaign, state["campaign_id"]) if state["campaign_id"] else None
    campaigns = enabled_campaigns(db, user.id or 0)
    context = {
        "desk": state,
        "day": day_counts(db, user.id or 0, campaign, now) if campaign else None,
        "campaign": campaign,
        "campaigns": campaigns,
        "preselected": dialling_now(db, campaigns, now),
        "pause_reasons": PAUSE_REASONS_FR,
        "dialing_text": DIALING_FR,
        "error": error,
    }
    return render(request, "desk/desk.html", context, status=409 if error else 200)


@router.get("/poste")
def desk(request: Request, user: AgentUser, db: DbSession) -> Response:
    return desk_page(request, db, user)


@router.get("/poste/etat")
def desk_status(request: Request, user: AgentUser, db: DbSession) -> Response:
    return JSONResponse(desk_state(db, user, current_time(request)))


def _refusal(error: presence.PresenceError, db: Session, user: User) -> str:
    """The machine's refusal names internal states; the agent reads its own words."""
    if not isinstance(error.__cause__, IllegalTransition):
        return str(error)
    row = presence.presence_of(db, user.id or 0)
    return f"Action impossible maintenant : votre état est « {_state_text(row.state)} »."


def _act(request: Request, db: Session, user: User, action: Any, *args: Any) -> Response:
    try:
        action(db, user.id or 0, *args, current_time(request))
    except presence.PresenceError as error:
        db.rollback()
        return desk_page(request, db, user, _refusal(error, db, user))
    db.commit()
    return RedirectResponse("/poste", status_code=303)


@router.post("/poste/campagne")
def join_campaign(request: Request, user: AgentUser, db: DbSession, form: FormDep) -> Response:
    chosen = field_text(form, "campagne", 12)
    campaign_id = parse_id(chosen)
    if campaign_id is None:
        return desk_page(request, db, user, "Choisissez une campagne.")
    return _act(request, db, user, presence.log_in, campaign_id)


@router.post("/poste/disponible")
def go_available(request: Request, user: AgentUser, db: DbSession) -> Response:
    row = db.get(AgentPresence, user.id or 0)
    if row is not None and row.state == AgentState.AVAILABLE:
        # The wrap-up may have ended on its own while the agent was clicking.
        return RedirectResponse("/poste", status_code=303)
    return _act(request, db, user, presence.make_available)


@router.post("/poste/pause")
def take_pause(request: Request, user: AgentUser, db: DbSession, form: FormDep) -> Response:
    reason = field_text(form, "motif", 100)
    if reason not in PAUSE_REASONS_FR:
        return desk_page(request, db, user, "Choisissez un motif de pause dans la liste.")
    return _act(request, db, user, presence.pause, reason)


@router.post("/poste/quitter")
def leave_campaign(request: Request, user: AgentUser, db: DbSession) -> Response:
    return _act(request, db, user, presence.log_out)


class StreamFrames:
    """Each frame of one desk's stream, made on a thread: the session is checked first.

    A pop carries its panel, rendered and traced here (``web.desk.pop``); any other
    frame only needs the session still open (signed out, disabled or a new password,
    maybe on another process: the stream stops).
    """

    def __init__(
        self, request: Request, engine: Engine, cipher: DataCipher, cookie: dict[str, Any],
        kept: KeptConnections | None = None,
    ) -> None:  # fmt: skip
        self._request, self._engine, self._cipher = request, engine, cipher
        self._cookie, self._kept = cookie, kept
        self._user_id = request.state.user.id
        # The panel of the call ringing for the agent (progressive: one at a time).
        self._prepared: PreparedPanel | None = None

    def frame(self, item: Payload | str) -> str:
        if isinstance(item, str):
            self._check()
            return item
        if item["kind"] == DIALLING:
            self._prepare(int(item["attempt_id"]))
        elif item["kind"] == SCREEN_POP:
            prepared, self._prepared = self._prepared, None
            html = pushed_panel(self._request, self._engine, self._cipher, self._cookie,
                                int(item["attempt_id"]), prepared, self._kept)  # fmt: skip
            item = {**item, "html": html} if html is not None else item
        else:
            if item["kind"] == CALL_ENDED:
                self._forget(int(item["attempt_id"]))
            self._check()
        return sse_frame(item)

    def _forget(self, attempt_id: int) -> None:
        if self._prepared is not None and self._prepared.call.attempt.id == attempt_id:
            self._prepared = None

    def _prepare(self, attempt_id: int) -> None:
        """The call's panel read while the phone rings; the pop sends it if still yours."""
        self._prepared = None
        try:
            self._prepared = prepare_panel(
                self._request, self._engine, self._cipher, self._cookie, attempt_id
            )
        except SignedOut:
            raise
        except Exception:
            # Only a head start: the pop reads it all if this could not.
            log.exception("panel of attempt %s not prepared", attempt_id)

    def _check(self) -> None:
        with Session(self._engine) as check:
            ensure_signed_in(check, self._cookie, self._user_id)


def sse_frame(item: Payload | str) -> str:
    """A payload as its SSE frame (a heartbeat is one already)."""
    if isinstance(item, str):
        return item
    return f"event: {item['kind']}\ndata: {json.dumps(item)}\n\n"


async def _events(
    request: Request, bus: ScreenPopBus | None, user_id: int, frame: Callable[[Payload | str], str]
) -> AsyncGenerator[str, None]:
    # Subscribed before the first byte: once the browser sees the stream, no pop is lost.
    subscription = bus.open(user_id) if bus is not None else None
    try:
        yield "retry: 2000\n\n"
        while True:
            item = await _next_item(request, subscription)
            if item is None:
                return
            try:
                framed = await asyncio.get_running_loop().run_in_executor(
                    _framing_threads(item), frame, item
                )
            except SignedOut:
                return
            except PoolExhausted:
                # No connection free to check with: end cleanly. The browser reconnects
                # (``retry``) and asks /poste/etat for the call this frame announced.
                return
            yield framed
    finally:
        if subscription is not None:
            subscription.close()


def _framing_threads(item: Payload | str) -> ThreadPoolExecutor:
    is_pop = not isinstance(item, str) and item["kind"] == SCREEN_POP
    return POP_FRAMES if is_pop else STREAM_CHECKS


async def _next_item(request: Request, subscription: Subscription | None) -> Payload | str | None:
    """The next event, or a heartbeat frame; None when the browser has gone."""
    if subscription is None:
        await asyncio.sleep(HEARTBEAT_S)
        return ": aucun service de numérotation\n\n"
    try:
        return await asyncio.wait_for(subscription.next(), HEARTBEAT_S)
    except TimeoutError:
        return None if await request.is_disconnected() else ": battement\n\n"


@router.get("/poste/evenements")
def desk_events(request: Request, user: AgentUser, db: DbSession, bus: ScreenPopsDep) -> Response:
    # The stream outlives the request's session: give its connection back now.
    db.close()
    state = web_state(request)
    runtime = state.runtime
    frames = StreamFrames(request, runtime.engine, runtime.cipher, dict(request.session),
                          state.pop_connections)  # fmt: skip
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _events(request, bus, user.id or 0, frames.frame),
        media_type="text/event-stream",
        headers=headers,
    )
