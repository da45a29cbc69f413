"""The ``dialer`` command speaks French: every help page and every argument error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer.main
from typer.testing import CliRunner

from dialer.cli.main import app
from dialer.cli.typer_fr import ARGUMENT_FR

runner = CliRunner()

# Typer's and Click's own English, as it appears when nothing translates it.
ENGLISH = re.compile(
    r"Usage:|Show this message|\bCommands\b|\bError\b|Try '|Invalid value|Missing (argument|option|"
    r"parameter|command)|No such|Got unexpected|is not one of|does not exist|Input should|Aborted|"
    r"default:|\[required\]|completion for|\bCOMMAND\b|<(str|int|bool|path|file|float)>|"
    r"requires an? |Choose from|Possible options|does not take|env var|\brange\b"
)


def _commands(group: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in getattr(group, "commands", {}).items():
        found += _commands(command, (*path, name))
    return found


EVERY_COMMAND = _commands(typer.main.get_command(app))


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), prog_name="dialer")
    return result.exit_code, result.output


def test_the_walk_covers_the_whole_command_line() -> None:
    assert ("wave", "start") in EVERY_COMMAND and ("fund", "list") in EVERY_COMMAND
    assert len(EVERY_COMMAND) > 30


@pytest.mark.parametrize("path", EVERY_COMMAND, ids=lambda path: " ".join(path) or "dialer")
def test_every_help_page_is_in_french(path: tuple[str, ...]) -> None:
    code, output = _run(*path, "--help")
    assert code == 0, output
    assert "Utilisation : dialer" in output
    assert not ENGLISH.search(output), output


@pytest.mark.parametrize(
    ("args", "french"),
    [
        (["fund", "add"], "Argument manquant : « code »."),
        (["fund", "add", "A", "B", "--territory", "mars"], "Valeurs connues : metro, corse"),
        (["fund", "add", "A", "B", "C", "D"], "Argument(s) en trop : C D."),
        (["fund", "add", "--bogus"], "Option inconnue : --bogus."),
        (["import", "C1", "/nulle/part.csv"], "le fichier « /nulle/part.csv » n'existe pas."),
        (["wave", "start", "C1", "deux"], "un nombre entier est attendu."),
        (["wave", "schedule", "C1", "--start"], "L'option --start attend une valeur."),
        (["wave", "schedule", "C1", "--end", "x"], "Option manquante : « --start »."),
        (["nulle-part"], "Commande inconnue : nulle-part."),
        (["user", "add", "a", "b", "--role"], "L'option --role attend une valeur."),
        (["serve", "--port", "x"], "Valeur invalide pour « --port » : un nombre entier"),
    ],
)
def test_argument_errors_are_in_french(args: list[str], french: str) -> None:
    code, output = _run(*args)
    assert code == 2, output
    flat = " ".join(output.replace("│", " ").split())
    assert french in flat
    assert "Erreur" in flat and not ENGLISH.search(output), output


def test_every_argument_has_a_french_name() -> None:
    """A new positional argument needs its French name in ARGUMENT_FR (usage line, errors)."""
    missing = set()
    for path in EVERY_COMMAND:
        command = typer.main.get_command(app)
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        for param in command.params:
            unnamed = param.param_type_name == "argument" and param.metavar is None
            if unnamed and param.name not in ARGUMENT_FR:
                missing.add(param.name)
    assert missing == set()


def test_the_installed_command_prints_french_in_a_real_process(tmp_path: Path) -> None:
    """The console script itself, not only the Typer app under CliRunner."""
    dialer = Path(sys.executable).parent / "dialer"
    env = {**os.environ, "DIALER_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    result = subprocess.run(
        [str(dialer), "import", "C1", str(tmp_path / "absent.csv")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Valeur invalide pour « fichier »" in result.stderr
    assert not ENGLISH.search(result.stdout + result.stderr), result.stderr


def test_the_password_prompt_speaks_french_to_the_end(cli_key_file: Path) -> None:
    result = runner.invoke(
        app, ["user", "add", "agent9", "Agent Neuf", "--role", "agent"],
        input="Premier-mot-de-passe-1\nAutre-mot-de-passe-2\n", prog_name="dialer",
    )  # fmt: skip
    assert result.exit_code == 1  # the input ran out: aborted
    assert "Le même mot de passe, pour vérifier" in result.output
    assert "Erreur : les deux saisies diffèrent." in result.output
    assert "Abandon." in result.output
    assert not ENGLISH.search(result.output), result.output
