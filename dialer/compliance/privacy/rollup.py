"""Anonymous daily counts of the people about to be purged, added to ``DailyStat``.

The purge keeps call attempts and outcomes as rows but strips what identifies a
person; these counts are what campaign statistics need afterwards, with no way
back to anyone. Adding (rather than recomputing) is safe because a person is
rolled up only in the transaction that anonymises them, and never again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign
from dialer.compliance.privacy.models import DailyStat
from dialer.contacts.people.models import CampaignContact
from telephony.results import CallResult, is_reached

StatKey = tuple[date, int]  # (day, campaign id)
_ZEROS = {
    name: 0
    for name in (
        "calls", "reached", "abandoned", "interviews_accepted", "interviews_refused",
        "offers_accepted", "offers_refused", "opted_out", "purged_people",
    )
}  # fmt: skip


def roll_up(session: Session, person_ids: Sequence[int], today: date) -> int:
    """Add the people's attempts and outcomes to the daily counts; returns rows touched."""
    counts: defaultdict[StatKey, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    _count_attempts(session, person_ids, counts)
    _count_outcomes(session, person_ids, counts)
    campaigns = session.exec(
        select(CampaignContact.campaign_id).where(col(CampaignContact.person_id).in_(person_ids))
    )
    for campaign_id in campaigns:
        counts[(today, campaign_id)]["purged_people"] += 1
    _add(session, counts)
    return len(counts)


def _count_attempts(
    session: Session, person_ids: Sequence[int], counts: defaultdict[StatKey, Any]
) -> None:
    rows = session.execute(
        sa_select(
            col(CallAttempt.created_at), col(CallAttempt.campaign_id), col(CallAttempt.result),
            col(CallAttempt.answered_at), col(CallAttempt.connected_at),
        ).where(col(CallAttempt.person_id).in_(person_ids))
    )  # fmt: skip
    for created_at, campaign_id, result, answered_at, connected_at in rows:
        bucket = counts[(created_at.date(), campaign_id)]
        bucket["calls"] += 1
        bucket["reached"] += is_reached(result, answered_at, connected_at)
        bucket["abandoned"] += result == CallResult.ABANDONED.value


def _count_outcomes(
    session: Session, person_ids: Sequence[int], counts: defaultdict[StatKey, Any]
) -> None:
    rows = session.execute(
        sa_select(
            col(Outcome.created_at), col(Outcome.campaign_id), col(Outcome.interview),
            col(Outcome.offer), col(Outcome.consent_changes),
        ).where(col(Outcome.person_id).in_(person_ids))
    )  # fmt: skip
    for created_at, campaign_id, interview, offer, consent_changes in rows:
        bucket = counts[(created_at.date(), campaign_id)]
        if interview in ("accepted", "refused"):
            bucket[f"interviews_{interview}"] += 1
        if offer in ("accepted", "refused"):
            bucket[f"offers_{offer}"] += 1
        bucket["opted_out"] += "opt_out" in (consent_changes or {}).values()


def _add(session: Session, counts: defaultdict[StatKey, defaultdict[str, int]]) -> None:
    campaign_ids = {campaign_id for _, campaign_id in counts}
    funds = dict(
        session.exec(
            select(Campaign.id, Campaign.fund_id).where(col(Campaign.id).in_(campaign_ids))
        ).all()
    )
    table = DailyStat.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for (day, campaign_id), values in sorted(counts.items()):
        row = {"day": day, "campaign_id": campaign_id, "fund_id": funds.get(campaign_id, 0)}
        statement: Any = insert(table).values({**_ZEROS, **row, **values})
        # An upsert adding to the counts: two purges at once never collide on the key.
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["day", "campaign_id"],
                set_={name: table.c[name] + statement.excluded[name] for name in values},
            )
        )
