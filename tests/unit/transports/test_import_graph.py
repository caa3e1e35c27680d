"""The transports package has no import loop and depends on nothing above it.

Every import statement of every kind counts: module level, inside functions, under ``TYPE_CHECKING``
(``ast.walk`` sees them all). ``from a.b import c`` counts as importing ``a.b``, and ``a.b.c`` too
when that is a module; importing ``a.b.c`` also imports the packages ``a`` and ``a.b``.
"""
import ast
import unittest
from pathlib import Path

import rackharness

ROOT = Path(rackharness.__file__).resolve().parent
PACKAGE = "rackharness.transports"
#: the only parts of rackharness a transport may import besides other transports
ALLOWED = ("rackharness.errors", "rackharness.redaction", "rackharness.wait", "rackharness.config")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((ROOT / "transports").rglob("*.py"))}


def imported_names(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports (absolute names, relative imports resolved)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
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
    return found


def with_parents(names: set[str]) -> set[str]:
    out = set()
    for name in names:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {other for other in with_parents(imported_names(name, path)) if other in known and other != name}
            for name, path in known.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


class ImportGraphTest(unittest.TestCase):
    def test_the_package_holds_every_seam(self):
        names = set(modules())
        for seam in ("amqp", "mongo", "http_out", "http_in", "ipmi"):
            self.assertIn(f"{PACKAGE}.{seam}.base", names)

    def test_no_import_loop_within_transports(self):
        self.assertIsNone(find_cycle(graph()))

    def test_the_cycle_finder_finds_one(self):
        self.assertEqual(find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}), ["a", "b", "c", "a"])
        self.assertIsNone(find_cycle({"a": {"b"}, "b": set()}))

    def test_transports_import_nothing_above_them(self):
        for name, path in modules().items():
            for imported in imported_names(name, path):
                if imported.startswith("rackharness.") and not imported.startswith(PACKAGE):
                    self.assertTrue(imported.startswith(ALLOWED), f"{name} imports {imported}")

    def test_the_sides_of_a_seam_do_not_import_each_other(self):
        sides = {"amqp": ("pika_side", "memory_side", "memory_broker"), "mongo": ("pymongo_side", "mongomock_side"),
                 "http_out": ("requests_side", "in_process", "fake_adapter"),
                 "http_in": ("threaded_server", "in_process"), "ipmi": ("pyghmi_caller", "in_process_caller")}
        edges = graph()
        for seam, names in sides.items():
            real = f"{PACKAGE}.{seam}.{names[0]}"
            for fake in names[1:]:
                fake = f"{PACKAGE}.{seam}.{fake}"
                self.assertNotIn(fake, edges[real], f"{real} imports {fake}")
                self.assertNotIn(real, edges[fake], f"{fake} imports {real}")
            self.assertFalse({f"{PACKAGE}.{seam}.{n}" for n in names} & edges[f"{PACKAGE}.{seam}.base"],
                             f"{seam}.base imports a side")


if __name__ == "__main__":
    unittest.main()
