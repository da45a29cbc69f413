"""Per-rendering budgets: loop turns and characters built, charged BEFORE building.

A size checked after the fact has already been allocated: ``'x'*9999`` replaced by
itself is 100 million characters built in a fraction of a second. So every operation
that can grow a string (``replace``, ``join``, ``~``, ``+``, padding, ``sum``) predicts
its result size from its operands, and is refused when one string would exceed
``MAX_STRING_CHARS`` or when the rendering's total would exceed ``MAX_BUILT_CHARS``.
Other filters and methods grow their input by a small factor at most (escaping,
upper-casing), so their result is charged after the call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import markup_join
from markupsafe import soft_str

from scripts.filters_fr import nombre_fr

MAX_ITERATIONS = 10_000  # every loop of one rendering together
MAX_STRING_CHARS = 256 * 1024  # one string built by the script
MAX_BUILT_CHARS = 4 * 1024 * 1024  # every string built during one rendering
MAX_SEQUENCE_ITEMS = 100_000  # one list built by ``+`` or ``sum``


class LimitExceeded(SecurityError):
    """A bound was reached; the message is French."""


@dataclass
class Budget:
    iterations: int = MAX_ITERATIONS
    chars: int = MAX_BUILT_CHARS


_budget: ContextVar[Budget | None] = ContextVar("script_budget", default=None)


def start_budget() -> Token[Budget | None]:
    """Open a fresh budget for one rendering; returns the token to reset."""
    return _budget.set(Budget())


def end_budget(token: Token[Budget | None]) -> None:
    _budget.reset(token)


def _current() -> Budget:
    # Outside a rendering (constant folding at compile time) a throw-away budget applies.
    return _budget.get() or Budget()


def charge_chars(size: int) -> None:
    """Refuse a string of ``size`` characters before it is built."""
    if size > MAX_STRING_CHARS:
        raise LimitExceeded(
            f"le script construit un texte de plus de {nombre_fr(MAX_STRING_CHARS)} caractères"
        )
    budget = _current()
    budget.chars -= size
    if budget.chars < 0:
        raise LimitExceeded(
            f"le script construit plus de {nombre_fr(MAX_BUILT_CHARS)} caractères au total"
        )


def weight(value: Any, cap: int = MAX_STRING_CHARS) -> int:
    """Characters and items reachable from ``value``, shared references counted each time
    (as ``str()`` would print them); stops counting past ``cap``."""
    total = 0
    pending = [value]
    while pending and total <= cap:
        item = pending.pop()
        if isinstance(item, str | range):
            total += len(item)
        elif isinstance(item, list | tuple | set | frozenset):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        else:
            total += 1
    return total


def check_weight(value: Any) -> None:
    """Refuse a value whose text would exceed one string's bound, before it is written out."""
    if not isinstance(value, str) and weight(value) > MAX_STRING_CHARS:
        raise LimitExceeded(
            f"le script manipule une valeur de plus de {nombre_fr(MAX_STRING_CHARS)} éléments"
        )


def charge_items(size: int) -> None:
    if size > MAX_SEQUENCE_ITEMS:
        raise LimitExceeded(
            f"le script construit une liste de plus de {nombre_fr(MAX_SEQUENCE_ITEMS)} éléments"
        )


def bounded(iterable: Iterable[Any]) -> Iterator[Any]:
    """Iterate while drawing one turn per item from the rendering's loop budget."""
    budget = _current()
    for item in iterable:
        budget.iterations -= 1
        if budget.iterations < 0:
            raise LimitExceeded(f"le script dépasse {nombre_fr(MAX_ITERATIONS)} tours de boucle")
        yield item


def taken(iterable: Iterable[Any]) -> list[Any]:
    return list(bounded(iterable))


def replaced_size(text: str, old: str, new: str, count: int | None = None) -> int:
    hits = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * (len(new) - len(old))


def joined_size(separator: str, items: list[Any]) -> int:
    for item in items:
        check_weight(item)
    return sum(len(soft_str(item)) for item in items) + len(separator) * max(len(items) - 1, 0)


def concat(parts: list[Any]) -> Any:
    """``a ~ b ~ c``: Jinja's own join, once its size has been charged."""
    for part in parts:
        check_weight(part)
    texts = [soft_str(part) for part in parts]
    charge_chars(sum(len(text) for text in texts))
    return markup_join(parts)


def added_size(left: Any, right: Any) -> None:
    """``+`` on two strings or two lists."""
    if isinstance(left, str) and isinstance(right, str):
        charge_chars(len(left) + len(right))
    elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
        charge_items(weight(left) + weight(right))


def guard_str_method(method: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Charge a string method's result before the call; returns the arguments to use."""
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, str):
        return args
    name = getattr(method, "__name__", "")
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str):
        new = args[1] if isinstance(args[1], str) else ""
        count = args[2] if len(args) > 2 and isinstance(args[2], int) else None
        charge_chars(replaced_size(owner, args[0], new, count))
    elif name == "join" and args:
        items = taken(args[0])
        charge_chars(joined_size(owner, items))
        return (items, *args[1:])
    elif name in {"center", "ljust", "rjust", "zfill"} and args and isinstance(args[0], int):
        charge_chars(max(len(owner), args[0]))
    elif name == "expandtabs":
        size = args[0] if args and isinstance(args[0], int) else 8
        charge_chars(len(owner) + owner.count("\t") * size)
    return args


def charge_result(result: Any) -> Any:
    if isinstance(result, str):
        charge_chars(len(result))
    return result


def bounded_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """The filter ``name`` with its result charged; ``replace``/``join``/``sum`` pre-checked."""
    guard = _PRE_CHECKS.get(name)

    first = 1 if hasattr(original, "jinja_pass_arg") else 0

    def checked(*args: Any, **kwargs: Any) -> Any:
        if len(args) > first:
            check_weight(args[first])
        if guard is not None:
            args = guard(args, kwargs)
        return charge_result(original(*args, **kwargs))

    # Jinja reads this marker to know whether to hand the filter a context first.
    if hasattr(original, "jinja_pass_arg"):
        setattr(checked, "jinja_pass_arg", original.jinja_pass_arg)  # noqa: B010
    return checked


def _replace_check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    # do_replace(eval_ctx, s, old, new, count=None)
    values = [*args[1:], *kwargs.values()]
    if len(values) >= 3:
        text, old, new = (soft_str(value) for value in values[:3])
        count = values[3] if len(values) > 3 and isinstance(values[3], int) else None
        charge_chars(replaced_size(text, old, new, count))
    return args


def _join_check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    # do_join(eval_ctx, value, d="", attribute=None)
    if len(args) < 2:
        return args
    items = taken(args[1])
    separator = soft_str(args[2] if len(args) > 2 else kwargs.get("d", ""))
    charge_chars(joined_size(separator, items))
    return (args[0], items, *args[2:])


def _sum_check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    # sync_do_sum(environment, iterable, attribute=None, start=0): sequences concatenate.
    if len(args) < 2:
        return args
    items = taken(args[1])
    charge_items(sum(weight(item) for item in items))
    return (args[0], items, *args[2:])


_PRE_CHECKS: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], tuple[Any, ...]]] = {
    "replace": _replace_check,
    "join": _join_check,
    "sum": _sum_check,
}
