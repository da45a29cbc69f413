"""The CLI's commands are registered in one place, and its modules import each other one way."""

from __future__ import annotations

import grimp
import typer.main

from dialer.cli.main import app

OPERATOR_COMMANDS = {
    "db", "explain", "feed", "import", "pbx", "audit", "keys", "retention", "rights",
    "serve", "sim-pbx", "fund", "campaign", "user", "wave", "worker", "prestart",
}  # fmt: skip


def test_every_command_is_registered_by_the_main_module() -> None:
    group = typer.main.get_group(app)
    assert set(group.commands) == OPERATOR_COMMANDS


def test_no_command_module_imports_the_app_and_no_cycle() -> None:
    graph = grimp.build_graph("dialer")
    modules = sorted(m for m in graph.modules if m.startswith("dialer.cli."))
    assert not [
        m for m in modules if graph.direct_import_exists(importer=m, imported="dialer.cli.main")
    ]
    cycles = [
        (a, b)
        for a in modules
        for b in modules
        if a < b and graph.chain_exists(a, b) and graph.chain_exists(b, a)
    ]
    assert cycles == []
