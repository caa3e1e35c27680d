"""Which top-level part of rackharness may import which (docs/architecture.md).

Every import statement counts: module level, inside functions, under ``TYPE_CHECKING``. The IPMI
tables (``ipmi/``) import nothing of the harness but ``errors``; the protocol (``bmc/``) never
imports the node model (``rack/``), which plugs into it through ``bmc/node_protocol.py``; the
reference server imports neither the node model nor the BMC. Inside ``bmc/`` and ``ipmi/`` no
module imports itself back through others (the dispatcher imports the command modules, never
the other way round).
"""
import ast
import unittest
import unittest.mock
from pathlib import Path

import rackharness

ROOT = Path(rackharness.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in ROOT.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The rackharness modules ``name`` imports; ``from pkg import sub`` counts as ``pkg.sub``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {module for module in found if module == "rackharness" or module.startswith("rackharness.")}


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def in_part(module: str, part: str) -> bool:
    return module == part or module.startswith(part + ".")


def cycles(graph: dict[str, set[str]], part: str) -> list[list[str]]:
    """Import cycles among the modules of ``part`` (Tarjan's strongly connected components)."""
    nodes = [n for n in graph if in_part(n, part)]
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if not in_part(target, part) or target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in nodes:
        if node not in index:
            visit(node)
    return found


class ImportLayersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.graph = import_graph()

    def offenders(self, part: str, allowed) -> list[str]:
        return sorted(f"{module} imports {target}" for module, targets in self.graph.items()
                      if in_part(module, part) for target in targets if not allowed(target))

    def test_the_ipmi_tables_import_only_themselves_and_errors(self):
        self.assertIn("rackharness.ipmi.sensor_types", self.graph)
        self.assertEqual(self.offenders("rackharness.ipmi", lambda t: in_part(t, "rackharness.ipmi")
                                        or t == "rackharness.errors"), [])

    def test_the_protocol_does_not_import_the_node_model(self):
        self.assertEqual(self.offenders("rackharness.bmc", lambda t: not in_part(t, "rackharness.rack")), [])

    def test_the_reference_server_imports_neither_the_node_model_nor_the_bmc(self):
        self.assertEqual(self.offenders("rackharness.reference", lambda t: not (
            in_part(t, "rackharness.rack") or in_part(t, "rackharness.bmc"))), [])

    def test_no_import_cycles_in_the_protocol(self):
        for part in ("rackharness.bmc", "rackharness.ipmi"):
            with self.subTest(part=part):
                self.assertEqual(cycles(self.graph, part), [])

    def test_the_checker_sees_imports_inside_functions_and_type_checking(self):
        source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rackharness.rack.node import X\n"
                  "def f():\n    from rackharness.bmc import wire\n    from . import table\n")
        path = ROOT / "bmc" / "commands" / "probe_module.py"
        known = {"rackharness.bmc.wire", "rackharness.bmc.commands.table"}
        with unittest.mock.patch.object(Path, "read_text", return_value=source):
            found = imports_of("rackharness.bmc.commands.probe_module", path, known)
        self.assertEqual(found, {"rackharness.rack.node", "rackharness.bmc.wire", "rackharness.bmc.commands.table"})

    def test_cycles_are_found(self):
        graph = {"p.a": {"p.b"}, "p.b": {"p.a"}, "p.c": {"p.a"}}
        self.assertEqual(cycles(graph, "p"), [["p.a", "p.b"]])


if __name__ == "__main__":
    unittest.main()
