"""The transports package has no import loop, depends on nothing above it, and the two sides of a seam
never import each other (every import statement counts: tests/support/import_graph.py)."""

import unittest

from tests.support.import_graph import cycles, imports_in, module_graph, modules

PACKAGE = "rackharness.transports"
#: the only parts of rackharness a transport may import besides other transports
ALLOWED = (
    "rackharness.errors",
    "rackharness.redaction",
    "rackharness.wait",
    "rackharness.config",
    "rackharness.invocation",
)  # invocation: how a hint names our command (imports nothing)


class ImportGraphTest(unittest.TestCase):
    def test_the_package_holds_every_seam(self):
        names = set(modules(PACKAGE))
        for seam in ("amqp", "mongo", "http_out", "http_in", "ipmi"):
            self.assertIn(f"{PACKAGE}.{seam}.base", names)

    def test_no_import_loop_within_transports(self):
        self.assertEqual(cycles(module_graph(PACKAGE)), [])

    def test_transports_import_nothing_above_them(self):
        for name, path in modules(PACKAGE).items():
            for imported in imports_in(path.read_text(encoding="utf-8"), name, path.name == "__init__.py"):
                if imported.startswith("rackharness.") and not imported.startswith(PACKAGE):
                    self.assertTrue(imported.startswith(ALLOWED), f"{name} imports {imported}")

    def test_the_sides_of_a_seam_do_not_import_each_other(self):
        sides = {
            "amqp": ("pika_side", "memory_side", "memory_broker"),
            "mongo": ("pymongo_side", "mongomock_side"),
            "http_out": ("requests_side", "in_process", "fake_adapter"),
            "http_in": ("threaded_server", "in_process"),
            "ipmi": ("pyghmi_caller", "in_process_caller"),
        }
        edges = module_graph(PACKAGE)
        for seam, names in sides.items():
            real = f"{PACKAGE}.{seam}.{names[0]}"
            for fake in names[1:]:
                fake = f"{PACKAGE}.{seam}.{fake}"
                self.assertNotIn(fake, edges[real], f"{real} imports {fake}")
                self.assertNotIn(real, edges[fake], f"{fake} imports {real}")
            self.assertFalse(
                {f"{PACKAGE}.{seam}.{n}" for n in names} & edges[f"{PACKAGE}.{seam}.base"],
                f"{seam}.base imports a side",
            )


if __name__ == "__main__":
    unittest.main()
