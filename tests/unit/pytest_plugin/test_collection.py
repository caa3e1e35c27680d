"""What pytest must not collect, and how a test id becomes a pytest node id."""

from __future__ import annotations

import sys
import unittest
from unittest import mock

from rackharness.pytest_plugin.collection import is_proboscis_object, loaded_registry, node_id
from rackharness.suite import decorators


def plain_function():
    pass


class PlainClass:
    pass


class IsProboscisObjectTest(unittest.TestCase):
    def test_proboscis_own_callables_are_not_tests(self):
        for name in ("test", "before_class", "after_class", "factory", "TestRegistry", "TestPlan"):
            self.assertTrue(is_proboscis_object(getattr(decorators, name)), name)

    def test_a_registered_function_or_class_is_proboscis(self):
        registry = decorators.TestRegistry()

        def registered():
            pass

        class Registered:
            pass

        registry.register(registered, groups=["sample"])
        registry.register(Registered, groups=["sample"])
        self.assertTrue(is_proboscis_object(registered))
        self.assertTrue(is_proboscis_object(Registered))

    def test_everything_else_is_left_to_pytest(self):
        for obj in (plain_function, PlainClass, unittest.TestCase, mock.Mock(), 42, "test", decorators):
            self.assertFalse(is_proboscis_object(obj), obj)


class NodeIdTest(unittest.TestCase):
    def test_a_method_of_a_class(self):
        self.assertEqual(
            node_id("tests.rackhd.test_nodes.NodeTests.create", "tests.rackhd.test_nodes"),
            "tests/rackhd/test_nodes.py::NodeTests::create",
        )

    def test_a_module_function(self):
        self.assertEqual(node_id("test_sample.second", "test_sample"), "test_sample.py::second")

    def test_a_numbered_factory_instance_keeps_its_label(self):
        self.assertEqual(
            node_id("tests.rackhd.test_x.Per.check[node-1.a]", "tests.rackhd.test_x"),
            "tests/rackhd/test_x.py::Per::check[node-1.a]",
        )


class LoadedRegistryTest(unittest.TestCase):
    def test_the_registry_once_the_decorators_are_imported(self):
        self.assertIs(loaded_registry(), decorators.DEFAULT_REGISTRY)

    def test_none_when_nothing_imported_the_decorators(self):
        with mock.patch.dict(sys.modules, {"rackharness.suite.decorators": None}):
            del sys.modules["rackharness.suite.decorators"]
            self.assertIsNone(loaded_registry())


if __name__ == "__main__":
    unittest.main()
