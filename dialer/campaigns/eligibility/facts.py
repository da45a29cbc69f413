"""What the eligibility rules read and what they answer.

The rules are pure: the selection query and the claim transaction load these
facts from the database and hand them in, with the clock, so the very same
decision is taken when choosing a contact and when re-checking it under lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from dialer.contacts.territories import Territory, call_clocks


class BlockCode(StrEnum):
    """Stable codes of the rules, in the order they are evaluated."""

    OPTED_OUT = "opted_out"
    LIMITED = "limited"
    DONE = "done"
    EXPIRED = "expired"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    LIVE_CALL = "live_call"
    REFUSAL_COOLDOWN = "refusal_cooldown"
    REACHED_LIMIT = "reached_limit"
    RETRY_DELAY = "retry_delay"
    HOLIDAY = "holiday"
    OUTSIDE_WINDOW = "outside_window"
    # Campaign-level: they stop the whole campaign, not one person.
    NO_AGENT_AVAILABLE = "no_agent_available"
    WAVE_PAUSED = "wave_paused"


class TerritoryBasis(StrEnum):
    """What told the person's territory: their address, the number called, or their fund."""

    ADDRESS = "address"
    NUMBER = "number"
    FUND = "fund"


@dataclass(frozen=True)
class LiveCall:
    """A call in progress to the same person (any identity) or the same number."""

    campaign_code: str
    same_campaign: bool = False


@dataclass(frozen=True)
class ContactFacts:
    """One person's place in one campaign, as plain values.

    Every datetime is naive UTC, as stored in the database. ``territory`` and
    ``time_zone`` are the person's; ``number_territory`` is that of the number
    the dialler calls (None when it tells nothing): calls respect both.
    """

    person_id: int
    contact_id: int
    territory: Territory
    time_zone: str
    number_territory: Territory | None = None
    number_e164: str | None = None  # the number the dialler calls
    territory_basis: str = TerritoryBasis.ADDRESS
    opted_out: bool = False
    limited: bool = False
    done: bool = False
    done_reason: str | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    callback_at: datetime | None = None
    expiry: date | None = None
    last_refusal_at: datetime | None = None
    # Calls answered in the last 30 days, in every campaign and under every identity
    # of the person (same NIR), and the calls still in progress, which may be.
    reached_calls_30d: tuple[datetime, ...] = ()
    live_call: LiveCall | None = None  # another contact's call holding the person now

    @property
    def clocks(self) -> tuple[tuple[Territory, str], ...]:
        """(territory, time zone) of every local time the call must respect."""
        return call_clocks(self.territory, self.time_zone, self.number_territory)


@dataclass(frozen=True)
class Block:
    """Why a contact may not be called now.

    `until` is the naive UTC instant this rule lifts by itself; None means it
    never lifts on its own (opt-out, limitation, finished contact...).
    """

    code: str
    reason_fr: str
    until: datetime | None = None
