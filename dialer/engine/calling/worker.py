"""The dialer loop: every tick, pace each dialling target, claim contacts, place calls.

Per target (see ``snapshot`` for which campaigns and waves dial) a tick reads a
pacing snapshot, asks ``dialer.engine.pacing.decide`` how many lines to open, and:

- progressive: holds one available agent per line first, claims as many contacts
  as agents were held, and dials with the agent's extension in AGENT, so the PBX
  bridges the person straight to that agent;
- preview: holds and claims the same way but places no call: the attempt is marked
  ``preview`` and the agent's desk is sent a ``preview`` event; the agent then
  calls (``dial_preview``, from there a progressive call) or skips
  (``skip_preview``), see ``dialer.engine.calling.preview``;
- predictive: claims the lines and dials with AGENT empty; when a person answers,
  ``hand_over`` holds the longest-available agent and sets AGENT on the channel.
  If none is free the call waits, oldest first, for the next agent who becomes
  available (checked every tick), and the PBX abandons it after ABANDON_MS.

The last decision of each target is kept with its French reason, so "why is
nothing dialling?" has an answer on the manager's page.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialer.campaigns.attempts import CallAttempt
from dialer.campaigns.selection import claim_contacts, release_expired_leases, renew_lease
from dialer.campaigns.selection.locks import renew_locks
from dialer.core.columns import utcnow
from dialer.core.db import session_scope
from dialer.engine.calling import liveness, presence
from dialer.engine.calling import preview as previews
from dialer.engine.calling.agent_lines import AgentLineError, AgentLines
from dialer.engine.calling.desk_events import (
    DeskNotifier,
    Dialling,
    Notice,
    PreviewOffered,
    tell,
)
from dialer.engine.calling.dialing import CallPlacer, Clock, DialConfig, PlacedCall
from dialer.engine.calling.recorder import CallRecorder, RecordedUpdate
from dialer.engine.calling.snapshot import DialTarget, build_snapshot, dial_targets
from dialer.engine.calling.takeover import take_over_dead
from dialer.engine.calling.trunk_state import TrunkWatch
from dialer.engine.pacing import CallStatsEstimator, PacingDecision, PacingMode, decide
from telephony.ami.client import AmiClient
from telephony.ami.errors import AmiError
from telephony.ami.updates import CallUpdate
from telephony.results import CallState

log = logging.getLogger(__name__)

TargetKey = tuple[int, int | None]
RELEASE_EVERY_TICKS = 10


@dataclass
class TickReport:
    placed: int = 0
    previewed: int = 0  # records held for agents to read, no call placed
    decisions: dict[TargetKey, PacingDecision] = field(default_factory=dict)


@dataclass
class _Leased:
    contact_id: int
    renewed_at: datetime


class DialerWorker:
    def __init__(
        self,
        engine: Engine,
        client: AmiClient,
        recorder: CallRecorder,
        desk: DeskNotifier,
        config: DialConfig,
        clock: Clock,
        wall_clock: Clock = utcnow,
    ) -> None:
        self._engine = engine
        self._client = client
        self._recorder = recorder
        self._desk = desk
        self._config = config
        self._clock = clock
        self._placer = CallPlacer(engine, client, recorder, config, clock)
        self._lines = AgentLines(engine, config.agent)
        self._stats: dict[int, CallStatsEstimator] = {}
        self._leased: dict[int, _Leased] = {}  # claimed, not yet with an agent nor ended
        self._live: set[int] = set()  # placed and not ended
        # Answered predictive calls no agent was free for, oldest first.
        self._waiting: dict[int, tuple[CallUpdate, RecordedUpdate]] = {}
        self._ticks = 0
        # Liveness is real time (a process dies in real time, whatever the dialer's clock).
        self._wall_clock = wall_clock
        self._last_beat: datetime | None = None
        self._locks_renewed_at: datetime | None = None
        self.draining = False  # stopping: no new call, the live ones end
        self._ticking = asyncio.Lock()
        self.decisions: dict[TargetKey, PacingDecision] = {}
        # Calls stop on this box while its carrier trunk fails every call.
        self.trunk = TrunkWatch(engine, config.worker_id, clock)

    @property
    def live_calls(self) -> int:
        return len(self._live)

    @property
    def waiting_calls(self) -> int:
        return len(self._waiting)

    def stats_of(self, campaign_id: int) -> CallStatsEstimator:
        """What this worker has observed of the campaign's calls (the pacing's input)."""
        return self._stats.setdefault(campaign_id, CallStatsEstimator.start())

    async def tick(self) -> TickReport:
        async with self._ticking:
            return await self._tick()

    async def finish_tick(self) -> None:
        """Wait for the tick under way, if any (its claims become calls or are given back)."""
        async with self._ticking:
            pass

    async def _tick(self) -> TickReport:
        now = self._clock()
        self._ticks += 1
        tell(self._desk, await asyncio.to_thread(self._housekeeping, now))
        report = TickReport()
        if not self._client.connected:
            return report
        await self._serve_waiting()
        budget = self.trunk.lines_allowed(now)
        await self.trunk.publish(now)
        if self.draining or budget == 0:
            return report
        plans = await asyncio.to_thread(self._plan, now)
        for target, decision in plans:
            key = (target.campaign_id, target.wave_id)
            report.decisions[key] = self.decisions[key] = decision
            lines = (
                decision.lines_to_dial if budget is None else min(budget, decision.lines_to_dial)
            )
            if lines <= 0:
                continue
            if target.params.mode is PacingMode.PREVIEW:
                report.previewed += await self._offer_previews(target, lines, now)
                continue
            placed = await self._dial(target, replace(decision, lines_to_dial=lines), now)
            report.placed += placed
            if budget is not None and placed:
                # The one call let through while the trunk is down: its result decides.
                self.trunk.probe_sent()
                budget = 0
        return report

    # -- bookkeeping ---------------------------------------------------------
    def _housekeeping(self, now: datetime) -> list[Notice]:
        notices = self._keep_alive(now)
        # Before the lease sweep: a preview held too long is given back whole (agent too).
        notices += previews.release_previews(self._engine, self._config.worker_id, now)
        with session_scope(self._engine) as session:
            presence.settle_wrap_ups(session, now)
        third = self._config.lease_seconds / 3
        for leased in list(self._leased.values()):
            if (now - leased.renewed_at).total_seconds() >= third:
                renew_lease(
                    self._engine,
                    leased.contact_id,
                    self._config.worker_id,
                    now,
                    self._config.lease_seconds,
                )
                leased.renewed_at = now
        self._renew_locks(now, third)
        if self._ticks % RELEASE_EVERY_TICKS == 1:
            release_expired_leases(self._engine, now)
        return notices

    def _keep_alive(self, now: datetime) -> list[Notice]:
        """Beat every few seconds, and take over the workers that stopped beating."""
        wall = self._wall_clock()
        dead_after = self._config.dead_after_seconds
        last = self._last_beat
        if last is not None and (wall - last).total_seconds() < liveness.beat_every(dead_after):
            return []
        liveness.beat(self._engine, self._config.worker_id, wall)
        self._last_beat = wall
        return take_over_dead(
            self._engine, self._recorder, self._config.worker_id, wall, dead_after, now
        )

    def adopt(self, attempt_id: int, contact_id: int, connected: bool, now: datetime) -> None:
        """A call an earlier life placed and the PBX may still have: live until it ends."""
        self._live.add(attempt_id)
        if not connected:  # an agent on the call holds the contact without a lease
            self._leased[attempt_id] = _Leased(contact_id, now)

    def _renew_locks(self, now: datetime, every_s: float) -> None:
        # This worker is alive: the people and numbers of its open calls (talks
        # included, which no lease covers) stay locked; a dead worker's lapse.
        last = self._locks_renewed_at
        if last is not None and (now - last).total_seconds() < every_s:
            return
        expires = now + timedelta(seconds=self._config.lease_seconds)
        renew_locks(self._engine, self._config.worker_id, expires)
        self._locks_renewed_at = now

    async def follow(self, update: CallUpdate, recorded: RecordedUpdate) -> None:
        """Every stored update of this worker's calls (``dialer.engine.calling.routing``)."""
        if not update.waiting_for_agent:
            self._waiting.pop(recorded.attempt_id, None)
        if update.state is CallState.CONNECTED:
            self._leased.pop(recorded.attempt_id, None)
        if update.state is not CallState.ENDED:
            return
        self.trunk.call_ended(update.result)
        self._leased.pop(recorded.attempt_id, None)
        self._live.discard(recorded.attempt_id)
        stats = self.stats_of(recorded.campaign_id)
        end = update.ended_at or update.at
        stats.attempt_finished(
            update.answered_at is not None, (update.answered_at or end) - update.created_at
        )
        if update.connected_at is not None:
            stats.talk_finished(end - update.connected_at)

    def _plan(self, now: datetime) -> list[tuple[DialTarget, PacingDecision]]:
        plans = []
        with session_scope(self._engine) as session:
            for target in dial_targets(session, now):
                estimator = self.stats_of(target.campaign_id)
                snapshot = build_snapshot(session, target, now, estimator.stats())
                plans.append((target, decide(snapshot, target.params)))
        return plans

    # -- dialling ------------------------------------------------------------
    async def _dial(self, target: DialTarget, decision: PacingDecision, now: datetime) -> int:
        lines = decision.lines_to_dial
        if decision.agent_per_line:
            calls = await asyncio.to_thread(self._claim_with_agents, target, lines, now)
            for call in calls:
                assert call.agent_user_id is not None
                ids = (call.claim.attempt_id, call.claim.contact_id, call.claim.campaign_id)
                self._desk.dialling(call.agent_user_id, Dialling(*ids))
        else:
            calls = await asyncio.to_thread(self._claim, target, lines, now)
        for call in calls:
            self._live.add(call.claim.attempt_id)
            self._leased[call.claim.attempt_id] = _Leased(call.claim.contact_id, now)
        sent = await asyncio.gather(*(self._placer.place(target, call) for call in calls))
        for call, ok in zip(calls, sent, strict=True):
            if not ok:
                self._live.discard(call.claim.attempt_id)
                self._leased.pop(call.claim.attempt_id, None)
        return sum(sent)

    def _claim(
        self, target: DialTarget, lines: int, now: datetime, lease_seconds: int | None = None
    ) -> list[PlacedCall]:
        claims = claim_contacts(
            self._engine,
            target.campaign_id,
            self._config.worker_id,
            lines,
            now,
            wave_id=target.wave_id,
            lease_seconds=lease_seconds or self._config.lease_seconds,
        )
        return [PlacedCall(claim, None) for claim in claims]

    def _claim_with_agents(
        self, target: DialTarget, lines: int, now: datetime, *, preview: bool = False
    ) -> list[PlacedCall]:
        with session_scope(self._engine) as session:
            agents = []
            for _ in range(lines):
                agent = presence.reserve_agent(
                    session, target.campaign_id, now, self._config.worker_id
                )
                if agent is None:
                    break
                agents.append(agent)
        calls: list[PlacedCall] = []
        try:
            # A preview's lease is its hold time: nobody renews it while the agent reads.
            lease = self._config.preview_hold_seconds if preview else None
            calls = self._claim(target, len(agents), now, lease) if agents else []
        finally:
            # Held agents whose contact was not claimed (or a failed claim) are freed.
            with session_scope(self._engine) as session:
                paired = [PlacedCall(c.claim, a) for c, a in zip(calls, agents, strict=False)]
                for call in paired:
                    _assign(session, call, previews.PREVIEW if preview else None)
                for spare in agents[len(paired) :]:
                    presence.release_agent(session, spare, now)
        return paired

    # -- preview -------------------------------------------------------------
    async def _offer_previews(self, target: DialTarget, lines: int, now: datetime) -> int:
        calls = await asyncio.to_thread(self._claim_with_agents, target, lines, now, preview=True)
        for call in calls:
            assert call.agent_user_id is not None
            ids = (call.claim.attempt_id, call.claim.contact_id, call.claim.campaign_id)
            self._desk.preview_offered(call.agent_user_id, PreviewOffered(*ids))
        return len(calls)

    async def dial_preview(self, attempt_id: int, agent_user_id: int) -> bool:
        """Call the person of the agent's preview now; False if the call could not be sent.

        ``PreviewError`` (French) when it is not this agent's preview or can no longer
        be called (hold expired, campaign stopped, calling window closed).
        """
        now = self._clock()
        target, call = await asyncio.to_thread(
            previews.take_preview, self._engine, attempt_id, agent_user_id,
            self._config.worker_id, now, self._config.lease_seconds,
        )  # fmt: skip
        self._live.add(attempt_id)
        self._leased[attempt_id] = _Leased(call.claim.contact_id, now)
        sent = await self._placer.place(target, call)
        if not sent:
            self._live.discard(attempt_id)
            self._leased.pop(attempt_id, None)
        return sent

    async def skip_preview(self, attempt_id: int, agent_user_id: int) -> None:
        """Pass the agent's preview: no attempt counted, the agent is available again."""
        await asyncio.to_thread(
            previews.skip_preview, self._engine, attempt_id, agent_user_id, self._clock()
        )

    async def hand_over(self, update: CallUpdate, recorded: RecordedUpdate) -> None:
        """A predictive call was answered: give it the longest-available agent, if any."""
        if not await self._offer(update, recorded):
            log.info("attempt %s answered with no agent free: waiting", recorded.attempt_id)
            self._waiting[recorded.attempt_id] = (update, recorded)

    async def _serve_waiting(self) -> None:
        """Agents freed since a call was answered take the waiting calls, oldest first."""
        for attempt_id, (update, recorded) in list(self._waiting.items()):
            if attempt_id not in self._waiting:
                continue  # ended or abandoned meanwhile
            if not await self._offer(update, recorded):
                return  # no agent free: the younger calls would not find one either
            self._waiting.pop(attempt_id, None)

    async def _offer(self, update: CallUpdate, recorded: RecordedUpdate) -> bool:
        """Hold an agent for the call and tell the PBX; False when no agent is free."""
        agent = await asyncio.to_thread(self._reserve_for, recorded)
        if agent is None:
            return False
        try:
            line = await asyncio.to_thread(self._lines.line_of, agent)
            await self._client.setvar(update.channel_id, "AGENT", line)
        except (AmiError, AgentLineError) as error:
            log.warning("attempt %s: agent hand-over failed: %s", recorded.attempt_id, error)
            await asyncio.to_thread(self._unassign, recorded.attempt_id, agent)
        return True

    def _reserve_for(self, recorded: RecordedUpdate) -> int | None:
        now = self._clock()
        with session_scope(self._engine) as session:
            agent = presence.reserve_agent(
                session, recorded.campaign_id, now, self._config.worker_id
            )
            if agent is not None:
                attempt = session.get(CallAttempt, recorded.attempt_id)
                if attempt is not None and attempt.result is None and not attempt.agent_user_id:
                    attempt.agent_user_id = agent
                    session.add(attempt)
                    presence.assign_call(session, agent, recorded.attempt_id)
                else:
                    presence.release_agent(session, agent, now)
                    agent = None
            return agent

    def _unassign(self, attempt_id: int, agent: int) -> None:
        with session_scope(self._engine) as session:
            attempt = session.get(CallAttempt, attempt_id)
            if attempt is not None and attempt.connected_at is None:
                attempt.agent_user_id = None
                session.add(attempt)
            presence.release_agent(session, agent, self._clock())


def _assign(session: Session, call: PlacedCall, state: str | None) -> None:
    attempt = session.get(CallAttempt, call.claim.attempt_id)
    if attempt is not None and call.agent_user_id is not None:
        attempt.agent_user_id = call.agent_user_id
        attempt.state = state or attempt.state
        session.add(attempt)
        presence.assign_call(session, call.agent_user_id, call.claim.attempt_id)
