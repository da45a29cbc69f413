"""Walk what the ``dialer`` command prints for a person: every ``--help`` and the lists.

No internal code, no ISO or UTC time, every label from ``dialer.wording``; the values a
person must type (a role, a territory) may appear, each beside its French name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer
from sqlalchemy.engine import Engine
from typer.core import TyperGroup
from typer.testing import CliRunner

from dialer.accounts.roles import ROLE_LABELS_FR
from dialer.campaigns.setup import create_campaign, create_fund
from dialer.campaigns.waves import schedule_wave
from dialer.cli.main import app
from dialer.contacts.territories import Territory
from dialer.core.db import session_scope
from dialer.wording import Kind, choices
from tests.dialer.wording.scan import leaks

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), prog_name="dialer", terminal_width=100)
    assert result.exit_code == 0, (args, result.output)
    return result.output


def _plain(text: str) -> str:
    """The words of a help screen, without rich's frames and line breaks."""
    return " ".join(text.translate({ord(c): " " for c in "│╭╮╰╯─"}).split())


def _typed_values_named(text: str) -> str:
    """The text without the codes a person types where each stands beside its French name."""
    for kind in Kind:
        for code, name in choices(kind).items():
            text = text.replace(f"{code} ({name})", name)
    return text


def _commands(group: TyperGroup, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        yield (*path, name)
        if isinstance(command, TyperGroup):
            yield from _commands(command, (*path, name))


def _setup(engine: Engine) -> None:
    start = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=1)
    with session_scope(engine) as session:
        fund = create_fund(session, "CPAM75", "CPAM de Paris", Territory.METRO)
        campaign = create_campaign(
            session, "GRIPPE-75", "Grippe 2026", "flu_vaccination", fund, "01 62 00 00 00"
        )
        campaign_id = campaign.id or 0
    with session_scope(engine) as session:
        schedule_wave(
            session, campaign_id, "Vague d'automne", start, start + timedelta(hours=8),
            "all", {}, {}, "progressive",
        )  # fmt: skip


def _outputs() -> Iterator[tuple[str, str]]:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    yield "dialer --help", _run("--help")
    for path in _commands(group):
        yield f"dialer {' '.join(path)} --help", _run(*path, "--help")
    for args in (
        ("fund", "list"), ("fund", "show", "CPAM75"), ("campaign", "list"),
        ("campaign", "show", "GRIPPE-75"), ("wave", "list", "GRIPPE-75"),
    ):  # fmt: skip
        yield f"dialer {' '.join(args)}", _run(*args)


def test_no_internal_code_or_utc_time_reaches_a_cli_reader(
    engine: Engine, cli_key_file: Path
) -> None:
    _setup(engine)
    outputs = dict(_outputs())
    assert len(outputs) > 20  # every command's help, not only the top one
    found = {name: leaks(_typed_values_named(_plain(text))) for name, text in outputs.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}
    assert "Brouillon" in _plain(outputs["dialer campaign list"])
    shown = _plain(outputs["dialer campaign show GRIPPE-75"])
    assert "État : Brouillon" in shown and "programmée" in shown


def test_the_role_help_names_every_role_with_its_page_name() -> None:
    shown = _plain(_run("user", "add", "--help"))
    for role, name in ROLE_LABELS_FR.items():
        assert f"{role.value} ({name})" in shown
