"""Connection, login, timeouts and the never-re-send rule, over real TCP."""

from __future__ import annotations

import asyncio
import logging
import random

import pytest

from telephony.ami import (
    AmiClient,
    AmiEndpoint,
    AmiLoginError,
    AmiNotConnected,
    AmiTimeout,
    DialTemplate,
    OriginateRequest,
    OriginateUncertain,
)
from telephony.ami.connection import backoff_delay, md5_key
from telephony.results import CallResult
from telephony.transcripts import load_all
from tests.telephony.ami.helpers import Recorder, eventually, fast_settings
from tests.telephony.ami.scripted import ScriptedAmi

TRANSCRIPTS = load_all()
TRUNK = DialTemplate("PJSIP/{e164}@trunk")


def request(attempt: str) -> OriginateRequest:
    return OriginateRequest(attempt, "+33611000001", TRUNK, '"Assurance Maladie" <0162000000>')


@pytest.mark.parametrize("name", ["01-login-md5", "04-actions", "30-burst-20-originates"])
def test_md5_key_matches_the_recorded_login(name: str) -> None:
    received = TRANSCRIPTS[name].received()
    challenge = next(m.get("Challenge") for m in received if m.get("Challenge"))
    login = next(m for m in TRANSCRIPTS[name].sent() if m.get("Action") == "Login")
    assert md5_key(challenge or "", "dialer-secret") == login.get("Key")


@pytest.mark.parametrize("auth", ["md5", "plain"])
async def test_login_then_ping(scripted: ScriptedAmi, auth: str) -> None:
    client = AmiClient(fast_settings(scripted.port, auth), Recorder())
    await client.start(timeout_s=5)
    try:
        assert await client.ping()
        login = scripted.actions("Login")[0]
        if auth == "md5":
            assert "Secret" not in login and login["Key"] == md5_key("201460134", "dialer-secret")
        else:
            assert login["Secret"] == "dialer-secret" and not scripted.actions("Challenge")
        assert scripted.actions("CoreShowChannels"), "every login reconciles"
    finally:
        await client.close()


async def test_refused_login_raises(scripted: ScriptedAmi) -> None:
    client = AmiClient(fast_settings(scripted.port, secret="wrong"), Recorder())
    with pytest.raises(AmiLoginError, match="Authentication failed"):
        await client.start(timeout_s=5)
    assert not client.connected


async def test_start_gives_up_when_no_pbx_listens() -> None:
    client = AmiClient(fast_settings(1), Recorder())
    with pytest.raises(TimeoutError):
        await client.start(timeout_s=0.3)
    assert not client.connected


async def test_lost_response_times_out_instead_of_hanging(scripted: ScriptedAmi) -> None:
    client = AmiClient(fast_settings(scripted.port, action_timeout_s=0.3), Recorder())
    await client.start(timeout_s=5)
    scripted.swallow.add("Getvar")
    try:
        with pytest.raises(AmiTimeout):
            await client.getvar("dialer-x", "ATTEMPT_ID")
        assert await client.ping(), "the connection survives one lost response"
    finally:
        await client.close()


async def test_unanswered_keepalive_reconnects(scripted: ScriptedAmi) -> None:
    client = AmiClient(fast_settings(scripted.port, action_timeout_s=0.3), Recorder())
    await client.start(timeout_s=5)
    scripted.swallow.add("Ping")
    try:
        await eventually(lambda: scripted.connections >= 2)
        scripted.swallow.clear()
        await eventually(lambda: client.connected)
        assert await client.ping()
    finally:
        await client.close()


async def test_originate_pending_at_disconnect_fails_and_is_never_resent(
    scripted: ScriptedAmi,
) -> None:
    recorder = Recorder()
    client = AmiClient(fast_settings(scripted.port), recorder)
    await client.start(timeout_s=5)
    scripted.close_on.add("Originate")
    try:
        with pytest.raises(OriginateUncertain):
            await client.originate(request("r1"))
        scripted.close_on.clear()
        await eventually(lambda: scripted.connections >= 2 and client.connected)
        await eventually(lambda: bool(recorder.finals()))
        assert await client.ping()
        assert len(scripted.actions("Originate")) == 1
        assert recorder.finals() == {"r1": str(CallResult.ENDED_WHILE_DISCONNECTED)}
    finally:
        await client.close()


async def test_call_still_alive_after_reconnect_keeps_being_tracked(scripted: ScriptedAmi) -> None:
    recorder = Recorder()
    client = AmiClient(fast_settings(scripted.port), recorder)
    await client.start(timeout_s=5)
    try:
        await client.originate(request("r2"))
        scripted.live_uniqueids = ["dialer-r2"]
        scripted.drop_connections()
        await eventually(lambda: scripted.connections >= 2 and client.connected)
        await eventually(lambda: len(scripted.actions("CoreShowChannels")) >= 2)
        await asyncio.sleep(0.05)
        assert client.tracker.get("dialer-r2") is not None
        assert recorder.finals() == {}
    finally:
        await client.close()


async def test_call_whose_answer_was_lost_in_a_reconnect_ends_on_its_hangup(
    scripted: ScriptedAmi,
) -> None:
    recorder = Recorder()
    client = AmiClient(fast_settings(scripted.port, action_timeout_s=30.0), recorder)
    await client.start(timeout_s=5)
    try:
        await client.originate(request("r5"))
        scripted.live_uniqueids = ["dialer-r5"]
        scripted.drop_connections()
        await eventually(lambda: scripted.connections >= 2 and client.connected)
        await eventually(lambda: len(scripted.actions("CoreShowChannels")) >= 1)
        await asyncio.sleep(0.05)
        assert recorder.finals() == {}
        # No OriginateResponse ever comes: it was said while we were away.
        scripted.emit("Event: Hangup", "Uniqueid: dialer-r5", "Linkedid: dialer-r5", "Cause: 16")
        await eventually(lambda: "r5" in recorder.finals(), within_s=5)
        assert len(client.tracker) == 0
    finally:
        await client.close()


async def test_hung_up_call_missing_its_response_is_closed_after_the_action_timeout(
    scripted: ScriptedAmi,
) -> None:
    recorder = Recorder()
    client = AmiClient(fast_settings(scripted.port, action_timeout_s=0.3), recorder)
    await client.start(timeout_s=5)
    try:
        await client.originate(request("r6"))
        scripted.emit("Event: Newchannel", "Uniqueid: dialer-r6", "Linkedid: dialer-r6")
        scripted.emit("Event: Hangup", "Uniqueid: dialer-r6", "Linkedid: dialer-r6", "Cause: 17")
        await asyncio.sleep(0.1)
        assert recorder.finals() == {}, "the response may still be on its way"
        await eventually(lambda: "r6" in recorder.finals(), within_s=5)
        assert recorder.finals() == {"r6": str(CallResult.BUSY)}
        assert [u.attempt_id for u in recorder.updates if u.result is not None] == ["r6"]
    finally:
        await client.close()


async def test_originate_without_connection_sends_and_tracks_nothing() -> None:
    client = AmiClient(fast_settings(1), Recorder())
    with pytest.raises(AmiNotConnected):
        await client.originate(request("r3"))
    assert len(client.tracker) == 0


def test_backoff_grows_is_capped_and_jittered() -> None:
    settings = fast_settings(1)
    rand = random.Random(7)
    delays = [backoff_delay(n, settings, rand) for n in range(12)]
    assert all(0 < d <= settings.backoff_max_s for d in delays)
    assert delays[0] <= settings.backoff_initial_s
    assert max(delays[8:]) > settings.backoff_initial_s * 2
    assert len({round(d, 9) for d in delays[6:]}) > 1, "jitter spreads the capped delays"


def test_endpoint_parsing() -> None:
    e = AmiEndpoint.parse("ami://dialer:s%40cret@pbx.example:5039")
    assert (e.host, e.port, e.username, e.secret, e.auth) == (
        "pbx.example",
        5039,
        "dialer",
        "s@cret",
        "md5",
    )
    assert AmiEndpoint.parse("ami://u:p@h?auth=plain").port == 5038
    assert "s@cret" not in repr(e) and "s@cret" not in str(e)
    for bad in [
        "http://u:p@h",
        "ami://h:5038",
        "ami://u:p%0D%0AAction:%20Command@h",
        "ami://u:p@h?auth=x",
    ]:
        with pytest.raises(ValueError):
            AmiEndpoint.parse(bad)


async def test_originate_lost_by_a_live_pbx_is_closed_as_failed(scripted: ScriptedAmi) -> None:
    recorder = Recorder()
    client = AmiClient(fast_settings(scripted.port, action_timeout_s=0.3), recorder)
    await client.start(timeout_s=5)
    scripted.swallow.add("Originate")
    try:
        req = OriginateRequest("r4", "+33611000001", TRUNK, "Dialer <0162000000>", timeout_ms=100)
        with pytest.raises(OriginateUncertain):
            await client.originate(req)
        assert client.tracker.get("dialer-r4") is not None, "still tracked: it may be ringing"
        await eventually(lambda: bool(recorder.finals()))
        assert recorder.finals() == {"r4": str(CallResult.FAILED)}
        assert len(scripted.actions("Originate")) == 1
    finally:
        await client.close()


async def test_closing_fails_pending_actions_and_queues_none_for_resending() -> None:
    from telephony.ami.connection import AmiConnection, _Manager
    from telephony.ami.errors import AmiDisconnected
    from telephony.ami.protocol import SafeAmiProtocol, make_action

    class Sink:
        def write(self, data: bytes) -> None:
            pass

        def close(self) -> None:
            pass

    connection = AmiConnection(fast_settings(1), on_event=lambda e: None)
    manager = _Manager(connection)
    proto = SafeAmiProtocol()
    proto.connection_made(Sink())
    proto.factory = manager
    future = proto.send(
        make_action({"Action": "Originate", "Channel": "PJSIP/+33611000001@x"}, False)
    )
    proto.connection_lost(None)
    with pytest.raises(AmiDisconnected):
        await future
    assert not manager.awaiting_actions and not proto.responses


async def test_closing_on_purpose_logs_no_warning(
    scripted: ScriptedAmi, caplog: pytest.LogCaptureFixture
) -> None:
    client = AmiClient(fast_settings(scripted.port), Recorder())
    await client.start(timeout_s=5)
    with caplog.at_level("DEBUG", logger="telephony.ami.connection"):
        await client.close()
        await asyncio.sleep(0.05)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [], [r.getMessage() for r in warnings]


async def test_a_real_loss_logs_once_with_its_reason(
    scripted: ScriptedAmi, caplog: pytest.LogCaptureFixture
) -> None:
    client = AmiClient(fast_settings(scripted.port), Recorder())
    await client.start(timeout_s=5)
    try:
        with caplog.at_level("WARNING", logger="telephony.ami.connection"):
            scripted.drop_connections()
            await eventually(lambda: scripted.connections >= 2 and client.connected)
        lost = [r.getMessage() for r in caplog.records if "lost" in r.getMessage()]
        assert lost == [
            f"AMI connection to {client.connection.settings.endpoint} lost: closed by the PBX"
        ]
    finally:
        await client.close()
