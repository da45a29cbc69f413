"""The simulator authenticates as Asterisk's manager.c does, and records how."""

from __future__ import annotations

from telephony.sim import PbxSimulator

from .rawclient import RawClient, md5_key


async def _challenge(raw: RawClient, auth_type: str) -> str:
    raw.send("Action: Challenge", "ActionID: c", f"AuthType: {auth_type}")
    return (await raw.response("c")).get("Challenge") or ""


async def test_a_plain_login_is_recorded_as_plain(sim: PbxSimulator) -> None:
    raw = await RawClient.connect(sim.port)
    answer = await raw.login()
    await raw.close()
    assert answer.get("Message") == "Authentication accepted"
    assert sim.logins == ["plain"]


async def test_a_challenged_md5_login_is_recorded_as_md5(sim: PbxSimulator) -> None:
    raw = await RawClient.connect(sim.port)
    key = md5_key(await _challenge(raw, "MD5"), "dialer-secret")
    raw.send("Action: Login", "ActionID: l", "Username: dialer", "AuthType: MD5", f"Key: {key}")
    answer = await raw.response("l")
    await raw.close()
    assert answer.get("Message") == "Authentication accepted"
    assert sim.logins == ["md5"]


async def test_a_key_without_authtype_md5_is_refused(sim: PbxSimulator) -> None:
    raw = await RawClient.connect(sim.port)
    key = md5_key(await _challenge(raw, "MD5"), "dialer-secret")
    raw.send("Action: Login", "ActionID: l", "Username: dialer", f"Key: {key}")
    answer = await raw.response("l")
    await raw.close()
    assert answer.get("Message") == "Authentication failed"
    assert sim.logins == []


async def test_a_challenge_other_than_md5_is_refused(sim: PbxSimulator) -> None:
    raw = await RawClient.connect(sim.port)
    raw.send("Action: Challenge", "ActionID: c", "AuthType: plain")
    answer = await raw.response("c")
    await raw.close()
    assert (answer.get("Response"), answer.get("Message")) == ("Error", "Must specify AuthType")
