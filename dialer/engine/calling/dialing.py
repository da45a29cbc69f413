"""Claimed contacts turned into Originate actions, and what a refused send leaves behind.

The claim has already written the attempt, so every call placed is on record
before the PBX hears of it. What happens when sending fails depends on whether
the PBX may have received the action:

- nothing was sent (not connected, a value refused by the frame checks, or the
  last look found the window closed or the person opted out, limited or having
  refused meanwhile): the claim is undone, the attempt row and its live-call
  locks removed and the contact pending again, as if the tick had never picked it;
- the number itself is not callable: the attempt ends ``invalid_number``;
- sent but not acknowledged (``OriginateUncertain``): nothing is done here, and
  above all no redial; the adapter delivers the final update when it learns it;
- refused by the PBX (``AmiActionError``): the adapter closes it as ``failed``
  through the recorder, which applies the retry rule.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.eligibility import BlockCode
from dialer.campaigns.eligibility.windows import in_every_window
from dialer.campaigns.models import MachineHandling
from dialer.campaigns.selection import Claim
from dialer.campaigns.selection.locks import release_locks
from dialer.campaigns.selection.recheck import block_before_send
from dialer.contacts.people.models import CampaignContact, ContactStatus
from dialer.contacts.territories import Territory, call_clocks, territory_of_number
from dialer.core.db import session_scope
from dialer.core.observability.logging import bound_attempt
from dialer.engine.calling import presence
from dialer.engine.calling.agent_lines import AgentLineError, AgentLines
from dialer.engine.calling.recorder import CallRecorder
from dialer.engine.calling.snapshot import DialTarget
from telephony.ami.client import AmiClient, OriginateRequest
from telephony.ami.errors import AmiActionError, AmiNotConnected, OriginateUncertain
from telephony.ami.frames import AgentTemplate, DialTemplate, InvalidNumber, UnsafeAmiValue
from telephony.results import CallResult

# A call is not started in the last seconds of a window: the PBX may log it after.
SEND_MARGIN = timedelta(seconds=15)
log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class DialConfig:
    dial: DialTemplate
    worker_id: str
    agent: AgentTemplate = AgentTemplate("Local/{agent}@sim-agents")
    context: str = "dialer-connect"
    exten: str = "s"
    lease_seconds: int = 120
    # How long an agent may read a preview before it is taken back (not renewed).
    preview_hold_seconds: int = 300
    # A worker silent this long (wall clock) is dead: the others take over its work.
    dead_after_seconds: float = 45.0


@dataclass(frozen=True)
class PlacedCall:
    claim: Claim
    agent_user_id: int | None


def originate_request(
    target: DialTarget, call: PlacedCall, config: DialConfig, agent_line: str = ""
) -> OriginateRequest:
    # A campaign that filters answering machines goes through AMD() (``-amd`` context);
    # the dialplan reads the handling from MACHINE_ACTION, never from the campaign's text.
    detect = target.machine in (MachineHandling.HANG_UP, MachineHandling.MESSAGE)
    return OriginateRequest(
        attempt_id=str(call.claim.attempt_id),
        number=call.claim.number_e164,
        dial=config.dial,
        caller_id=target.caller_id,
        context=f"{config.context}-amd" if detect else config.context,
        exten=config.exten,
        timeout_ms=target.calling.ring_timeout_seconds * 1000,
        agent=agent_line,
        abandon_ms=int(target.params.abandon_grace_s * 1000),
        machine_action=target.machine if detect else "",
    )


def undo_claim(engine: Engine, call: PlacedCall, worker_id: str, now: datetime) -> None:
    """Give back a claim whose call was never sent: no attempt, contact pending again."""
    with session_scope(engine) as session:
        give_back(session, call.claim.attempt_id, call.claim.contact_id, call.agent_user_id,
                  worker_id, now)  # fmt: skip


def give_back(
    session: Session, attempt_id: int, contact_id: int, agent_user_id: int | None,
    worker_id: str, now: datetime, *, retry_at: datetime | None = None,
) -> None:  # fmt: skip
    """Forget an attempt that placed no call: agent free, contact pending, attempt uncounted.

    ``retry_at`` keeps the contact out of the next claims until then (a skipped preview
    must not come straight back to the agent who just passed it).
    """
    if agent_user_id is not None:
        # The agent's row points at the attempt: let go of it before the attempt goes.
        presence.release_agent(session, agent_user_id, now)
        session.flush()
    release_locks(session, [attempt_id])
    attempt = session.get(CallAttempt, attempt_id)
    if attempt is not None and attempt.result is None:
        session.delete(attempt)
    contact = session.get(CampaignContact, contact_id)
    if _still_ours(contact, worker_id):
        assert contact is not None
        contact.status = ContactStatus.PENDING
        contact.attempts = max(0, contact.attempts - 1)
        contact.lease_owner, contact.lease_expires_at = None, None
        if retry_at is not None:
            contact.next_attempt_at = max(contact.next_attempt_at or retry_at, retry_at)
        contact.updated_at = now
        session.add(contact)


def _still_ours(contact: CampaignContact | None, worker_id: str) -> bool:
    return (
        contact is not None
        and contact.status == ContactStatus.IN_PROGRESS
        and contact.lease_owner == worker_id
    )


def still_in_window(target: DialTarget, call: PlacedCall, now: datetime) -> bool:
    """The calling windows of the person and of the number called are open now and
    stay open for the send margin."""
    claim = call.claim
    number = territory_of_number(claim.number_e164)
    clocks = call_clocks(Territory(claim.territory), claim.time_zone, number)
    return all(
        in_every_window(moment, target.calling, clocks) for moment in (now, now + SEND_MARGIN)
    )


def still_callable(
    engine: Engine, target: DialTarget, call: PlacedCall, now: datetime
) -> str | None:
    """None when the person may still be called now; else the code of the rule that stops it.

    Read from the database right before sending: an opt-out, a limitation or a
    refusal recorded since the claim, even a second before, is honoured.
    """
    if not still_in_window(target, call, now):
        return BlockCode.OUTSIDE_WINDOW.value
    with engine.connect() as conn:
        block = block_before_send(conn, call.claim.person_id, target.calling, now)
    return None if block is None else block.code


class CallPlacer:
    def __init__(
        self,
        engine: Engine,
        client: AmiClient,
        recorder: CallRecorder,
        config: DialConfig,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._client = client
        self._recorder = recorder
        self._config = config
        self._clock = clock
        self._lines = AgentLines(engine, config.agent)

    async def place_all(self, target: DialTarget, calls: list[PlacedCall]) -> int:
        """Send every call (the adapter's rate limiter spaces them); how many were sent."""
        sent = await asyncio.gather(*(self.place(target, call) for call in calls))
        return sum(sent)

    async def place(self, target: DialTarget, call: PlacedCall) -> bool:
        with bound_attempt(call.claim.attempt_id):
            return await self._place(target, call)

    async def _place(self, target: DialTarget, call: PlacedCall) -> bool:
        attempt_id = call.claim.attempt_id
        stopped = await asyncio.to_thread(still_callable, self._engine, target, call, self._clock())
        if stopped is not None:
            # Claimed near the end of a window but sent after it, or the person opted
            # out, was limited or refused meanwhile: never call. The contact is pending
            # again, where the selection's own rules keep it from being dialled.
            log.info("attempt %s: %s before sending, claim given back", attempt_id, stopped)
            await asyncio.to_thread(
                undo_claim, self._engine, call, self._config.worker_id, self._clock()
            )
            return False
        line = await self._agent_line(call)
        if line is None:
            await asyncio.to_thread(
                undo_claim, self._engine, call, self._config.worker_id, self._clock()
            )
            return False
        try:
            await self._client.originate(originate_request(target, call, self._config, line))
        except OriginateUncertain:
            log.warning("attempt %s: originate not acknowledged, awaiting its result", attempt_id)
            return True
        except AmiActionError as error:
            log.warning("attempt %s refused by the PBX: %s", attempt_id, error.message)
            return True
        except InvalidNumber:
            await asyncio.to_thread(
                self._recorder.close_unsent, attempt_id, CallResult.INVALID_NUMBER
            )
            return False
        except (AmiNotConnected, UnsafeAmiValue) as error:
            log.warning("attempt %s not sent (%s): claim given back", attempt_id, error)
            await asyncio.to_thread(
                undo_claim, self._engine, call, self._config.worker_id, self._clock()
            )
            return False
        log.debug("originate sent (campaign %s)", target.campaign_id)
        return True

    async def _agent_line(self, call: PlacedCall) -> str | None:
        """The held agent's dial string ("" when none is held); None if it cannot be dialled."""
        if call.agent_user_id is None:
            return ""
        try:
            return await asyncio.to_thread(self._lines.line_of, call.agent_user_id)
        except AgentLineError as error:
            log.warning(
                "attempt %s: agent %s has no dialable phone (%s), claim given back",
                call.claim.attempt_id, call.agent_user_id, error,
            )  # fmt: skip
            return None
