"""What a body must pass before it is saved: the same preview the manager sees, strictly.

A saved version goes live on the next screen pop, so it is refused unless it renders
against the theme's sample data with nothing missing, nothing over the bounds and no
markup the filter would remove. Fields are also checked statically, so a field used
only in a branch the sample data does not take is caught as well.
"""

from __future__ import annotations

from jinja2 import meta
from markupsafe import Markup

from scripts.catalog import sample_context
from scripts.errors import ScriptError
from scripts.markup import removed_markup, sanitise
from scripts.render import (
    ENVIRONMENT,
    NOTICE,
    RenderedScript,
    compile_script,
    describe_failure,
    generate,
)

ACTIVE_MARKUP_FR = "balise ou attribut actif interdit"
KNOWN_GLOBALS = frozenset(ENVIRONMENT.globals)


def _unknown_fields(body: str, known: set[str]) -> list[str]:
    used = meta.find_undeclared_variables(ENVIRONMENT.parse(body))
    return sorted(used - known - KNOWN_GLOBALS)


def checked_html(body: str, theme: str) -> Markup:
    """The preview of ``body`` for ``theme``; ``ScriptError`` with the French reason."""
    if not body.strip():
        raise ScriptError("le script est vide.")
    context = sample_context(theme)
    template = compile_script(body)
    unknown = _unknown_fields(body, set(context))
    if unknown:
        names = ", ".join(f"« {name} »" for name in unknown)
        if len(unknown) == 1:
            raise ScriptError(f"le champ {names} n'est pas disponible pour cette campagne.")
        raise ScriptError(f"les champs {names} ne sont pas disponibles pour cette campagne.")
    try:
        output = generate(template, context)
    except Exception as exc:  # noqa: BLE001  (every failure becomes the refusal's reason)
        raise ScriptError(describe_failure(exc)) from None
    removed = removed_markup(output)
    if removed:
        raise ScriptError(f"{ACTIVE_MARKUP_FR} : {', '.join(removed)}.")
    return sanitise(output)


def preview(body: str, theme: str) -> RenderedScript:
    """``checked_html`` as the editor shows it: a notice rather than an exception."""
    try:
        return RenderedScript(ok=True, html=checked_html(body, theme))
    except ScriptError as exc:
        return RenderedScript(ok=False, html=Markup(""), error=NOTICE + str(exc))
