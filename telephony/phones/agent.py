"""An agent's phone that auto-answers, as agents' phones do behind the dialer."""

from __future__ import annotations

import time

from telephony.phones.cues import Step, StepKind
from telephony.phones.phone import ScriptedPhone
from telephony.phones.records import CallRecord, Clock
from telephony.phones.sip import SipAccount, SipCall

# An agent call lasts as long as the person stays; the cap only frees the
# line when a PBX never sends BYE.
DEFAULT_MAX_CALL_S = 3600.0


class AgentPhone(ScriptedPhone):
    """Answers every call at once, says a short hello and keeps the call until the far end
    hangs up; what it heard meanwhile tells that the bridge carried the person's voice."""

    def __init__(
        self,
        account: SipAccount,
        max_call_s: float = DEFAULT_MAX_CALL_S,
        clock: Clock = time.monotonic,
    ) -> None:
        self._plan = [
            Step(StepKind.ANSWER),
            Step(StepKind.SAY_HELLO),
            Step(StepKind.LISTEN, max_call_s),
            Step(StepKind.HANGUP),
        ]
        super().__init__(account, self._agent_plan, clock)

    def _agent_plan(self, call: SipCall) -> list[Step]:
        return list(self._plan)

    @property
    def call_count(self) -> int:
        """Calls answered and finished."""
        return len(self.answered_calls())

    def answered_calls(self) -> list[CallRecord]:
        return [r for r in self.log.ended() if r.answered_at is not None]

    def durations(self) -> list[float]:
        return [r.duration_s for r in self.answered_calls()]
