"""No import cycle between sibling packages or modules, at any level of any of our packages.

import-linter's layers keep the rooms in order; this catches the knots inside a room
(``a.x -> a.y -> a.x``) that no contract names, including imports made only for typing.
"""

from __future__ import annotations

import grimp
import pytest

PACKAGES = ("dialer", "telephony", "scripts", "consent", "web", "checker", "proving")


def sibling_cycles(graph: grimp.ImportGraph, parent: str) -> list[list[str]]:
    """Strongly connected groups of ``parent``'s children, each child taken with its descendants."""
    children = sorted(graph.find_children(parent))
    edges = {
        child: {
            other
            for other in children
            if other != child
            and graph.direct_import_exists(importer=child, imported=other, as_packages=True)
        }
        for child in children
    }
    return [sorted(group) for group in _strongly_connected(edges) if len(group) > 1]


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    reaches = {node: _reachable(edges, node) for node in edges}
    groups: list[set[str]] = []
    for node in edges:
        group = {other for other in reaches[node] if node in reaches[other]} | {node}
        if group not in groups:
            groups.append(group)
    return groups


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def all_packages(graph: grimp.ImportGraph) -> list[str]:
    found = list(PACKAGES)
    for package in PACKAGES:
        found += [m for m in graph.find_descendants(package) if graph.find_children(m)]
    return sorted(found)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False)


def test_no_package_has_an_import_cycle_among_its_children(graph: grimp.ImportGraph) -> None:
    cycles = {
        parent: found for parent in all_packages(graph) if (found := sibling_cycles(graph, parent))
    }
    assert cycles == {}, "\n".join(f"{parent}: {groups}" for parent, groups in cycles.items())


def test_the_cycle_finder_sees_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [g for g in _strongly_connected(edges) if len(g) > 1] == [{"a", "b", "c"}]
