"""Mounts the fund-facing result API with the app's session, cipher and access trail."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.compliance.privacy.trail import record_access
from dialer.contacts.funds import Fund
from dialer.core.crypto import DataCipher
from dialer.core.db import session_scope
from web.deps import get_db
from web.fund_api.router import create_fund_router
from web.fund_api.trail import FeedReadCallback
from web.state import web_state


def _cipher(request: Request) -> DataCipher:
    return web_state(request).runtime.cipher


def trail_recorder(engine: Engine) -> FeedReadCallback:
    """Each pull is one trail entry naming the range of events (and so of people) read."""

    def record(fund_id: int, first: int | None, last: int | None, address: str | None) -> None:
        if first is None or last is None:
            return
        with session_scope(engine) as session:
            record_access(
                session,
                actor=f"caisse:{_fund_code(session, fund_id)}",
                actor_role="fund",
                action="feed_pull",
                person_id=None,
                fields=["feed_events"],
                address=address,
                detail=f"événements {first} à {last}",
            )

    return record


def _fund_code(session: Session, fund_id: int) -> str:
    fund = session.get(Fund, fund_id)
    return fund.code if fund else str(fund_id)


def fund_results_router(engine: Engine) -> APIRouter:
    return create_fund_router(get_db, _cipher, on_read=trail_recorder(engine))
