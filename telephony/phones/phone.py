"""A registered SIP line that plays a plan on every incoming call."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType

from telephony.phones.cues import Step
from telephony.phones.records import CallLog, Clock
from telephony.phones.script import outcome, play
from telephony.phones.sip import SipAccount, SipCall, SipLine

log = logging.getLogger(__name__)

PlanChooser = Callable[[SipCall], list[Step]]


class ScriptedPhone:
    """Base of AgentPhone and VirtualPerson: line, stop signal, call log.

    Each call runs in pyVoIP's own per-call thread; ``stop`` wakes every
    waiting plan, then pyVoIP hangs up what is still up and unregisters.
    """

    def __init__(
        self, account: SipAccount, choose_plan: PlanChooser, clock: Clock = time.monotonic
    ) -> None:
        self.account = account
        self.log = CallLog(clock)
        self._choose_plan = choose_plan
        self._stop = threading.Event()
        self._line = SipLine(account, self._handle)

    @property
    def registered(self) -> bool:
        return self._line.registered

    def start(self, timeout_s: float = 10.0) -> None:
        """Register; raises SipLineError if the PBX does not accept us in time."""
        self._stop.clear()
        self._line.start(timeout_s)

    def stop(self) -> None:
        self._stop.set()
        self._line.stop()

    def __enter__(self) -> ScriptedPhone:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _handle(self, call: SipCall) -> None:
        self.log.begin(call.call_id, call.called, call.caller)
        result, heard = "error", False
        try:
            played = play(
                call,
                self._choose_plan(call),
                self._stop,
                on_answered=lambda: self.log.answered(call.call_id),
            )
            result, heard = outcome(played), played.heard_sound
        except Exception:
            # pyVoIP would print this from its Timer thread and drop it;
            # logging keeps the reason next to the test that failed.
            log.exception("%s: call %s failed", self.account.username, call.call_id)
        finally:
            self.log.end(call.call_id, result, heard)
