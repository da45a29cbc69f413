"""The retry rules a manager edits: labels, validation, and their effect on the queue.

Pure: the form's raw text in, a ``RetryPolicy`` or French refusals out; the effect
of a policy on the pending contacts is computed from plain rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dialer.campaigns.policies import RetryPolicy, RetryRule
from dialer.campaigns.waves.times import paris_time
from dialer.core.errors import DomainError
from dialer.core.french import count_fr
from dialer.wording import Kind, label

# By call result, then by the agent's outcome; the order of the editor's rows.
RESULT_REASONS_FR = {
    code: label(Kind.RETRY_REASON, code)
    for code in (
        "busy", "no_answer", "congestion", "machine", "abandoned", "ended_while_disconnected",
        "failed", "network_failure", "invalid_number",
    )
}  # fmt: skip
OUTCOME_REASONS_FR = {code: label(Kind.RETRY_REASON, code) for code in ("callback", "wrong_person")}
REASONS_FR = {**RESULT_REASONS_FR, **OUTCOME_REASONS_FR}
# Our network failed, not the person: always retried after its delay, never counted
# (dialer.engine.calling.rescheduling), so it has neither a maximum nor a final form.
UNCOUNTED = "network_failure"
MAX_RETRIES = 20
MAX_MULTIPLIER = 10.0
# Past these a rule is a typing error, not a calling policy: a person retried in
# three months is a new campaign, and the data would be near its retention limit.
MAX_DELAY_MINUTES = 30 * 24 * 60
MAX_SPAN_MINUTES = 90 * 24 * 60


class RetryRulesRefused(DomainError):
    """The rules as typed cannot be saved; ``problems`` says why, per reason."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class RawRule:
    """One row of the editor, as typed."""

    delay_minutes: str
    multiplier: str
    max_retries: str
    final: bool


def _number(text: str, label: str, name: str) -> float:
    try:
        value = float(text.strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise DomainError(f"{label} : {name}, un nombre est attendu.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise DomainError(f"{label} : {name}, un nombre est attendu.")
    return value


def _uncounted(label: str, raw: RawRule) -> RetryRule:
    delay = _number(raw.delay_minutes, label, "délai")
    if not 1 <= delay <= MAX_DELAY_MINUTES:
        raise DomainError(
            f"{label} : délai de 1 à 43 200 minutes (un délai nul rappellerait en boucle "
            "pendant une panne)."
        )
    return RetryRule(max_retries=0, delay_minutes=delay)


def _rule(label: str, raw: RawRule) -> RetryRule:
    if raw.final:
        return RetryRule(max_retries=0, delay_minutes=0)
    delay = _number(raw.delay_minutes, label, "délai")
    multiplier = _number(raw.multiplier or "1", label, "multiplicateur")
    retries = _number(raw.max_retries, label, "tentatives")
    if delay < 0:
        raise DomainError(f"{label} : un délai négatif est impossible.")
    if delay > MAX_DELAY_MINUTES:
        raise DomainError(f"{label} : délai trop long, 30 jours au plus (43 200 minutes).")
    if not 1 <= multiplier <= MAX_MULTIPLIER:
        raise DomainError(f"{label} : le multiplicateur va de 1 (délai fixe) à 10.")
    if retries != int(retries) or not 0 <= retries <= MAX_RETRIES:
        raise DomainError(f"{label} : de 0 à {MAX_RETRIES} nouvelles tentatives, en nombre entier.")
    rule = RetryRule(max_retries=int(retries), delay_minutes=delay, multiplier=multiplier)
    if last_delay(rule) > MAX_SPAN_MINUTES:
        raise DomainError(
            f"{label} : la dernière tentative attendrait plus de 90 jours ; "
            "réduisez le délai, le multiplicateur ou le nombre de tentatives."
        )
    return rule


def last_delay(rule: RetryRule) -> float:
    if rule.max_retries == 0:
        return 0.0
    return rule.delay_minutes * rule.multiplier ** (rule.max_retries - 1)


def parse_rules(raw: Mapping[str, RawRule]) -> RetryPolicy:
    """Every known reason's rule; ``RetryRulesRefused`` lists each refused row."""
    rules: dict[str, RetryRule] = {}
    problems: dict[str, str] = {}
    for reason, name in REASONS_FR.items():
        typed = raw.get(reason)
        if typed is None:
            problems[reason] = f"{name} : règle manquante."
            continue
        try:
            rules[reason] = _uncounted(name, typed) if reason == UNCOUNTED else _rule(name, typed)
        except DomainError as error:
            problems[reason] = error.message
    if problems:
        raise RetryRulesRefused(problems)
    return RetryPolicy(rules=rules)


@dataclass(frozen=True)
class PendingRetry:
    """A pending contact waiting for a retry after ``reason`` (no callback asked)."""

    contact_id: int
    reason: str
    retries_spent: int  # including the one now waiting
    last_attempt_at: datetime  # naive UTC


def replanned(row: PendingRetry, policy: RetryPolicy) -> datetime | None:
    """When the waiting retry falls under ``policy``; None when no retry is left."""
    rule = policy.rule_for(row.reason)
    if row.retries_spent > rule.max_retries:
        return None
    delay = rule.delay_minutes * rule.multiplier ** max(row.retries_spent - 1, 0)
    return row.last_attempt_at + timedelta(minutes=delay)


@dataclass(frozen=True)
class RetryEffect:
    tomorrow: int
    today: int
    later: int
    finished: int

    def text_fr(self) -> str:
        return (
            f"{count_fr(self.tomorrow, 'contact reviendra', 'contacts reviendront')} demain, "
            f"{count_fr(self.today, 'contact', 'contacts')} encore aujourd'hui, "
            f"{count_fr(self.later, 'contact', 'contacts')} plus tard ; "
            f"{count_fr(self.finished, 'contact sera terminé', 'contacts seront terminés')} "
            "(plus aucune tentative permise)."
        )


def effect(rows: Iterable[PendingRetry], policy: RetryPolicy, now: datetime) -> RetryEffect:
    """Where the pending retries land under ``policy``, by Paris calendar day."""
    today: date = paris_time(now).date()
    counts = {"today": 0, "tomorrow": 0, "later": 0, "finished": 0}
    for row in rows:
        when = replanned(row, policy)
        if when is None:
            counts["finished"] += 1
            continue
        day = paris_time(max(when, now)).date()
        key = (
            "today" if day <= today else "tomorrow" if day == today + timedelta(days=1) else "later"
        )
        counts[key] += 1
    return RetryEffect(**counts)
