"""A person's current contact authorisation, derived from ledger entries without I/O.

The latest decision in time wins on each channel; two decisions recorded at the same
instant are ordered by their ledger id. A channel with no decision is not opted out:
the legal basis of the calls is a legal obligation, so silence means "may be contacted".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from consent.vocabulary import Channel, Decision


class DecisionRecord(Protocol):
    """What the derivation needs from an entry; ``ConsentEntry`` satisfies it."""

    @property
    def id(self) -> int | None: ...
    @property
    def channel(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class ChannelState:
    decision: Decision | None = None
    at: datetime | None = None
    source: str | None = None

    @property
    def opted_out(self) -> bool:
        return self.decision is Decision.OPT_OUT


@dataclass(frozen=True, slots=True)
class ConsentState:
    channels: dict[Channel, ChannelState]

    def is_opted_out(self, channel: Channel | str = Channel.CALL) -> bool:
        return self.of(channel).opted_out

    def of(self, channel: Channel | str) -> ChannelState:
        return self.channels.get(Channel(channel), ChannelState())

    def as_dict(self) -> dict[str, dict[str, object]]:
        """Every channel, decided or not, in a JSON-ready shape."""
        result: dict[str, dict[str, object]] = {}
        for channel in Channel:
            state = self.of(channel)
            result[channel.value] = {
                "opted_out": state.opted_out,
                "decision": state.decision.value if state.decision else None,
                "at": state.at.isoformat() if state.at else None,
                "source": state.source,
            }
        return result


def _order_key(entry: DecisionRecord) -> tuple[datetime, int]:
    # An entry not yet flushed has no id: it is the newest of its instant.
    return (entry.at, entry.id if entry.id is not None else 2**63)


def derive_state(entries: Iterable[DecisionRecord]) -> ConsentState:
    """The current state per channel from entries given in any order."""
    latest: dict[Channel, DecisionRecord] = {}
    for entry in entries:
        channel = Channel(entry.channel)
        held = latest.get(channel)
        if held is None or _order_key(entry) > _order_key(held):
            latest[channel] = entry
    return ConsentState(
        {
            channel: ChannelState(Decision(entry.decision), entry.at, entry.source)
            for channel, entry in latest.items()
        }
    )
