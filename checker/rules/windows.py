"""Rule 1: calls only in the person's calling windows, local time, on allowed days.

Two local times count when the number called lies in another time zone than
the person's territory (a Paris address, a Martinique mobile): the call must
fit the windows and avoid the holidays of both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checker.calendars import (
    TIME_ZONES,
    WEEKDAYS_FR,
    Policy,
    holiday_name,
    number_territory,
    read_policy,
)
from checker.day import AttemptFacts, Day
from checker.dial_log import DialCall
from checker.report import Breach, RuleResult

RULE = "calling_window"


def _local(moment: datetime, time_zone: str) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)


def _clocks(attempt: AttemptFacts) -> list[tuple[str, str]]:
    """(territory, time zone) of the person, then of the number called when it differs."""
    clocks = [(attempt.territory, attempt.time_zone)]
    number = number_territory(attempt.number_e164)
    if number is not None and number != attempt.territory:
        clocks.append((number, TIME_ZONES[number]))
    return clocks


def _why_closed_in(moment: datetime, policy: Policy, territory: str, zone: str) -> str | None:
    local = _local(moment, zone)
    holiday = holiday_name(territory, local.date())
    when = f"le {local:%d/%m/%Y} à {local:%H:%M} heure locale ({zone})"
    if local.weekday() not in policy.weekdays:
        return f"appel {when}, un {WEEKDAYS_FR[local.weekday()]}, jour non autorisé"
    if policy.skip_public_holidays and holiday is not None:
        return f"appel {when}, jour férié ({holiday}) du territoire « {territory} »"
    if not any(window.holds(local.time()) for window in policy.windows):
        return f"appel {when}, hors des plages autorisées ({policy.windows_text()})"
    return None


def _why_closed(call: DialCall, attempt: AttemptFacts) -> str | None:
    """Why the call was not allowed at its moment, in French; None when it was."""
    try:
        policy = read_policy(attempt.policy)
        for territory, zone in _clocks(attempt):
            reason = _why_closed_in(call.at, policy, territory, zone)
            if reason is not None:
                return reason
    except (ValueError, KeyError, TypeError, ZoneInfoNotFoundError) as error:
        return f"règles d'appel impossibles à vérifier ({error!r})"
    return None


def check(day: Day) -> RuleResult:
    breaches: list[Breach] = []
    examined = 0
    for call in day.calls:
        attempt = day.attempt_of(call)
        if attempt is None:
            continue  # the traceability rule reports a call without its attempt
        examined += 1
        reason = _why_closed(call, attempt)
        if reason is not None:
            breaches.append(Breach(RULE, f"tentative {attempt.id}", reason))
    return RuleResult(RULE, examined, breaches)
