"""Waiting for the day to settle: calls ended, outcomes recorded, the feed delivered."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.compliance.feed.models import FeedEvent
from proving.day.clock import SimClock

POLL_S = 0.2
BUSY_STATES = ("reserved", "on_call")


async def until(clock: SimClock, moment: datetime) -> None:
    """Sleep until the simulated clock reaches ``moment``."""
    while clock() < moment:
        await asyncio.sleep(min(1.0, max(0.01, clock.real_seconds(
            (moment - clock()).total_seconds()))))  # fmt: skip


async def settle(check: Callable[[], bool], bound_s: float, steady_s: float = 0.0) -> bool:
    """Poll ``check`` (in a thread) until it has held for ``steady_s`` real seconds, or
    ``bound_s`` real seconds passed.

    ``steady_s`` covers work already under way when the check first holds: a dialer
    tick that started before the wave ended may still claim and dial a call.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound_s
    held_since: float | None = None
    while loop.time() < deadline:
        if await asyncio.to_thread(check):
            held_since = loop.time() if held_since is None else held_since
            if loop.time() - held_since >= steady_s:
                return True
        else:
            held_since = None
        await asyncio.sleep(POLL_S)
    return False


def calls_settled(engine: Engine, campaign_ids: list[int]) -> Callable[[], bool]:
    """No call of the day's campaigns still open and no agent still held or on a call."""

    def check() -> bool:
        with Session(engine) as session:
            open_calls = session.exec(select(func.count()).select_from(CallAttempt).where(
                col(CallAttempt.campaign_id).in_(campaign_ids), col(CallAttempt.result).is_(None),
            )).one()  # fmt: skip
            busy = session.exec(select(func.count()).select_from(AgentPresence).where(
                col(AgentPresence.state).in_(BUSY_STATES))).one()  # fmt: skip
        return open_calls == 0 and busy == 0

    return check


def feed_size(engine: Engine, fund_ids: list[int]) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(FeedEvent).where(
            col(FeedEvent.fund_id).in_(fund_ids))).one())  # fmt: skip
