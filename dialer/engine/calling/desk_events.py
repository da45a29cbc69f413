"""What an agent's desk is told, typed: one event class and one notifier method each.

The dialer speaks to desks only through a ``DeskNotifier``; ``BusDeskNotifier`` turns
each event into the ids-only payload the screen-pop bus carries to the browser (and,
on PostgreSQL, to the web processes), so the wire stays what ``desk.js`` reads.
A new event for the desk is a new class here and a new method on the notifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from dialer.engine.calling.events import (
    CALL_ENDED,
    DIALLING,
    PREVIEW,
    PREVIEW_EXPIRED,
    SCREEN_POP,
    Payload,
    ScreenPopBus,
    call_payload,
)


@dataclass(frozen=True)
class DeskEvent:
    kind: ClassVar[str]
    attempt_id: int
    contact_id: int
    campaign_id: int

    def payload(self) -> Payload:
        return call_payload(self.kind, self.attempt_id, self.contact_id, self.campaign_id)


@dataclass(frozen=True)
class ScreenPop(DeskEvent):
    """The person is on the line with the agent: open their record."""

    kind: ClassVar[str] = SCREEN_POP


@dataclass(frozen=True)
class Dialling(DeskEvent):
    """A person is being called for this agent (progressive): nothing is shown yet, but
    the desk may read the call's file while the phone rings, so the pop only checks,
    traces and sends."""

    kind: ClassVar[str] = DIALLING


@dataclass(frozen=True)
class CallEnded(DeskEvent):
    """The line closed (the agent writes the outcome, if they talked)."""

    kind: ClassVar[str] = CALL_ENDED
    result: str | None = None

    def payload(self) -> Payload:
        ids = (self.attempt_id, self.contact_id, self.campaign_id)
        return call_payload(self.kind, *ids, result=self.result)


@dataclass(frozen=True)
class PreviewOffered(DeskEvent):
    """A record held for the agent to read before calling (preview mode)."""

    kind: ClassVar[str] = PREVIEW


@dataclass(frozen=True)
class PreviewExpired(DeskEvent):
    """The preview's hold ran out (or its worker died): the record was taken back."""

    kind: ClassVar[str] = PREVIEW_EXPIRED


Notice = tuple[int, DeskEvent]  # (agent user id, event), told once back on the event loop


class DeskNotifier(Protocol):
    """Every event a desk receives; called on the event loop (the bus is not thread-safe)."""

    def dialling(self, agent_user_id: int, event: Dialling) -> None: ...

    def screen_pop(self, agent_user_id: int, event: ScreenPop) -> None: ...

    def call_ended(self, agent_user_id: int, event: CallEnded) -> None: ...

    def preview_offered(self, agent_user_id: int, event: PreviewOffered) -> None: ...

    def preview_expired(self, agent_user_id: int, event: PreviewExpired) -> None: ...


def tell(desk: DeskNotifier, notices: list[Notice]) -> None:
    """Deliver events gathered off the loop (in a database thread), each to its method."""
    for agent, event in notices:
        match event:
            case Dialling():
                desk.dialling(agent, event)
            case ScreenPop():
                desk.screen_pop(agent, event)
            case CallEnded():
                desk.call_ended(agent, event)
            case PreviewOffered():
                desk.preview_offered(agent, event)
            case PreviewExpired():
                desk.preview_expired(agent, event)


class BusDeskNotifier:
    """Desks reached through a screen-pop bus (local, or relayed to other processes)."""

    def __init__(self, bus: ScreenPopBus) -> None:
        self._bus = bus

    def dialling(self, agent_user_id: int, event: Dialling) -> None:
        self._bus.publish(agent_user_id, event.payload())

    def screen_pop(self, agent_user_id: int, event: ScreenPop) -> None:
        self._bus.publish(agent_user_id, event.payload())

    def call_ended(self, agent_user_id: int, event: CallEnded) -> None:
        self._bus.publish(agent_user_id, event.payload())

    def preview_offered(self, agent_user_id: int, event: PreviewOffered) -> None:
        self._bus.publish(agent_user_id, event.payload())

    def preview_expired(self, agent_user_id: int, event: PreviewExpired) -> None:
        self._bus.publish(agent_user_id, event.payload())
