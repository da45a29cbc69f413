"""The counts a report needs, aggregated by the database per campaign and UTC hour.

Each query reads one range of ``(campaign_id, created_at)`` (the indexes
``ix_attempt_campaign_created`` and ``ix_outcome_campaign_created``) and groups by
hour in SQL, so a month of a large campaign comes back as a few hundred rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, func, or_, select
from sqlmodel import Session, col

from dialer.accounts.models import User
from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign
from dialer.engine.reports.model import AgentCounts, Figures, HourCounts
from telephony.results import CallResult

_A = CallAttempt
_O = Outcome
_HOUR_FORMAT = "%Y-%m-%d %H"


def _hour(session: Session, column: Any) -> ColumnElement[str]:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM-DD HH24")
    return func.strftime(_HOUR_FORMAT, column)


def _seconds(session: Session, later: Any, earlier: Any) -> ColumnElement[float]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)  # type: ignore[return-value]
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def reached_condition() -> ColumnElement[bool]:
    """``telephony.results.is_reached`` in SQL: a human answered, whatever ended the call."""
    return or_(
        col(_A.connected_at).is_not(None),
        col(_A.result).in_([CallResult.ANSWERED.value, CallResult.ABANDONED.value]),
        and_(
            col(_A.answered_at).is_not(None),
            or_(col(_A.result).is_(None), col(_A.result) != CallResult.MACHINE.value),
        ),
    )


def _answered_condition() -> ColumnElement[bool]:
    return or_(
        col(_A.answered_at).is_not(None),
        col(_A.result).in_([CallResult.ANSWERED.value, CallResult.ABANDONED.value]),
    )


def _in_range(column: Any, campaign_ids: Sequence[int], start: datetime, end: datetime) -> Any:
    return (
        column.campaign_id.in_(campaign_ids),
        column.created_at >= start,
        column.created_at < end,
    )


def hour_counts(
    session: Session, campaign_ids: Sequence[int], start: datetime, end: datetime
) -> list[HourCounts]:
    """One row per campaign and UTC hour with any attempt or outcome in [start, end)."""
    funds = dict(
        session.execute(
            select(col(Campaign.id), col(Campaign.fund_id)).where(
                col(Campaign.id).in_(campaign_ids)
            )
        ).all()
    )
    merged: dict[tuple[int, str], Figures] = {}
    for campaign_id, hour, figures in _attempt_rows(session, campaign_ids, start, end):
        merged.setdefault((campaign_id, hour), Figures()).add(figures)
    for campaign_id, hour, figures in _outcome_rows(session, campaign_ids, start, end):
        merged.setdefault((campaign_id, hour), Figures()).add(figures)
    return [
        HourCounts(campaign_id, funds.get(campaign_id, 0), datetime.strptime(hour, _HOUR_FORMAT), f)
        for (campaign_id, hour), f in sorted(merged.items())
    ]


def _attempt_rows(
    session: Session, campaign_ids: Sequence[int], start: datetime, end: datetime
) -> list[tuple[int, str, Figures]]:
    hour = _hour(session, col(_A.created_at)).label("hour")
    statement = (
        select(
            col(_A.campaign_id),
            hour,
            func.count(),
            _flag(reached_condition()),
            _flag(_answered_condition()),
            _flag(col(_A.result) == CallResult.ABANDONED.value),
        )  # fmt: skip
        .where(*_in_range(_A, campaign_ids, start, end))
        .group_by(col(_A.campaign_id), hour)
    )
    return [
        (int(cid), str(h), Figures(attempts=n, reached=int(r), answered=int(a), abandoned=int(ab)))
        for cid, h, n, r, a, ab in session.execute(statement).all()
    ]


def _outcome_rows(
    session: Session, campaign_ids: Sequence[int], start: datetime, end: datetime
) -> list[tuple[int, str, Figures]]:
    hour = _hour(session, col(_O.created_at)).label("hour")
    consent = cast(col(_O.consent_changes), String)
    statement = (
        select(
            col(_O.campaign_id),
            hour,
            _flag(col(_O.interview) == "accepted"),
            _flag(col(_O.interview) == "refused"),
            _flag(col(_O.offer) == "accepted"),
            _flag(col(_O.offer) == "refused"),
            _flag(col(_O.callback_at).is_not(None)),
            _flag(consent.contains('"opt_out"')),
        )  # fmt: skip
        .where(*_in_range(_O, campaign_ids, start, end))
        .group_by(col(_O.campaign_id), hour)
    )
    return [
        (
            int(cid),
            str(h),
            Figures(
                interviews_accepted=int(ia),
                interviews_refused=int(ir),
                offers_accepted=int(oa),
                offers_refused=int(orf),
                callbacks=int(cb),
                opt_outs=int(oo),
            ),
        )  # fmt: skip
        for cid, h, ia, ir, oa, orf, cb, oo in session.execute(statement).all()
    ]


def people_reached(
    session: Session, campaign_ids: Sequence[int], start: datetime, end: datetime
) -> int:
    """Distinct people a human answer was had with: one person called twice counts once."""
    statement = select(func.count(func.distinct(col(_A.person_id)))).where(
        *_in_range(_A, campaign_ids, start, end), reached_condition()
    )
    return int(session.execute(statement).scalar_one())


def agent_counts(
    session: Session, campaign_ids: Sequence[int], start: datetime, end: datetime
) -> list[AgentCounts]:
    """Calls and talk per agent (attempts connected to them), wrap-up from their outcomes."""
    talk = _seconds(session, col(_A.ended_at), col(_A.connected_at))
    calls = (
        select(col(_A.agent_user_id), func.count(), func.coalesce(func.sum(talk), 0.0))
        .where(*_in_range(_A, campaign_ids, start, end), col(_A.agent_user_id).is_not(None))
        .group_by(col(_A.agent_user_id))
    )
    wrap = _seconds(session, col(_O.created_at), col(_A.ended_at))
    wrap_ups = (
        select(col(_O.agent_user_id), func.count(), func.coalesce(func.sum(wrap), 0.0))
        .join(_A, col(_A.id) == col(_O.attempt_id))
        .where(*_in_range(_O, campaign_ids, start, end), col(_O.agent_user_id).is_not(None))
        .where(col(_A.ended_at).is_not(None), col(_O.created_at) >= col(_A.ended_at))
        .group_by(col(_O.agent_user_id))
    )
    per_agent: dict[int, list[float]] = {}
    for user_id, count, seconds in session.execute(calls).all():
        per_agent.setdefault(int(user_id), [0, 0.0, 0.0, 0])[0:2] = [int(count), float(seconds)]
    for user_id, count, seconds in session.execute(wrap_ups).all():
        per_agent.setdefault(int(user_id), [0, 0.0, 0.0, 0])[2:4] = [float(seconds), int(count)]
    names = dict(
        session.execute(
            select(col(User.id), col(User.full_name)).where(col(User.id).in_(list(per_agent)))
        ).all()
    )
    return [
        AgentCounts(uid, str(names.get(uid, uid)), int(v[0]), v[1], v[2], int(v[3]))
        for uid, v in sorted(per_agent.items(), key=lambda item: str(names.get(item[0], "")))
    ]
