"""Rendering a call script for the agent's screen; failures become a French notice.

``render_script`` never raises: a broken or hostile body must not break the screen pop,
so the agent sees why the script is missing and can still take the call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Template, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from scripts.errors import ScriptError
from scripts.filters_fr import FilterError
from scripts.markup import sanitise
from scripts.sandbox import (
    MAX_BODY_BYTES,
    MAX_OUTPUT_CHARS,
    LimitExceeded,
    ScriptEnvironment,
    end_budget,
    start_budget,
)

NOTICE = "Le script n'a pas pu être affiché : "
ENVIRONMENT = ScriptEnvironment()
_MISSING_NAME = re.compile(r"^'([^']+)' is undefined$")
_MISSING_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'$")
_UNKNOWN = re.compile(r"^No (filter|test) named '([^']+)'")


def _translate_syntax(message: str) -> str:
    unknown = _UNKNOWN.match(message)
    if unknown:
        kind = "filtre" if unknown.group(1) == "filter" else "test"
        return f"{kind} « {unknown.group(2)} » inconnu"
    return message.rstrip(".")


@dataclass(frozen=True, slots=True)
class RenderedScript:
    ok: bool
    html: Markup
    error: str | None = None


def compile_script(body: str) -> Template:
    """The compiled body, or ``ScriptError`` with a French reason (size, syntax, construct)."""
    if len(body.encode("utf-8")) > MAX_BODY_BYTES:
        raise ScriptError(f"le script dépasse la taille maximale de {MAX_BODY_BYTES // 1024} Ko.")
    try:
        return _compile(body)
    except TemplateSyntaxError as exc:
        reason = _translate_syntax(exc.message or "")
        raise ScriptError(f"erreur de syntaxe ligne {exc.lineno} : {reason}.") from None


@lru_cache(maxsize=128)
def _compile(body: str) -> Template:
    # Bodies change rarely and every screen pop renders one: compile each once.
    return ENVIRONMENT.from_string(body)


def _describe(exc: Exception) -> str:
    """A French reason that names the field at fault but never quotes personal data."""
    if isinstance(exc, UndefinedError):
        message = exc.message or ""
        name = _MISSING_NAME.match(message) or _MISSING_ATTRIBUTE.search(message)
        if name:
            return f"le champ « {name.group(1)} » n'est pas disponible pour cette campagne."
        return "un champ utilisé par le script n'est pas disponible."
    if isinstance(exc, LimitExceeded | FilterError | ScriptError):
        return f"{exc}."
    if isinstance(exc, SecurityError):
        return "le script tente une opération interdite pour des raisons de sécurité."
    return f"erreur inattendue pendant l'affichage ({type(exc).__name__})."


def generate(template: Template, context: Mapping[str, object]) -> str:
    """The raw output, within the bounds; raises on any failure (see ``_describe``)."""
    token = start_budget()
    try:
        parts: list[str] = []
        size = 0
        for chunk in template.generate(dict(context)):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise LimitExceeded("le script produit un texte trop long")
            parts.append(chunk)
        return "".join(parts)
    finally:
        end_budget(token)


def describe_failure(exc: Exception) -> str:
    return str(exc) if isinstance(exc, ScriptError) else _describe(exc)


def render_script(body: str, context: Mapping[str, object]) -> RenderedScript:
    try:
        output = generate(compile_script(body), context)
    except Exception as exc:  # noqa: BLE001  (the screen pop must survive any body)
        return RenderedScript(ok=False, html=Markup(""), error=NOTICE + describe_failure(exc))
    # Autoescape escaped every value; literal pieces joined around expressions could
    # still spell an active tag, which the markup filter removes.
    return RenderedScript(ok=True, html=sanitise(output))
