"""The register's pure rules: GDPR deadlines, extension, urgency (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from dialer.compliance.privacy.register_rules import (
    RequestStatus,
    add_months,
    deadline,
    extension_refusal_fr,
    needs_attention,
    received_refusal_fr,
    urgency,
)


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (date(2026, 3, 15), 1, date(2026, 4, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 12, 10), 1, date(2027, 1, 10)),  # across the year
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_months_end_on_the_same_day_or_the_last_day_of_a_shorter_month(
    received: date, months: int, due: date
) -> None:
    assert add_months(received, months) == due


def test_the_deadline_is_one_month_or_three_once_extended() -> None:
    assert deadline(date(2026, 5, 31), extended=False) == date(2026, 6, 30)
    assert deadline(date(2026, 5, 31), extended=True) == date(2026, 8, 31)


def test_urgency_counts_days_left_and_says_it_in_french() -> None:
    due = date(2026, 12, 10)
    assert urgency(due, date(2026, 12, 3)).text_fr() == "7 jours restants"
    assert urgency(due, date(2026, 12, 9)).text_fr() == "1 jour restant"
    assert urgency(due, date(2026, 12, 10)).text_fr() == "échéance aujourd'hui"
    late = urgency(due, date(2026, 12, 12))
    assert late.overdue and late.text_fr() == "en retard de 2 jours"
    assert urgency(due, date(2026, 12, 3)).due_soon and not urgency(due, date(2026, 12, 2)).due_soon


@pytest.mark.parametrize(
    ("status", "today", "listed"),
    [
        (RequestStatus.RECEIVED, date(2026, 12, 3), True),  # 7 days left
        (RequestStatus.RECEIVED, date(2026, 12, 2), False),  # 8 days left
        (RequestStatus.IN_PROGRESS, date(2026, 12, 20), True),  # late
        (RequestStatus.ANSWERED, date(2026, 12, 20), False),  # closed: never listed
        (RequestStatus.REFUSED, date(2026, 12, 9), False),
    ],
)
def test_the_home_lists_open_requests_due_within_a_week_or_late(
    status: RequestStatus, today: date, listed: bool
) -> None:
    assert needs_attention(status, date(2026, 12, 10), today) is listed


def test_an_extension_needs_a_reason_an_open_request_and_the_first_month() -> None:
    received, today = date(2026, 11, 2), date(2026, 11, 20)
    open_ = RequestStatus.IN_PROGRESS
    assert extension_refusal_fr(open_, received, False, today, "dossier complexe") is None
    assert "motif" in (extension_refusal_fr(open_, received, False, today, "  ") or "")
    assert "déjà" in (extension_refusal_fr(open_, received, True, today, "encore") or "")
    closed = extension_refusal_fr(RequestStatus.ANSWERED, received, False, today, "x")
    assert "close" in (closed or "")
    too_late = extension_refusal_fr(open_, received, False, date(2026, 12, 3), "x")
    assert "dans le mois" in (too_late or "")


def test_a_reception_date_is_neither_future_nor_over_a_year_old() -> None:
    today = date(2026, 12, 6)
    assert received_refusal_fr(today, today) is None
    assert "futur" in (received_refusal_fr(date(2026, 12, 7), today) or "")
    assert "plus d'un an" in (received_refusal_fr(date(2025, 12, 5), today) or "")
