"""The import graph of rackharness, read with ``ast`` from the source (nothing is imported to read it).

Every import statement counts: module level, inside a function, under ``TYPE_CHECKING``. ``from a.b
import c`` counts as importing ``a.b``, and ``a.b.c`` when that is a module; a relative import is
resolved against its package. Used by the layering tests (tests/unit/test_import_layers.py and
tests/unit/transports/test_import_graph.py).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import rackharness

ROOT = Path(rackharness.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(under: str = "rackharness") -> dict[str, Path]:
    """Module name → file, for the modules of ``under`` (a dotted package)."""
    folder = ROOT.parent.joinpath(*under.split("."))
    return {module_name(path): path for path in sorted(folder.rglob("*.py"))}


def imports_in(text: str, name: str, is_package: bool, filename: str = "<source>") -> set[str]:
    """The dotted names ``text`` (the source of module ``name``) imports, wherever the statement is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(text, filename)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "rackharness" or m.startswith("rackharness.")}


def module_graph(under: str = "rackharness") -> dict[str, set[str]]:
    """module → the modules of ``under`` it imports (a name that is no module counts as its package)."""
    known = modules(under)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for imported in imports_in(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", str(path)):
            while imported and imported not in known:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def part_of(module: str) -> str:
    """The top-level part (``rackharness.bmc.wire`` → ``bmc``)."""
    return module.split(".")[1] if "." in module else module


def part_graph() -> dict[str, set[str]]:
    """top-level part → the other parts it imports."""
    out: dict[str, set[str]] = defaultdict(set)
    for module, targets in module_graph().items():
        for target in targets:
            if target != "rackharness" and part_of(target) != part_of(module):
                out[part_of(module)].add(part_of(target))
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of nodes that reach each other (strongly connected, two or more; Tarjan)."""
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


def chain(graph: dict[str, set[str]], start: str, goal: str) -> list[str]:
    """One import chain start → ... → goal (breadth first), for a failure message."""
    frontier, seen = [[start]], {start}
    while frontier:
        path = frontier.pop(0)
        for nxt in sorted(graph.get(path[-1], ())):
            if nxt == goal:
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(path + [nxt])
    return []
