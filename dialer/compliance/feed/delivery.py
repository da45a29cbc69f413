"""The push side's state in the database: which funds are due, and what a try changed.

``FundFeed.pushed_seq`` only moves forward after the fund's receiver answered 2xx,
and only from the value the pusher started from (a compare-and-set), so a restart
resumes exactly where delivery stopped and two pushers can never rewind it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dialer.contacts.funds import Fund, FundFeed
from dialer.core.columns import require_id, utcnow
from dialer.core.crypto import CipherError, DataCipher
from dialer.core.errors import DomainError, NotFound

WEBHOOK_PURPOSE = "webhook"


@dataclass(frozen=True)
class PushSettings:
    batch_size: int = 1000
    max_tries: int = 8
    backoff_base_s: float = 5.0
    backoff_max_s: float = 3600.0
    timeout_s: float = 10.0
    idle_interval_s: float = 5.0
    # Batches one fund may send in one round before the other funds get their turn.
    max_batches_per_round: int = 100


@dataclass(frozen=True)
class Target:
    fund_id: int
    code: str
    url: str
    secret: str | None  # None when the stored secret cannot be opened
    pushed_seq: int


def due_targets(engine: Engine, cipher: DataCipher, now: datetime) -> list[Target]:
    """Funds with a webhook, events not yet pushed, not stalled and not backing off."""
    statement = (
        select(Fund, FundFeed)
        .join(FundFeed, col(FundFeed.fund_id) == col(Fund.id))
        .where(
            col(Fund.webhook_url).is_not(None),
            col(FundFeed.stalled).is_(False),
            col(FundFeed.last_seq) > col(FundFeed.pushed_seq),
            or_(col(FundFeed.next_try_at).is_(None), col(FundFeed.next_try_at) <= now),
        )
        .order_by(col(Fund.id))
    )
    with Session(engine) as session:
        rows = session.exec(statement).all()
    return [
        Target(
            require_id(fund),
            fund.code,
            fund.webhook_url or "",
            _secret(fund, cipher),
            feed.pushed_seq,
        )
        for fund, feed in rows
    ]


def _secret(fund: Fund, cipher: DataCipher) -> str | None:
    if not fund.webhook_secret_cipher:
        return None
    try:
        return cipher.decrypt(fund.webhook_secret_cipher, WEBHOOK_PURPOSE)
    except CipherError:
        return None


def record_success(engine: Engine, fund_id: int, from_seq: int, to_seq: int) -> bool:
    """Move ``pushed_seq`` from ``from_seq`` to ``to_seq``; False if someone else moved it."""
    statement = (
        update(FundFeed)
        .where(col(FundFeed.fund_id) == fund_id, col(FundFeed.pushed_seq) == from_seq)
        .values(
            pushed_seq=to_seq,
            failed_tries=0,
            next_try_at=None,
            last_error=None,
            updated_at=utcnow(),
        )
    )
    with engine.begin() as conn:
        return conn.execute(statement).rowcount == 1


def backoff(tries: int, settings: PushSettings, rng: random.Random) -> timedelta:
    """Exponential delay after the ``tries``-th failure, with jitter so funds do not align."""
    ceiling = min(settings.backoff_max_s, settings.backoff_base_s * 2 ** (tries - 1))
    return timedelta(seconds=ceiling * (0.5 + rng.random() / 2))


def record_failure(
    engine: Engine,
    fund_id: int,
    error: str,
    now: datetime,
    settings: PushSettings,
    rng: random.Random,
) -> bool:
    """Count a failed try and schedule the next one; True when the stream is now stalled."""
    with Session(engine) as session:
        feed = session.get(FundFeed, fund_id, with_for_update=True)
        if feed is None:
            return False
        feed.failed_tries += 1
        feed.last_error = error[:1000]
        feed.stalled = feed.failed_tries >= settings.max_tries
        feed.next_try_at = None if feed.stalled else now + backoff(feed.failed_tries, settings, rng)
        feed.updated_at = now
        session.add(feed)
        session.commit()
        return feed.stalled


def redeliver(session: Session, fund_id: int, from_seq: int | None = None) -> FundFeed:
    """Clear a stalled (or backing-off) stream; with ``from_seq``, send again from that event.

    The caller commits. ``from_seq`` may only rewind: events after ``pushed_seq``
    are sent anyway, in order, once the stream is running again.
    """
    feed = session.get(FundFeed, fund_id, with_for_update=True)
    if feed is None:
        raise NotFound(f"La caisse {fund_id} n'a pas encore de flux de résultats.")
    if from_seq is not None:
        if from_seq < 1 or from_seq - 1 > feed.pushed_seq:
            raise DomainError(
                f"Le rang de reprise doit être compris entre 1 et {feed.pushed_seq + 1}."
            )
        feed.pushed_seq = from_seq - 1
    feed.stalled = False
    feed.failed_tries = 0
    feed.next_try_at = None
    feed.last_error = None
    feed.updated_at = utcnow()
    session.add(feed)
    session.flush()
    return feed


def stalled_feeds(session: Session) -> list[FundFeed]:
    """The streams an administrator must look at."""
    return list(session.exec(select(FundFeed).where(col(FundFeed.stalled).is_(True))))
