"""An agent's phone: the account's endpoint through DIALER_AGENT_TEMPLATE, nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from dialer.accounts import AccountError, create_user
from dialer.accounts.phones import PhoneEndpointError, checked_endpoint
from dialer.core.db import session_scope
from dialer.engine.calling.agent_lines import AgentLineError, AgentLines
from telephony.ami.frames import AgentTemplate, UnsafeAmiValue

HOSTILE = ["9 01", "901\r\nAction: Hangup", "901&PJSIP/902", "901,30", "PJSIP/901&x", "", "x" * 41]


@pytest.mark.parametrize(
    ("template", "endpoint", "line"),
    [
        ("PJSIP/{agent}", "901", "PJSIP/901"),
        ("Local/{agent}@sim-agents", "901", "Local/901@sim-agents"),
        ("Local/{agent}@agents/n", "alice.b", "Local/alice.b@agents/n"),
        # A whole dial string on the account is taken as it is.
        ("PJSIP/{agent}", "Local/905@sim-agents", "Local/905@sim-agents"),
    ],
)
def test_the_template_builds_the_dial_string(template: str, endpoint: str, line: str) -> None:
    assert AgentTemplate(template).build(endpoint) == line


@pytest.mark.parametrize("endpoint", HOSTILE)
def test_unsafe_endpoints_never_build(endpoint: str) -> None:
    with pytest.raises(UnsafeAmiValue):
        AgentTemplate("PJSIP/{agent}").build(endpoint)


@pytest.mark.parametrize("template", ["PJSIP/901", "PJSIP/{agent}{agent}", "PJSIP/{agent}&x", ""])
def test_a_template_without_one_agent_placeholder_is_refused(template: str) -> None:
    with pytest.raises(UnsafeAmiValue):
        AgentTemplate(template)


@pytest.mark.parametrize("endpoint", [e for e in HOSTILE if e])
def test_an_account_refuses_an_unsafe_endpoint(engine: Engine, endpoint: str) -> None:
    with pytest.raises(PhoneEndpointError, match="Poste téléphonique invalide"):
        checked_endpoint(endpoint)
    with session_scope(engine) as session, pytest.raises(AccountError, match="Poste"):
        create_user(session, "agent9", "Agent Neuf", "agent", "mot de passe 12345", endpoint)


def test_the_line_is_read_from_the_account_when_the_call_is_placed(engine: Engine) -> None:
    with session_scope(engine) as session:
        user = create_user(session, "agent9", "Agent Neuf", "agent", "mot de passe 12345", " 903 ")
        user_id = user.id or 0
        assert user.phone_endpoint == "903"
    lines = AgentLines(engine, AgentTemplate("PJSIP/{agent}"))
    assert lines.line_of(user_id) == "PJSIP/903"
    with session_scope(engine) as session:
        user = session.get(type(user), user_id)
        assert user is not None
        user.phone_endpoint = None
    with pytest.raises(AgentLineError, match="Aucun poste"):
        lines.line_of(user_id)
