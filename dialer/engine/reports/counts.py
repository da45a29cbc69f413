"""The counts a report needs, aggregated by the database per campaign and UTC hour.

Each query reads one range of ``(campaign_id, created_at)`` (the indexes
``ix_attempt_campaign_created`` and ``ix_outcome_campaign_created``) and groups by
hour in SQL, so a month of a large campaign comes back as a few hundred rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from dialer.campaigns.attempts import CallAttempt, Outcome
from dialer.campaigns.models import Campaign
from dialer.engine.reports.model import AgentHour, Figures, HourCounts
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


def reached_condition(attempt: Any = CallAttempt) -> ColumnElement[bool]:
    """``telephony.results.is_reached`` in SQL: a human answered, whatever ended the call."""
    return or_(
        attempt.connected_at.is_not(None),
        attempt.result.in_([CallResult.ANSWERED.value, CallResult.ABANDONED.value]),
        and_(
            attempt.answered_at.is_not(None),
            or_(attempt.result.is_(None), attempt.result != CallResult.MACHINE.value),
        ),
    )


def _first_reach_condition() -> ColumnElement[bool]:
    """Reached, and never before in this campaign: the person counts once, when first reached."""
    earlier = aliased(CallAttempt)
    before = (
        select(literal(1))
        .where(
            col(earlier.contact_id) == col(_A.contact_id),
            col(earlier.created_at) < col(_A.created_at),
            reached_condition(earlier),
        )
        .exists()
    )
    return and_(reached_condition(), ~before)


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
        HourCounts(campaign_id, funds.get(campaign_id, 0), _parse_hour(hour), f)
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
            _flag(_first_reach_condition()),
        )
        .where(*_in_range(_A, campaign_ids, start, end))
        .group_by(col(_A.campaign_id), hour)
    )
    return [
        (
            int(cid),
            str(h),
            Figures(
                attempts=n,
                reached=int(r),
                answered=int(a),
                abandoned=int(ab),
                first_reached=int(first),
            ),
        )  # fmt: skip
        for cid, h, n, r, a, ab, first in session.execute(statement).all()
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


def agent_hours(
    session: Session, campaign_ids: Sequence[int], start: datetime, end: datetime
) -> list[AgentHour]:
    """Per campaign, hour and agent: calls connected to them and their talk; their wrap-ups
    (from the call's end to the outcome's entry), in the hour the outcome was entered."""
    talk = _seconds(session, col(_A.ended_at), col(_A.connected_at))
    a_hour = _hour(session, col(_A.created_at)).label("hour")
    calls = (
        select(
            col(_A.campaign_id),
            a_hour,
            col(_A.agent_user_id),
            func.count(),
            func.coalesce(func.sum(talk), 0.0),
        )  # fmt: skip
        .where(*_in_range(_A, campaign_ids, start, end), col(_A.agent_user_id).is_not(None))
        .group_by(col(_A.campaign_id), a_hour, col(_A.agent_user_id))
    )
    wrap = _seconds(session, col(_O.created_at), col(_A.ended_at))
    o_hour = _hour(session, col(_O.created_at)).label("hour")
    wrap_ups = (
        select(
            col(_O.campaign_id),
            o_hour,
            col(_O.agent_user_id),
            func.count(),
            func.coalesce(func.sum(wrap), 0.0),
        )  # fmt: skip
        .join(_A, col(_A.id) == col(_O.attempt_id))
        .where(*_in_range(_O, campaign_ids, start, end), col(_O.agent_user_id).is_not(None))
        .where(col(_A.ended_at).is_not(None), col(_O.created_at) >= col(_A.ended_at))
        .group_by(col(_O.campaign_id), o_hour, col(_O.agent_user_id))
    )
    rows: dict[tuple[int, str, int], AgentHour] = {}
    for cid, hour, uid, count, seconds in session.execute(calls).all():
        key = (int(cid), str(hour), int(uid))
        rows[key] = AgentHour(key[0], _parse_hour(key[1]), key[2], int(count), float(seconds))
    for cid, hour, uid, count, seconds in session.execute(wrap_ups).all():
        key = (int(cid), str(hour), int(uid))
        found = rows.get(key) or AgentHour(key[0], _parse_hour(key[1]), key[2])
        rows[key] = replace(found, wrap_ups=int(count), wrap_up_seconds=float(seconds))
    return [rows[key] for key in sorted(rows)]


def _parse_hour(text: str) -> datetime:
    return datetime.strptime(text, _HOUR_FORMAT)
