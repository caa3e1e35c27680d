"""The package's parts import each other one way only.

A *part* is a top-level subpackage or module of ``rackharness`` (``bmc``, ``rack``, ``errors``, ...).
Every import statement counts — at module level, inside a function, under ``TYPE_CHECKING`` — read
with ``ast`` from the source, so nothing is imported to check it. No part may import another that
imports it back, directly or through others; a few parts have a stated place in the layering, checked
too (the IPMI protocol knows nothing of the node model, transports nothing of their users).
"""
from __future__ import annotations

import ast
import unittest
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "rackharness"

#: part → parts it must never import (the layering docs/architecture.md draws)
FORBIDDEN = {
    "ipmi": {"bmc", "rack", "reference", "clients", "suite", "providers", "services", "transports"},
    "bmc": {"rack", "reference", "clients", "suite", "providers", "services"},
    "transports": {"clients", "suite", "providers", "rack", "reference", "services"},
    "errors": {"*"},
    "redaction": {"*"},
    "api_paths": {"*"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    """Every ``rackharness.*`` module named by an import statement anywhere in ``path``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package, str(path))


def imports_in(text: str, package: str, filename: str = "<source>") -> set[str]:
    """The ``rackharness.*`` modules ``text`` (a module of ``package``) imports, wherever the statement is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(text, filename)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m.startswith("rackharness.")}


def _parts() -> set[str]:
    return {p.stem if p.suffix == ".py" else p.name for p in PACKAGE.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}


def part_graph() -> dict[str, set[str]]:
    """part → the other parts it imports."""
    parts = _parts()
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).parts
        source = relative[0] if len(relative) > 1 else path.stem
        for module in imported_modules(path):
            target = module.split(".")[1]
            if target in parts and target != source:
                graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more parts (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str]:
    """One import chain start → ... → goal, for the failure message."""
    frontier, seen = [[start]], {start}
    while frontier:
        chain = frontier.pop(0)
        for nxt in sorted(graph.get(chain[-1], ())):
            if nxt == goal:
                return chain + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(chain + [nxt])
    return []


class ImportLayersTest(unittest.TestCase):
    def test_no_two_parts_import_each_other(self):
        graph = part_graph()
        loops = [" → ".join(_path(graph, group[0], group[0])) for group in cycles(graph)]
        self.assertEqual(loops, [], "parts of rackharness that import each other back (break the loop: move the "
                                    "shared definition down, or plug the higher part in through a protocol)")

    def test_layered_parts_import_only_below_them(self):
        graph = part_graph()
        wrong = [f"{part} imports {other}" for part, banned in sorted(FORBIDDEN.items())
                 for other in sorted(graph.get(part, ())) if "*" in banned or other in banned]
        self.assertEqual(wrong, [])

    def test_the_checker_sees_imports_inside_functions_and_type_checking(self):
        sample = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rackharness.rack import node\n"
                  "def f():\n    from ..clients import rest\n    import rackharness.errors\n")
        self.assertEqual(imports_in(sample, "rackharness.bmc"),
                         {"rackharness.rack", "rackharness.rack.node", "rackharness.clients",
                          "rackharness.clients.rest", "rackharness.errors"})
        self.assertEqual(cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}), [["a", "b", "c"]])
        self.assertEqual(cycles({"a": {"b"}, "b": set()}), [])
