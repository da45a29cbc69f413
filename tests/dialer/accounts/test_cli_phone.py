"""``dialer user add --poste`` and ``dialer user edit``, and a bad agent template at start-up."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from dialer.accounts.models import User
from dialer.cli.context import runtime
from dialer.cli.main import app

runner = CliRunner()
PASSWORD = "un mot de passe sûr"


def _run(*args: str, code: int = 0, stdin: str = "") -> str:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def _phone(engine: Engine, username: str) -> str | None:
    with Session(engine) as session:
        return session.exec(select(User).where(User.username == username)).one().phone_endpoint


def test_an_agent_is_created_with_its_phone_and_edited(cli: Engine) -> None:
    out = _run("user", "add", "agent7", "Agent Sept", "--role", "agent", "--poste", "907",
               stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert "poste 907" in out
    assert _phone(cli, "agent7") == "907"
    assert "poste PJSIP/907" in _run("user", "edit", "agent7", "--poste", "PJSIP/907")
    assert _phone(cli, "agent7") == "PJSIP/907"


@pytest.mark.parametrize("bad", ["9 07", "907&PJSIP/908", "907,30", "PJSIP/907\r\nAction: X"])
def test_an_unsafe_phone_is_refused_and_nothing_changes(cli: Engine, bad: str) -> None:
    _run("user", "add", "agent8", "Agent Huit", "--role", "agent", "--poste", "908",
         stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    out = _run("user", "edit", "agent8", "--poste", bad, code=1)
    assert "Poste téléphonique invalide" in out
    assert _phone(cli, "agent8") == "908"


def test_an_agent_template_without_its_placeholder_stops_start_up(
    cli: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIALER_AGENT_TEMPLATE", "PJSIP/901")
    runtime.cache_clear()
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 2
    assert "Réglage invalide DIALER_AGENT_TEMPLATE" in " ".join(result.output.split())
    assert "{agent}" in result.output
    monkeypatch.delenv("DIALER_AGENT_TEMPLATE")
    runtime.cache_clear()


def test_the_password_is_never_taken_from_the_command_line(cli: Engine) -> None:
    refused = runner.invoke(
        app, ["user", "add", "agent9", "Agent Neuf", "--role", "agent", "--password", PASSWORD]
    )
    assert refused.exit_code == 2
    with Session(cli) as session:
        assert session.exec(select(User).where(User.username == "agent9")).first() is None
    out = _run("user", "add", "agent9", "Agent Neuf", "--role", "agent", "--password-stdin",
               stdin=f"{PASSWORD}\n")  # fmt: skip
    assert "Compte agent9 créé" in out


def test_a_mistyped_confirmation_is_asked_again(cli: Engine) -> None:
    out = _run("user", "add", "agent10", "Agent Dix", "--role", "agent",
               stdin=f"{PASSWORD}\nautre-chose\n{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert "Compte agent10 créé" in out
