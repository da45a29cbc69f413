"""A report's period as a manager chooses it: a day, a week, or a date range, in Paris days.

The call centre works on Paris time: a day of the report is a Paris calendar day,
turned into naive UTC bounds for the queries (23 or 25 hours on the days the
clocks change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialer.core.errors import DomainError

CENTRE_ZONE = ZoneInfo("Europe/Paris")
MAX_DAYS = 366
KINDS = ("jour", "semaine", "periode")


class PeriodError(DomainError):
    """A period the reports refuse; the message is French."""


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    first_day: date  # Paris calendar days, both included
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in naive UTC, as the tables store times."""
        return _utc_midnight(self.first_day), _utc_midnight(self.last_day + timedelta(days=1))

    def label_fr(self) -> str:
        if self.first_day == self.last_day:
            return f"le {self.first_day:%d/%m/%Y}"
        return f"du {self.first_day:%d/%m/%Y} au {self.last_day:%d/%m/%Y}"


def _utc_midnight(day: date) -> datetime:
    local = datetime.combine(day, time(0), tzinfo=CENTRE_ZONE)
    return local.astimezone(UTC).replace(tzinfo=None)


def parse_day(text: str, label: str) -> date:
    """``2026-12-01`` (the date field of a browser) or ``01/12/2026``."""
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise PeriodError(f"{label} : date attendue au format JJ/MM/AAAA.")


def choose_period(kind: str, day: str, start: str, end: str, today: date) -> ReportPeriod:
    """The period of a report form; a range over a year or ending before it starts is refused."""
    if kind not in KINDS:
        raise PeriodError("Type de période inconnu : choisissez jour, semaine ou période.")
    if kind == "jour":
        chosen = parse_day(day, "Jour") if day.strip() else today
        return ReportPeriod(chosen, chosen)
    if kind == "semaine":
        chosen = parse_day(day, "Semaine") if day.strip() else today
        monday = chosen - timedelta(days=chosen.weekday())
        return ReportPeriod(monday, monday + timedelta(days=6))
    first, last = parse_day(start, "Début"), parse_day(end, "Fin")
    if last < first:
        raise PeriodError("La fin de la période précède son début.")
    period = ReportPeriod(first, last)
    if period.days > MAX_DAYS:
        raise PeriodError(
            f"La période couvre {period.days} jours : un rapport porte sur un an au plus "
            f"({MAX_DAYS} jours). Découpez-la."
        )
    return period


def paris_hour(utc_hour: datetime) -> datetime:
    """The Paris wall-clock hour of a naive UTC hour (Paris offsets are whole hours)."""
    return utc_hour.replace(tzinfo=UTC).astimezone(CENTRE_ZONE).replace(tzinfo=None)


def paris_day(now: datetime) -> date:
    """The Paris calendar day of a naive UTC instant: a report's « today »."""
    return now.replace(tzinfo=UTC).astimezone(CENTRE_ZONE).date()
