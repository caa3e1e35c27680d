"""The package's parts import each other one way only (docs/architecture.md draws the layers).

A *part* is a top-level subpackage or module of ``rackharness`` (``bmc``, ``rack``, ``errors``, ...).
Every import statement counts — module level, inside a function, under ``TYPE_CHECKING`` — read with
``ast`` (tests/support/import_graph.py). No part imports another that imports it back, directly or
through others; the layered parts import only below them: the IPMI tables (``ipmi/``) nothing but
``errors``, the protocol (``bmc/``) never the node model (``rack/``, which plugs into it through
``bmc/node_protocol.py``), the reference server neither the node model nor the BMC. Inside ``bmc/``,
``ipmi/`` and ``transports/`` no module imports itself back through others.
"""

from __future__ import annotations

import unittest

from tests.support.import_graph import chain, cycles, imports_in, module_graph, part_graph

#: part → the only parts it may import (the bottom layer)
ONLY = {
    "ipmi": {"errors"},
    "errors": set(),
    "redaction": set(),
    "api_paths": set(),
    "clock": set(),
    "invocation": set(),  # how messages name our own command: any part may say it
    # record/replay wraps the transports' seams and nothing above them
    "tapes": {"clock", "errors", "invocation", "redaction", "transports"},
}
#: part → parts it must never import
FORBIDDEN = {
    "bmc": {"rack", "reference", "clients", "suite", "providers", "services", "cli", "nose2"},
    "reference": {"rack", "bmc", "suite", "providers", "services", "cli", "nose2"},
    "transports": {"clients", "suite", "providers", "rack", "reference", "services", "cli", "nose2", "bmc"},
}


class ImportLayersTest(unittest.TestCase):
    def test_no_two_parts_import_each_other(self):
        graph = part_graph()
        loops = [" → ".join(chain(graph, group[0], group[0])) for group in cycles(graph)]
        self.assertEqual(
            loops,
            [],
            "parts of rackharness that import each other back (move the shared definition "
            "down, or plug the higher part in through a protocol)",
        )

    def test_layered_parts_import_only_below_them(self):
        graph = part_graph()
        wrong = [
            f"{part} imports {other}"
            for part in sorted(set(ONLY) | set(FORBIDDEN))
            for other in sorted(graph.get(part, ()))
            if (part in ONLY and other not in ONLY[part]) or other in FORBIDDEN.get(part, ())
        ]
        self.assertEqual(wrong, [])

    def test_no_module_loop_inside_the_protocol_the_tables_and_the_transports(self):
        graph = module_graph()
        for part in ("rackharness.bmc", "rackharness.ipmi", "rackharness.transports", "rackharness.tapes"):
            with self.subTest(part=part):
                inside = {
                    m: {t for t in targets if t.startswith(part + ".") or t == part}
                    for m, targets in graph.items()
                    if m.startswith(part + ".") or m == part
                }
                self.assertEqual(cycles(inside), [])

    def test_the_checker_sees_imports_inside_functions_and_type_checking(self):
        sample = (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rackharness.rack import node\n"
            "def f():\n    from ..clients import rest\n    import rackharness.errors\n"
        )
        self.assertEqual(
            imports_in(sample, "rackharness.bmc.wire", False),
            {
                "rackharness.rack",
                "rackharness.rack.node",
                "rackharness.clients",
                "rackharness.clients.rest",
                "rackharness.errors",
            },
        )
        self.assertEqual(cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}), [["a", "b", "c"]])
        self.assertEqual(cycles({"a": {"b"}, "b": set()}), [])
