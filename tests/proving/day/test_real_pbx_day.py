"""The whole service against a real Asterisk 22 with the project's own asterisk/ files.

Skipped unless DIALER_TEST_AMI_URL and DIALER_TEST_SIP_SERVER name a test PBX (see
asterisk/README.md, section 4). A short day runs in real time: agents sign in to the
desk over HTTP and click « Disponible »; their phones are pyVoIP phones registered as
the endpoints 901 and 902 of pjsip.conf, which the PBX rings through
DIALER_AGENT_TEMPLATE=PJSIP/{agent}; the people are a pyVoIP VirtualPerson reached as
PJSIP/{e164}@test-person, who says hello and listens. Each bridged call must pop
the agent's screen, carry both voices, get its outcome, and leave no channel open.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from proving.day.options import DayOptions, RealPbx
from proving.day.run import run_day
from telephony.phones import Cue, CueBook, CueKind, SipAccount, VirtualPerson, parse_server
from tests.telephony.phones.real_pbx import AMI_URL, SIP_LOCAL_IP, SIP_SERVER, free_udp_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (AMI_URL and SIP_SERVER),
        reason="needs a real Asterisk: set DIALER_TEST_AMI_URL and DIALER_TEST_SIP_SERVER",
    ),
]


@pytest.fixture(scope="module")
def person() -> Iterator[VirtualPerson]:
    host, port = parse_server(SIP_SERVER)
    password = os.environ.get("DIALER_TEST_PERSON_PASSWORD", "test-person-secret")
    account = SipAccount(host, port, "test-person", password, SIP_LOCAL_IP, free_udp_port(),
                         33000, 33099)  # fmt: skip
    # Everybody answers and speaks again once the agent is on the line.
    phone = VirtualPerson(account, CueBook({}, Cue(CueKind.CONVERSE, talk_s=15)))
    phone.start(timeout_s=10)
    yield phone
    phone.stop()


@pytest.mark.parametrize("pacing", ["progressive", "predictive"])
def test_answered_people_reach_agents_on_the_real_pbx(
    person: VirtualPerson, pacing: str, tmp_path: Path
) -> None:
    before = len(person.log.ended())
    pbx = RealPbx(AMI_URL, "PJSIP/{e164}@test-person", sip_server=SIP_SERVER,
                  phone_password=os.environ.get("DIALER_TEST_DESK_PHONE_PASSWORD",
                                                "CHANGE-ME-agent-{agent}"))  # fmt: skip
    # Three real minutes from 15:00 Paris: every territory's window is open then.
    options = DayOptions(agents=2, people=8, seed=5, hours=0.05, start_hour=15, time_factor=1.0,
                         work_dir=tmp_path, pacing=pacing, pbx=pbx, bad_ratio=0.0,
                         opt_out_ratio=0.0)  # fmt: skip
    result = asyncio.run(run_day(options))
    assert result.ok, result.breaches or result.check_error or result.tally.failures
    after = result.real_pbx
    assert after is not None and after.channels_left == 0
    summary = result.summary
    assert summary.calls >= 2 and summary.people_reached >= 2
    # Every bridged call popped a screen and got its outcome; the agents' phones heard
    # the person and the person heard the agent: the bridge carries audio both ways.
    assert result.tally.pops >= 2 and result.tally.recorded == result.tally.pops
    assert after.agent_calls >= 2 and after.heard_person == after.agent_calls
    heard_agent = [r.heard_sound for r in person.log.ended()[before:] if r.answered_at]
    assert len(heard_agent) >= 2 and all(heard_agent)
