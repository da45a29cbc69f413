"""The Jinja environment call scripts run in: sandboxed, autoescaped, strict, bounded.

Script bodies are written by campaign managers and filled with personal data, so the
environment must neither let a body reach Python internals (SSTI), nor let contact data
inject HTML into the agent's screen, nor let one body exhaust the server. The sandbox
handles the first, autoescape (and the markup filter, ``scripts.markup``) the second;
``scripts.bounds`` the third, while the body renders: every loop turn and every string
built is charged to the rendering's budget before it happens.
"""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from scripts.bounds import (
    MAX_ITERATIONS,
    LimitExceeded,
    added_size,
    bounded,
    bounded_filter,
    charge_result,
    check_weight,
    concat,
    end_budget,
    guard_str_method,
    start_budget,
    weight,
)
from scripts.filters_fr import FILTERS

__all__ = ["MAX_ITERATIONS", "LimitExceeded", "ScriptEnvironment", "end_budget", "start_budget"]

MAX_BODY_BYTES = 64 * 1024
MAX_OUTPUT_CHARS = 512 * 1024
MAX_INT_ARGUMENT = 10_000  # range(), str.center(), ljust()...
MAX_REPEAT_CHARS = 10_000  # "x" * n
REPEAT_FR = "répétition trop longue (plus de 10\u202f000 caractères ou éléments)"
BOUND_FILTER = "_borne"
CONCAT_FILTER = "_concatene"
# Filters a call script never needs and that either unescape contact data (safe) or
# build strings sized by an argument (center, indent, wordwrap, format).
REMOVED_FILTERS = ("safe", "center", "indent", "wordwrap", "format", "pprint", "random")
BLOCKED_ATTRIBUTES = frozenset({"format", "format_map", "mro"})
# Constructs that would let a body recurse or pull other templates in.
FORBIDDEN_NODES: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Macro, "les macros ne sont pas autorisées"),
    (nodes.CallBlock, "les blocs call ne sont pas autorisés"),
    (nodes.Include, "l'inclusion d'autres modèles n'est pas autorisée"),
    (nodes.Import, "l'import d'autres modèles n'est pas autorisé"),
    (nodes.FromImport, "l'import d'autres modèles n'est pas autorisé"),
    (nodes.Extends, "l'héritage de modèles n'est pas autorisé"),
)
# Only range() stays among Jinja's globals; "self" is the template's own reference.
KEPT_GLOBALS = ("range",)
FORBIDDEN_NAMES = frozenset({"self"})


def _check_tree(tree: nodes.Template) -> None:
    for kind, reason in FORBIDDEN_NODES:
        found = tree.find(kind)
        if found is not None:
            raise TemplateSyntaxError(reason, found.lineno)
    for name in tree.find_all(nodes.Name):
        if name.name in FORBIDDEN_NAMES:
            raise TemplateSyntaxError(f"« {name.name} » n'est pas autorisé", name.lineno)
    for loop in tree.find_all(nodes.For):
        if loop.recursive:
            raise TemplateSyntaxError("les boucles récursives ne sont pas autorisées", loop.lineno)
        # Every loop draws from the rendering's budget, so nesting cannot multiply work.
        loop.iter = nodes.Filter(loop.iter, BOUND_FILTER, [], [], None, None, lineno=loop.lineno)
    _ConcatCharged().visit(tree)


class _ConcatCharged(NodeTransformer):
    """``a ~ b`` compiles to a join Jinja calls directly; route it through a charged filter."""

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        parts = nodes.List(list(node.nodes), lineno=node.lineno)
        return nodes.Filter(parts, CONCAT_FILTER, [], [], None, None, lineno=node.lineno)


def _written(value: Any) -> Any:
    check_weight(value)
    return value


def _too_big(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT_ARGUMENT


class ScriptEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self) -> None:
        super().__init__(
            autoescape=True,
            undefined=StrictUndefined,
            auto_reload=False,
            # Every {{ value }} is checked before Jinja turns it into text.
            finalize=_written,
        )
        for name in REMOVED_FILTERS:
            self.filters.pop(name, None)
        self.filters.update(FILTERS)
        for name, original in list(self.filters.items()):
            self.filters[name] = bounded_filter(name, original)
        self.filters[BOUND_FILTER] = bounded
        self.filters[CONCAT_FILTER] = concat
        for name in [name for name in self.globals if name not in KEPT_GLOBALS]:
            del self.globals[name]

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        _check_tree(tree)
        return tree

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return attr not in BLOCKED_ATTRIBUTES and super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        # str.format is refused outright (BLOCKED_ATTRIBUTES) rather than sandboxed.
        return None

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and (_too_big(right) or _too_big(left)):
            raise LimitExceeded("puissance trop grande")
        if operator == "%" and isinstance(left, str):
            raise LimitExceeded("le formatage par % n'est pas autorisé")
        if operator == "*" and isinstance(left, str | list | tuple) != isinstance(
            right, str | list | tuple
        ):
            sequence, count = (
                (left, right) if isinstance(left, str | list | tuple) else (right, left)
            )
            if isinstance(count, int) and weight(sequence) * count > MAX_REPEAT_CHARS:
                raise LimitExceeded(REPEAT_FR)
        if operator == "+":
            added_size(left, right)
        return charge_result(super().call_binop(context, operator, left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if any(_too_big(value) for value in (*args, *kwargs.values())):
            raise LimitExceeded(f"valeur numérique supérieure à {MAX_INT_ARGUMENT}")
        args = guard_str_method(__obj, args)
        return charge_result(super().call(__context, __obj, *args, **kwargs))
