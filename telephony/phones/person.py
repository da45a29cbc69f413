"""A person at the end of the line, whose behaviour depends on the number dialled."""

from __future__ import annotations

import time

from telephony.phones.cues import TRANSCRIPT_PEOPLE, Cue, CueBook, Step, plan_for
from telephony.phones.phone import ScriptedPhone
from telephony.phones.records import Clock
from telephony.phones.sip import SipAccount, SipCall


class VirtualPerson(ScriptedPhone):
    """Registers as one SIP user and acts each call's cue out.

    The PBX reaches it with ``PJSIP/<number>@<endpoint>``; the number picks the
    cue in ``cues`` (by default the people of the recorded transcripts).
    """

    def __init__(
        self,
        account: SipAccount,
        cues: CueBook = TRANSCRIPT_PEOPLE,
        clock: Clock = time.monotonic,
    ) -> None:
        self.cues = cues
        super().__init__(account, self._person_plan, clock)

    def cue_for(self, call: SipCall) -> Cue:
        return self.cues.cue_for(call.called)

    def _person_plan(self, call: SipCall) -> list[Step]:
        return plan_for(self.cue_for(call))
