"""Call-script sandbox: memory and time a hostile body costs before it is refused,
and what the bounds cost an ordinary screen pop (the shipped scripts).

    .venv/bin/python bench/script_bounds.py           # table
    .venv/bin/python bench/script_bounds.py --json    # figures as one JSON object
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, the repository root must be importable (the packages).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from typing import Any  # noqa: E402

from scripts.catalog import THEME_KEYS, default_body, sample_context  # noqa: E402
from scripts.render import render_script  # noqa: E402

HOSTILE = {
    "replace": '{{ ("x"*9999).replace("x","x"*9999) }}',
    "replace_filter": '{{ ("x"*9999)|replace("x","x"*9999) }}',
    "join": '{{ ([("x"*9999)]*9999)|join }}',
    "str_join": '{{ ("x"*9999).join(["y"]*9999) }}',
    "concat": "{% set a = 'x' * 9999 %}{{ a" + " ~ a" * 29 + " }}",
    "nested_lists": "{% set a = ['x' * 9999] %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
    "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{% set d = [c, c, c, c, c, c, c, c, c, c] %}"
    "{{ d|string }}",
}
POPS = 200


def _hostile(body: str) -> dict[str, Any]:
    tracemalloc.start()
    started = time.perf_counter()
    result = render_script(body, {})
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"refused": not result.ok, "peak_kb": round(peak / 1024), "ms": round(elapsed * 1000, 2)}


def _ordinary(theme: str) -> float:
    body, context = default_body(theme), sample_context(theme)
    render_script(body, context)  # compiled once, as on a running desk
    started = time.perf_counter()
    for _ in range(POPS):
        render_script(body, context)
    return (time.perf_counter() - started) / POPS * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = {
        "hostile": {name: _hostile(body) for name, body in HOSTILE.items()},
        "screen_pop_ms": {theme: round(_ordinary(theme), 3) for theme in THEME_KEYS},
    }
    if args.json:
        print(json.dumps(figures))
        return
    for name, row in figures["hostile"].items():
        print(f"{name:<16} refusé={row['refused']!s:<5} pic={row['peak_kb']:>6} Ko  {row['ms']} ms")
    for theme, ms in figures["screen_pop_ms"].items():
        print(f"script livré {theme:<22} {ms} ms par affichage")


if __name__ == "__main__":
    main()
