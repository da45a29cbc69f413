"""Typer's own words in French: help boilerplate, argument names and argument errors.

Typer (0.2x) carries its own copy of Click whose messages are plain English f-strings,
not gettext calls, so there is no catalogue to install. ``install()`` wraps the few
places where those words reach a reader instead: the help panels' titles, the usage
line, the type column, the parameters' help, the argument names, and the text of every
usage error just before it is printed. ``tests/dialer/cli/test_french.py`` runs the real
command and fails on any English boilerplate, so a Typer upgrade that moves a message
is caught there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Argument names as the operator reads them in the usage line and in errors.
# Every positional argument of the command line is listed (a test checks it).
ARGUMENT_FR = {
    "attempt_id": "appel",
    "campaign": "campagne",
    "caller_id": "numéro_présenté",
    "changes": "modifications",
    "code": "code",
    "file": "fichier",
    "full_name": "nom_complet",
    "fund": "caisse",
    "name": "nom",
    "nir": "nir",
    "number": "numéro",
    "person": "personne",
    "reference": "référence",
    "revision": "révision",
    "theme": "thème",
    "token_id": "jeton",
    "url": "url",
    "username": "identifiant",
    "wave": "vague",
}

HELP_FR = {
    "Show this message and exit.": "Affiche cette aide et s'arrête.",
    "Install completion for the current shell.": "Installe la complétion pour le shell courant.",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "Affiche la complétion du shell courant, pour la copier ou adapter son installation."
    ),
    "Install completion for the specified shell.": "Installe la complétion pour le shell indiqué.",
    "Show completion for the specified shell, to copy it or customize the installation.": (
        "Affiche la complétion du shell indiqué, pour la copier ou adapter son installation."
    ),
}

TYPES_FR = {
    "str": "texte",
    "int": "entier",
    "int range": "entier",
    "float range": "nombre",
    "float": "nombre",
    "bool": "oui/non",
    "file": "fichier",
    "path": "chemin",
    "dir": "dossier",
    "datetime": "date",
    "list[str]": "texte, répétable",
    "list[int]": "entier, répétable",
}

_PATH_KIND = {"file": "le fichier", "path": "le chemin", "dir": "le dossier"}


def _choices(text: str) -> str:
    return ", ".join(part.strip().strip("'") for part in text.split(","))


# (pattern, French): the inner reasons first, then the whole messages that wrap them.
_INNER: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^(?:Value error, )?'(?P<v>.*)' is not one of (?P<c>.*)\.$", re.S),
        lambda m: (
            f"« {m['v']} » n'est pas une valeur connue. Valeurs connues : {_choices(m['c'])}."
        ),
    ),
    (
        re.compile(r"^Input should be a valid integer.*$", re.S),
        lambda m: "un nombre entier est attendu.",
    ),
    (re.compile(r"^Input should be a valid number.*$", re.S), lambda m: "un nombre est attendu."),
    (
        re.compile(r"^Input should be a valid boolean.*$", re.S),
        lambda m: "oui ou non est attendu (true/false, 1/0, yes/no).",
    ),
    (
        re.compile(r"^Input should be a valid datetime.*$", re.S),
        lambda m: "une date et heure est attendue (2026-12-01 10:00).",
    ),
    (
        re.compile(r"^Input should be greater than or equal to (?P<n>\S+)$"),
        lambda m: f"une valeur d'au moins {m['n']} est attendue.",
    ),
    (
        re.compile(r"^Input should be less than or equal to (?P<n>\S+)$"),
        lambda m: f"une valeur d'au plus {m['n']} est attendue.",
    ),
    (
        re.compile(r"^(?P<k>file|path|dir) '(?P<v>.*)' does not exist\.$", re.S),
        lambda m: f"{_PATH_KIND[m['k']]} « {m['v']} » n'existe pas.",
    ),
    (
        re.compile(r"^(?P<k>file|path|dir) (?P<v>.*) is a file\.$", re.S),
        lambda m: f"{_PATH_KIND[m['k']]} {m['v']} est un fichier, un dossier est attendu.",
    ),
    (
        re.compile(r"^(?P<k>file|path|dir) (?P<v>.*) is a directory\.$", re.S),
        lambda m: f"{_PATH_KIND[m['k']]} {m['v']} est un dossier, un fichier est attendu.",
    ),
    (
        re.compile(r"^(?P<k>file|path|dir) (?P<v>.*) is not readable\.$", re.S),
        lambda m: f"{_PATH_KIND[m['k']]} {m['v']} n'est pas lisible (droits).",
    ),
    (
        re.compile(r"^(?P<k>file|path|dir) (?P<v>.*) is not writable\.$", re.S),
        lambda m: f"{_PATH_KIND[m['k']]} {m['v']} n'est pas modifiable (droits).",
    ),
    (re.compile(r"^Value must be an iterable\.$"), lambda m: "une liste de valeurs est attendue."),
]

# What Typer's prompts say between two questions (termui echoes them itself).
PROMPT_FR = {
    "Error: The two entered values do not match.": "Erreur : les deux saisies diffèrent.",
    "Error: The value you entered was invalid.": "Erreur : la valeur saisie est invalide.",
    "Error: invalid input": "Erreur : répondez o (oui) ou n (non).",
}

_KIND_FR = {"argument": "Argument manquant", "option": "Option manquante"}


def _quoted(text: str) -> str:
    """'--x' / '-x' as « --x » / « -x »."""
    return re.sub(r"'([^']*)'", r"« \1 »", text)


_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^Invalid value for (?P<h>.+?): (?P<r>.*)$", re.S),
        lambda m: f"Valeur invalide pour {_quoted(m['h'])} : {translate_reason(m['r'])}",
    ),
    (
        re.compile(r"^Invalid value: (?P<r>.*)$", re.S),
        lambda m: f"Valeur invalide : {translate_reason(m['r'])}",
    ),
    (
        re.compile(r"^Missing (?P<k>argument|option|parameter) ?(?P<h>[^.]*)\.(?P<r>.*)$", re.S),
        lambda m: (
            f"{_KIND_FR.get(m['k'], 'Paramètre manquant')} : {_quoted(m['h'])}."
            + _missing_extra(m["r"])
        ),
    ),
    (
        re.compile(r"^Missing parameter: (?P<n>.*)$"),
        lambda m: f"Paramètre manquant : {m['n']}.",
    ),
    (
        re.compile(r"^No such option: (?P<o>\S+)(?: \(Possible options: (?P<p>.*)\))?$", re.S),
        lambda m: (
            f"Option inconnue : {m['o']}." + (f" Vouliez-vous dire : {m['p']} ?" if m["p"] else "")
        ),
    ),
    (
        re.compile(r"^Got unexpected extra argument\(?s?\)? \((?P<a>.*)\)$", re.S),
        lambda m: f"Argument(s) en trop : {m['a']}.",
    ),
    (
        re.compile(r"^No such command '(?P<c>.*)'\.$", re.S),
        lambda m: f"Commande inconnue : {m['c']}.",
    ),
    (re.compile(r"^Missing command\.$"), lambda m: "Commande manquante."),
    (
        re.compile(r"^Option '(?P<o>.*)' requires an argument\.$"),
        lambda m: f"L'option {m['o']} attend une valeur.",
    ),
    (
        re.compile(r"^Option '(?P<o>.*)' requires (?P<n>\d+) arguments\.$"),
        lambda m: f"L'option {m['o']} attend {m['n']} valeurs.",
    ),
    (
        re.compile(r"^Option '(?P<o>.*)' does not take a value\.$"),
        lambda m: f"L'option {m['o']} ne prend pas de valeur.",
    ),
    (
        re.compile(r"^Argument '(?P<a>.*)' takes (?P<n>\d+) values\.$"),
        lambda m: f"L'argument {m['a']} attend {m['n']} valeurs.",
    ),
    (
        re.compile(r"^Could not open file '(?P<f>.*)': (?P<r>.*)$", re.S),
        lambda m: f"Impossible d'ouvrir le fichier « {m['f']} » : {m['r']}",
    ),
]


def _missing_extra(rest: str) -> str:
    rest = rest.strip()
    if rest.startswith("Choose from:"):
        return " Valeurs connues : " + _choices(rest.removeprefix("Choose from:")) + "."
    return f" {rest}" if rest else ""


def translate_reason(reason: str) -> str:
    for pattern, french in _INNER:
        match = pattern.match(reason.strip())
        if match:
            return french(match)
    return reason


def translate_message(message: str) -> str:
    """A usage error's text in French; a message already in French is left as it is."""
    for pattern, french in _MESSAGES:
        match = pattern.match(message.strip())
        if match:
            return french(match)
    return translate_reason(message)


def _type_fr(shown: str | None) -> str | None:
    if shown is None:
        return None
    inner = shown.strip()
    bracketed = inner.startswith("<") and inner.endswith(">")
    name = inner[1:-1] if bracketed else inner
    if name == "bool":
        return None  # a flag: its name says it all
    french = TYPES_FR.get(name)
    if french is None:
        return shown
    return f"<{french}>" if bracketed else french


def install() -> None:
    """Puts the French words in place; called once, when the command line is built."""
    from typer import core

    if getattr(core, "_dialer_french", False):
        return
    core._dialer_french = True  # type: ignore[attr-defined]
    for step in (_panel_words, _usage_line, _parameters, _errors_and_prompts):
        try:
            step()
        except (ImportError, AttributeError, KeyError):  # pragma: no cover
            # Typer moved its internals: the command must still run, in English until
            # tests/dialer/cli/test_french.py (which fails on it) gets this module updated.
            continue


def _panel_words() -> None:
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "Arguments"
    rich_utils.OPTIONS_PANEL_TITLE = "Options"
    rich_utils.COMMANDS_PANEL_TITLE = "Commandes"
    rich_utils.ERRORS_PANEL_TITLE = "Erreur"
    rich_utils.ABORTED_TEXT = "Abandon."
    rich_utils.RICH_HELP = "Aide : [blue]{command_path} {help_option}[/]"
    rich_utils.DEFAULT_STRING = "[défaut : {}]"
    rich_utils.ENVVAR_STRING = "[variable d'environnement : {}]"
    rich_utils.REQUIRED_LONG_STRING = "[obligatoire]"
    rich_utils.DEPRECATED_STRING = "(obsolète) "


def _usage_line() -> None:
    from typer._click import core as click_core
    from typer._click import formatting

    write_usage = formatting.HelpFormatter.write_usage

    def write_usage_fr(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, "Utilisation : " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage_fr  # type: ignore[method-assign]

    get_usage = click_core.Command.get_usage

    def get_usage_fr(self: Any, ctx: Any) -> str:
        return str(get_usage(self, ctx)).replace("COMMAND [ARGS]...", "COMMANDE [ARGUMENTS]...")

    click_core.Command.get_usage = get_usage_fr  # type: ignore[method-assign]


def _parameters() -> None:
    from typer import core, rich_utils

    def display_name_fr(self: Any) -> str:
        if self.metavar is not None:
            return str(self.metavar)
        return ARGUMENT_FR.get(str(self.name), str(self.name))

    core._TyperParameter.display_name_raw = property(display_name_fr)  # type: ignore[assignment,method-assign]

    for cls in (core._TyperParameter, core.TyperOption):
        shown = cls.__dict__["display_type_rich"]
        cls.display_type_rich = _wrap_type(shown)  # type: ignore[method-assign]

    parameter_help = rich_utils._get_parameter_help

    def parameter_help_fr(*, param: Any, ctx: Any, markup_mode: Any) -> Any:
        if param.help in HELP_FR:
            param.help = HELP_FR[param.help]
        return parameter_help(param=param, ctx=ctx, markup_mode=markup_mode)

    rich_utils._get_parameter_help = parameter_help_fr


def _errors_and_prompts() -> None:
    from typer import rich_utils
    from typer._click import termui

    format_error = rich_utils.rich_format_error

    def format_error_fr(self: Any) -> None:
        english = self.format_message
        self.format_message = lambda: translate_message(str(english()))
        format_error(self)

    rich_utils.rich_format_error = format_error_fr

    echo = termui.echo  # type: ignore[attr-defined]

    def echo_fr(message: Any = None, *args: Any, **kwargs: Any) -> None:
        if isinstance(message, str):
            message = PROMPT_FR.get(message, message)
        echo(message, *args, **kwargs)

    termui.echo = echo_fr  # type: ignore[attr-defined]


def _wrap_type(shown: Callable[..., str | None]) -> Callable[..., str | None]:
    def display_type_fr(self: Any, ctx: Any) -> str | None:
        return _type_fr(shown(self, ctx))

    return display_type_fr
