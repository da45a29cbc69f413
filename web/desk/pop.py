"""A call's panel: what the desk's GET returns, and what the event stream pushes with the pop.

The pop used to carry ids only, and the desk then asked for the panel: a second request,
its own sign-in check and a place in the server's thread pool, while the agent already
heard the person. The stream now renders the panel itself, through the same checks and
the same access trail entry, and sends it with the pop; the GET stays for a reload, a
preview and any pop the stream could not render.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt
from dialer.compliance.privacy.guarded_append import append_if_allowed
from dialer.core.columns import utcnow
from dialer.core.crypto import DataCipher
from dialer.core.kept_connections import KeptConnections
from dialer.core.sqlite_writer import first_in_line
from dialer.engine.calling.preview import PREVIEW
from web.deps import current_time
from web.desk.access import (
    CallFile,
    CallMoment,
    OpenSessionCheck,
    call_guard,
    check_call,
    load_call,
    moment_of,
)
from web.desk.history import Exchange
from web.desk.panel import moment_context, panel_context, person_record, screen_pop_fields
from web.desk.record import PersonRecord
from web.desk.trail import read_entry, record_read
from web.refusals import FrenchHTTPException
from web.render import render
from web.security.sessions import named_session, session_user_id

log = logging.getLogger(__name__)
SCREEN_POP_READ = "screen_pop"


class SignedOut(Exception):
    """The stream's session ended (signed out, disabled, a new password)."""


def ensure_signed_in(db: Session, cookie: dict[str, Any], user_id: int | None) -> None:
    """Raises ``SignedOut`` unless the stream's cookie still names an open session of the
    user (closed maybe by another process)."""
    if session_user_id(cookie, db, utcnow()) != user_id:
        raise SignedOut


def seconds_since(moment: datetime | None, now: datetime) -> int:
    return max(0, round((now - moment).total_seconds())) if moment is not None else 0


def talk_seconds(attempt: CallAttempt | None, now: datetime) -> int | None:
    """How long the person has been on the line with the agent (None: not talking)."""
    if attempt is None or attempt.connected_at is None:
        return None
    return seconds_since(attempt.connected_at, (attempt.ended_at or now))


def panel_page(
    request: Request, db: Session, user: User, call: CallFile, cipher: DataCipher, now: datetime
) -> HTMLResponse:
    """The panel, its read traced (committed before it is shown)."""
    return _traced_page(request, db, user, _panel_of(db, user, call, cipher, now), now)


def _traced_page(
    request: Request, db: Session, user: User, panel: PreparedPanel, now: datetime
) -> HTMLResponse:
    record_read(db, user, SCREEN_POP_READ, **_screen_pop_read(request, panel))
    db.commit()
    return _rendered(request, panel, now)


def _rendered(request: Request, panel: PreparedPanel, now: datetime) -> HTMLResponse:
    panel.context["talk_seconds"] = talk_seconds(panel.call.attempt, now)
    return render(request, "desk/panel.html", panel.context)


def _screen_pop_read(request: Request, panel: PreparedPanel) -> dict[str, Any]:
    """What the trail's entry of a shown panel says (``record_read``'s arguments)."""
    call = panel.call
    # A skipped preview's attempt row is deleted and SQLite may give its id to the
    # next attempt: a preview read names its campaign and person, not that id.
    preview = call.attempt.state == PREVIEW
    return {
        "person_id": call.person.id or 0,
        "fields": screen_pop_fields(panel.record, panel.history),
        "campaign_id": call.campaign.id or 0,
        "attempt_id": None if preview else call.attempt.id or 0,
        "address": request.client.host if request.client else None,
    }


@dataclass(frozen=True)
class PreparedPanel:
    """A call's file and its panel's content, read while the person's phone rang: nothing
    of it is shown (so nothing traced) until the pop checks the access again."""

    call: CallFile
    record: PersonRecord
    context: dict[str, Any]
    history: list[Exchange]


def prepare_panel(
    request: Request, engine: Engine, cipher: DataCipher, cookie: dict[str, Any], attempt_id: int
) -> PreparedPanel | None:
    """The panel of a call being dialled for the agent, or None when it is not theirs.

    Raises ``SignedOut`` when the stream's session is no longer open.
    """
    user: User = request.state.user
    with Session(engine, expire_on_commit=False) as db:
        ensure_signed_in(db, cookie, user.id)
        try:
            return _read_now(request, db, user, attempt_id, cipher)
        except FrenchHTTPException:
            return None


def pushed_panel(
    request: Request, engine: Engine, cipher: DataCipher, cookie: dict[str, Any],
    attempt_id: int, prepared: PreparedPanel | None = None,
    kept: KeptConnections | None = None,
) -> str | None:  # fmt: skip
    """The panel to push with a pop, or None to let the desk ask for it (and see why not).

    ``prepared`` (read while the phone rang) is sent once the access still holds, with
    what may have changed since read again; on PostgreSQL through ``kept``, in two round
    trips. Raises ``SignedOut`` when the stream's session is no longer open.
    """
    user: User = request.state.user
    if kept is not None and prepared is not None and prepared.call.attempt.id == attempt_id:
        try:
            return _pipelined_pop(request, kept, user, cookie, prepared)
        except psycopg.Error:
            # A kept connection lost (a database restart): the pool's path pops it.
            log.warning("screen pop of attempt %s retried through the pool", attempt_id,
                        exc_info=True)  # fmt: skip
    # The agent is hearing the person: the trail's entry goes before the queued writes.
    # What was read stays loaded after the trail's commit: rendering reads it again otherwise.
    with first_in_line(), Session(engine, expire_on_commit=False) as db:
        try:
            if prepared is not None and prepared.call.attempt.id == attempt_id:
                panel = _still_yours(request, db, user, cookie, prepared)
            else:
                ensure_signed_in(db, cookie, user.id)
                panel = _read_now(request, db, user, attempt_id, cipher)
        except FrenchHTTPException:
            return None
        if panel is None:
            return None
        page = _traced_page(request, db, user, panel, current_time(request))
        return bytes(page.body).decode()


def _read_now(
    request: Request, db: Session, user: User, attempt_id: int, cipher: DataCipher
) -> PreparedPanel | None:
    call = load_call(db, user, attempt_id)
    if call.outcome is not None:
        return None
    return _panel_of(db, user, call, cipher, current_time(request))


def _panel_of(
    db: Session, user: User, call: CallFile, cipher: DataCipher, now: datetime
) -> PreparedPanel:
    record = person_record(call, cipher)
    context, history = panel_context(db, call, record, user, now)
    return PreparedPanel(call, record, context, history)


def _pipelined_pop(
    request: Request, kept: KeptConnections, user: User, cookie: dict[str, Any],
    prepared: PreparedPanel,
) -> str | None:  # fmt: skip
    """The prepared panel, if the access still holds, its read traced: the check and the
    trail's entry in one transaction of two round trips (``guarded_append``)."""
    guard = call_guard(user, prepared.call.attempt.id or 0, _open_session(user, cookie))
    entry = read_entry(user, SCREEN_POP_READ, **_screen_pop_read(request, prepared))
    try:
        with kept.connection() as conn:
            moment = append_if_allowed(conn, guard, lambda row: _shown(moment_of(user, row)), entry)
    except FrenchHTTPException:
        return None
    if moment is None:
        return None
    now = current_time(request)
    _bring_up_to_date(prepared, moment, now)
    return bytes(_rendered(request, prepared, now).body).decode()


def _still_yours(
    request: Request, db: Session, user: User, cookie: dict[str, Any], prepared: PreparedPanel
) -> PreparedPanel | None:
    """The prepared panel, its call's line brought up to date, if the access still holds.

    The session and the access are checked by one statement. Raises ``SignedOut`` when
    the stream's session is no longer open.
    """
    found = check_call(db, user, prepared.call.attempt.id or 0, _open_session(user, cookie))
    moment = _shown(found)
    if moment is None:
        return None
    _bring_up_to_date(prepared, moment, current_time(request))
    return prepared


def _open_session(user: User, cookie: dict[str, Any]) -> OpenSessionCheck:
    """The session the cookie names, to check as still open; ``SignedOut`` if it names
    none of ``user``'s."""
    named = named_session(cookie)
    if named is None or named[0] != user.id:
        raise SignedOut
    return OpenSessionCheck(named[1], utcnow())


def _shown(moment: CallMoment) -> CallMoment | None:
    """The call's moment when its panel may be shown; None once it has an outcome.
    Raises ``SignedOut`` when the session is no longer open."""
    if not moment.signed_in:
        raise SignedOut
    return None if moment.has_outcome else moment


def _bring_up_to_date(prepared: PreparedPanel, moment: CallMoment, now: datetime) -> None:
    attempt = prepared.call.attempt
    attempt.state, attempt.connected_at = moment.state, moment.connected_at
    attempt.ended_at, attempt.result = moment.ended_at, moment.result
    prepared.context.update(moment_context(prepared.call, prepared.record, now))
