from datetime import date, timedelta

import pytest

from dialer.engine.pacing import (
    AbandonCounts,
    AbandonDefinition,
    abandon_rate,
    abandon_report,
    is_abandoned,
)

DAY = date(2026, 3, 2)


def counts(day: date, campaign: int, fund: int, answered: int, live: int, abandoned: int):
    return AbandonCounts(day, campaign, fund, answered, live, abandoned)


ROWS = [
    counts(DAY, 1, 10, answered=100, live=80, abandoned=4),
    counts(DAY, 2, 10, answered=300, live=250, abandoned=3),
    counts(DAY, 3, 20, answered=50, live=40, abandoned=0),
    counts(DAY - timedelta(days=10), 1, 10, answered=100, live=100, abandoned=1),
    counts(DAY - timedelta(days=40), 1, 10, answered=100, live=100, abandoned=50),
]


def test_day_rate_over_answered_calls() -> None:
    rate = abandon_rate([ROWS[0]], AbandonDefinition(), DAY)
    assert rate == pytest.approx(0.04)


def test_live_answered_denominator_excludes_machines() -> None:
    rate = abandon_rate([ROWS[0]], AbandonDefinition(denominator="live_answered"), DAY)
    assert rate == pytest.approx(4 / 80)


def test_rolling_30_days_pools_the_last_thirty_days_only() -> None:
    campaign_1 = [r for r in ROWS if r.campaign_id == 1]
    rolling = AbandonDefinition(period="rolling_30_days")
    assert abandon_rate(campaign_1, rolling, DAY) == pytest.approx(5 / 200)
    assert abandon_rate(campaign_1, AbandonDefinition(), DAY) == pytest.approx(4 / 100)


def test_no_answered_call_means_no_abandon_rate_to_speak_of() -> None:
    assert abandon_rate([], AbandonDefinition(), DAY) == 0.0


def test_report_per_campaign_and_per_fund_pools_counts() -> None:
    report = abandon_report(ROWS, AbandonDefinition(), DAY)
    assert report.by_campaign == pytest.approx({1: 0.04, 2: 0.01, 3: 0.0})
    # The fund's rate pools its campaigns' calls: (4 + 3) / (100 + 300), not the mean of rates.
    assert report.by_fund == pytest.approx({10: 7 / 400, 20: 0.0})


def test_grace_time_decides_what_is_abandoned() -> None:
    strict = AbandonDefinition(grace_seconds=2.0)
    assert is_abandoned(2.5, reached_agent=False, definition=strict)
    assert not is_abandoned(1.5, reached_agent=False, definition=strict)
    assert not is_abandoned(9.0, reached_agent=True, definition=strict)


def test_definition_refuses_unknown_settings() -> None:
    with pytest.raises(ValueError, match="dénominateur"):
        AbandonDefinition(denominator="dialed")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="période"):
        AbandonDefinition(period="week")  # type: ignore[arg-type]
