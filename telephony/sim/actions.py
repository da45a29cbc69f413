"""What the PBX answers to each AMI action, as the recordings show."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable

from telephony.sim import control, hangups, lists, spy
from telephony.sim import events as ev
from telephony.sim.call import Call
from telephony.sim.channels import Channel
from telephony.sim.config import LoginKind
from telephony.sim.replies import response
from telephony.sim.session import Connection

Headers = list[tuple[str, str]]
Handler = Callable[[Connection, dict[str, str], Headers], Awaitable[None]]

# Actions Asterisk knows but this user's write mask (no system/command/config) forbids.
# res_pjsip's actions need the system class: asking the trunk's state is refused
# (file 55), so the dialer must learn of a dead trunk from its calls' causes.
FORBIDDEN = {
    "command", "reload", "moduleload", "modulecheck", "getconfig", "getconfigjson",
    "updateconfig", "createconfig", "showdialplan", "corerestart", "restart", "shutdown",
    "pjsipshowendpoint", "pjsipshowendpoints", "pjsipqualify", "pjsipshowcontacts",
    "pjsipshowaors", "pjsipshowauths", "pjsipshowregistrationsinbound",
    "pjsipshowregistrationsoutbound", "pjsipregister", "pjsipunregister",
}  # fmt: skip


async def challenge(conn: Connection, h: dict[str, str], _: Headers) -> None:
    if h.get("authtype", "").lower() != "md5":
        # Asterisk knows only MD5 challenges and says so.
        conn.send(response("Error", h.get("actionid"), ("Message", "Must specify AuthType")))
        return
    conn.challenge = str(secrets.randbelow(900_000_000) + 100_000_000)
    conn.send(response("Success", h.get("actionid"), ("Challenge", conn.challenge)))


async def login(conn: Connection, h: dict[str, str], _: Headers) -> None:
    cfg = conn.sim.config
    kind = login_kind(h)
    ok = kind is not None and _secret_matches(conn, h, kind, cfg.secret)
    ok = ok and h.get("username") == cfg.username and not conn.sim.faults.refuse_login
    if ok and kind is not None:
        conn.logged_in = True
        conn.sim.logins.append(kind)
        conn.send(response("Success", h.get("actionid"), ("Message", "Authentication accepted")))
        return
    # Asterisk makes a wrong password wait a second, against guessing.
    await conn.sim.core.sleep(1.0)
    conn.send(response("Error", h.get("actionid"), ("Message", "Authentication failed")))
    conn.close()


def login_kind(h: dict[str, str]) -> LoginKind | None:
    """As Asterisk reads a Login: a Key counts only with ``AuthType: MD5``, else the Secret."""
    if h.get("authtype", "").lower() == "md5":
        return "md5" if "key" in h else None
    return "plain" if "secret" in h else None


def _secret_matches(conn: Connection, h: dict[str, str], kind: LoginKind, secret: str) -> bool:
    if kind == "plain":
        return h.get("secret") == secret
    expected = hashlib.md5((conn.challenge + secret).encode(), usedforsecurity=False)
    return bool(conn.challenge) and h["key"].lower() == expected.hexdigest()


async def logoff(conn: Connection, h: dict[str, str], _: Headers) -> None:
    conn.send(response("Goodbye", h.get("actionid"), ("Message", "Thanks for all the fish.")))
    conn.close()


async def ping(conn: Connection, h: dict[str, str], _: Headers) -> None:
    stamp = f"{time.time():.6f}"
    conn.send(response("Success", h.get("actionid"), ("Ping", "Pong"), ("Timestamp", stamp)))


async def events(conn: Connection, h: dict[str, str], _: Headers) -> None:
    conn.events_on = h.get("eventmask", "on").lower() not in ("off", "none")
    state = "On" if conn.events_on else "Off"
    conn.send(response("Success", h.get("actionid"), ("Events", state)))


def _channel_or_error(conn: Connection, h: dict[str, str]) -> Channel | None:
    ch = conn.sim.core.find(h.get("channel", ""))
    if ch is None:
        conn.send(response("Error", h.get("actionid"), ("Message", "No such channel")))
    return ch


async def getvar(conn: Connection, h: dict[str, str], _: Headers) -> None:
    name = h.get("variable", "")
    value = ""
    if h.get("channel"):
        ch = _channel_or_error(conn, h)
        if ch is None:
            return
        value = ch.variables.get(name, "")
    conn.send(response("Success", h.get("actionid"), ("Variable", name), ("Value", value)))


async def setvar(conn: Connection, h: dict[str, str], _: Headers) -> None:
    name, value = h.get("variable", ""), h.get("value", "")
    ch = None
    if h.get("channel"):
        ch = _channel_or_error(conn, h)
        if ch is None:
            return
    conn.send(response("Success", h.get("actionid"), ("Message", "Variable Set")))
    if ch is not None:
        conn.sim.core.emit(ev.varset(ch, name, value))
        call = conn.sim.call_of(ch)
        if call is not None and name == "AGENT":
            call.agent_changed()


async def hangup(conn: Connection, h: dict[str, str], _: Headers) -> None:
    ch = _channel_or_error(conn, h)
    if ch is None:
        return
    conn.send(response("Success", h.get("actionid"), ("Message", "Channel Hungup")))
    if control.agent_leaves_consultation(conn, ch):
        return
    call = conn.sim.call_of(ch)
    if isinstance(call, Call) and any(ch is leg for leg in (call.agent1, call.agent2)):
        hangups.agent_hangs_up(call)
        if call.finished:
            call.wake()  # the call's task ends with it
    elif call is not None:
        call.request_hangup()


async def status(conn: Connection, h: dict[str, str], _: Headers) -> None:
    action_id = h.get("actionid")
    channels = conn.sim.core.live_channels()
    if h.get("channel"):
        only = _channel_or_error(conn, h)
        if only is None:
            return
        channels = [only]
    frames = [lists.list_start(action_id, "Channel status will follow")]
    for ch in channels:
        seconds, bridge = conn.sim.channel_age_and_bridge(ch)
        frames.append(lists.status_item(ch, action_id, seconds, bridge))
    frames.append(lists.list_complete("StatusComplete", action_id, len(channels), items=True))
    conn.send("".join(frames))


async def core_show_channels(conn: Connection, h: dict[str, str], _: Headers) -> None:
    action_id = h.get("actionid")
    channels = conn.sim.core.live_channels()
    frames = [lists.list_start(action_id, "Channels will follow")]
    for ch in channels:
        seconds, bridge = conn.sim.channel_age_and_bridge(ch)
        frames.append(lists.core_show_channel(ch, action_id, seconds, bridge))
    frames.append(lists.list_complete("CoreShowChannelsComplete", action_id, len(channels)))
    conn.send("".join(frames))


async def originate(conn: Connection, h: dict[str, str], headers: Headers) -> None:
    action_id = h.get("actionid")
    problem = _originate_problem(h.get("channel", ""))
    if problem:
        conn.send(response("Error", action_id, ("Message", problem)))
        return
    conn.send(response("Success", action_id, ("Message", "Originate successfully queued")))
    if h.get("application"):
        # An application instead of a dialplan: the supervisor's phone into ChanSpy.
        spy.originate_application(conn, h)
        return
    conn.sim.originate(headers, h.get("actionid", ""))


def _originate_problem(channel: str) -> str:
    """Asterisk's own words for an Originate it cannot even queue."""
    if not channel:
        return "Channel not specified"
    tech, _, rest = channel.partition("/")
    if not rest or tech.upper() not in ("LOCAL", "PJSIP"):
        return "Invalid channel"
    return ""


async def core_settings(conn: Connection, h: dict[str, str], _: Headers) -> None:
    # Not in the recordings: the fields follow Asterisk 22's manager.c action_coresettings.
    conn.send(
        response(
            "Success",
            h.get("actionid"),
            ("AMIversion", "11.0.0"),
            ("AsteriskVersion", "22.10.1"),
            ("SystemName", ""),
            ("CoreMaxCalls", "0"),
            ("CoreMaxLoadAvg", "0.000000"),
            ("CoreRunUser", ""),
            ("CoreRunGroup", ""),
            ("CoreMaxFilehandles", "0"),
            ("CoreRealTimeEnabled", "No"),
            ("CoreCDRenabled", "No"),
            ("CoreHTTPenabled", "No"),
            ("SoundsSearchCustomDir", "No"),
        )
    )


HANDLERS: dict[str, Handler] = {
    "coresettings": core_settings,
    "challenge": challenge,
    "login": login,
    "logoff": logoff,
    "ping": ping,
    "events": events,
    "getvar": getvar,
    "setvar": setvar,
    "hangup": hangup,
    "status": status,
    "coreshowchannels": core_show_channels,
    "originate": originate,
    "redirect": control.redirect,
    "bridge": control.bridge,
    "blindtransfer": control.blind_transfer,
    "atxfer": control.atxfer,
    "cancelatxfer": control.cancel_atxfer,
}
BEFORE_LOGIN = {"challenge", "login", "logoff"}
LIST_COMMANDS_HINT = "Use Action: ListCommands to show available commands."


async def dispatch(conn: Connection, headers: Headers) -> None:
    h = {k.lower(): v for k, v in headers}
    action_id = h.get("actionid")
    action = h.get("action")
    if not action:
        conn.send(response("Error", action_id, ("Message", "Missing action in request")))
        return
    key = action.lower()
    if key not in BEFORE_LOGIN and not conn.logged_in or key in FORBIDDEN:
        conn.send(response("Error", action_id, ("Message", "Permission denied")))
        return
    handler = HANDLERS.get(key)
    if handler is None:
        text = f"Invalid/unknown command: {action}. {LIST_COMMANDS_HINT}"
        conn.send(response("Error", action_id, ("Message", text)))
        return
    if key in {name.lower() for name in conn.sim.faults.error_actions}:
        conn.send(response("Error", action_id, ("Message", f"{action} failed")))
        return
    await handler(conn, h, headers)
