"""Gauges read from the database at scrape time: agents, abandon rate, feed backlog.

Read on demand rather than kept in memory, so any process (a web app, any
worker) reports the same truth about rows that several workers change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, func, select

from dialer.accounts.models import AgentPresence
from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.reach import reached_condition
from dialer.contacts.funds import Fund, FundFeed
from dialer.engine.models import TRUNK_STATE_FRESH_FOR, TrunkState
from telephony.results import CallResult

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def agents_by_state(session: Session) -> list[tuple[int, str, int]]:
    rows = session.exec(
        select(AgentPresence.campaign_id, AgentPresence.state, func.count())
        .where(col(AgentPresence.campaign_id).is_not(None))
        .group_by(col(AgentPresence.campaign_id), col(AgentPresence.state))
    ).all()
    return [(int(campaign or 0), str(state), int(count)) for campaign, state, count in rows]


def abandon_rates(session: Session, now: datetime) -> dict[int, float]:
    """Abandoned over reached calls (``campaigns.reach``) since midnight UTC, per campaign."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = session.exec(
        select(CallAttempt.campaign_id, CallAttempt.result, func.count())
        .where(CallAttempt.created_at >= midnight, reached_condition())
        .group_by(col(CallAttempt.campaign_id), col(CallAttempt.result))
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for campaign, result, count in rows:
        by_result = counts.setdefault(int(campaign), {})
        by_result[str(result)] = by_result.get(str(result), 0) + int(count)
    rates = {}
    for campaign, by_result in counts.items():
        abandoned = by_result.get(CallResult.ABANDONED.value, 0)
        reached = sum(by_result.values())
        rates[campaign] = abandoned / reached if reached else 0.0
    return rates


def feed_backlogs(session: Session) -> list[tuple[str, int]]:
    rows = session.exec(
        select(Fund.code, FundFeed.last_seq - FundFeed.pushed_seq).join(
            Fund, col(Fund.id) == col(FundFeed.fund_id)
        )
    ).all()
    return [(str(code), int(backlog)) for code, backlog in rows]


def trunk_states(session: Session, now: datetime) -> list[tuple[str, bool]]:
    """Each live worker's trunk: whether its breaker holds it down."""
    rows = session.exec(
        select(TrunkState).where(col(TrunkState.updated_at) >= now - TRUNK_STATE_FRESH_FOR)
    ).all()
    return [(row.worker_id, row.down_since is not None) for row in rows]


def _gauge(name: str, doc: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=labels)


class DatabaseCollector(Collector):
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def describe(self) -> Iterable[Metric]:
        # Nothing to describe ahead: the families are only known by querying.
        return []

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("dialer_database_up", "Whether the scrape could read the database.")
        try:
            families = self._read()
        except SQLAlchemyError as error:
            log.warning("metrics: database unreadable: %s", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _read(self) -> list[Metric]:
        agents = _gauge("dialer_agents", "Agents by campaign and state.", ["campaign", "state"])
        abandon = _gauge(
            "dialer_abandon_rate", "Abandon rate today (UTC day) per campaign.", ["campaign"]
        )
        backlog = _gauge(
            "dialer_feed_backlog", "Result-feed events not yet pushed, per fund.", ["fund"]
        )
        trunk = _gauge(
            "dialer_trunk_down",
            "1 while a worker stops dialling because its carrier trunk fails every call.",
            ["worker"],
        )
        with Session(self._engine) as session:
            for worker, down in trunk_states(session, self._clock()):
                trunk.add_metric([worker], 1 if down else 0)
            for campaign, state, count in agents_by_state(session):
                agents.add_metric([str(campaign), state], count)
            for campaign, rate in abandon_rates(session, self._clock()).items():
                abandon.add_metric([str(campaign)], rate)
            for fund, pending in feed_backlogs(session):
                backlog.add_metric([fund], pending)
        return [agents, abandon, backlog, trunk]
