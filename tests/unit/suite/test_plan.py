"""SuitePlan on private proboscis registries: order, selection, final groups, and the errors it refuses with."""

import unittest

from rackharness.suite.decorators import TestRegistry
from rackharness.suite.plan import PlanError, SuitePlan


def make(registry, name, **info):
    def fn():
        pass

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{name} verifies something.\n\nMore words."
    registry.register(fn, **info)
    return fn


def written_first():
    """Defined above written_second."""


def written_second():
    """Defined below written_first."""


class PlanOrderTest(unittest.TestCase):
    def setUp(self):
        self.registry = TestRegistry()
        make(self.registry, "c", groups=["third"], depends_on_groups=["second"])
        make(self.registry, "a", groups=["first"])
        make(self.registry, "b", groups=["second"], depends_on_groups=["first"])
        make(self.registry, "x", groups=["other"])
        make(self.registry, "z", groups=["cleanup"], always_run=True)

    def ids(self, plan):
        return [e.id.rsplit(".", 1)[-1] for e in plan.entries]

    def test_dependencies_first_final_groups_last(self):
        plan = SuitePlan.build(self.registry, final_groups=["cleanup"])
        self.assertEqual(self.ids(plan), ["a", "b", "c", "x", "z"])
        self.assertEqual(plan.entries[0].description, "a verifies something.")

    def test_independent_tests_run_in_source_order_not_registration_order(self):
        registry = TestRegistry()
        registry.register(written_second, groups=["g"])
        registry.register(written_first, groups=["g"])
        self.assertEqual(self.ids(SuitePlan.build(registry)), ["written_first", "written_second"])

    def test_selection_pulls_in_what_it_depends_on(self):
        plan = SuitePlan.build(self.registry, groups=["second"], final_groups=["cleanup"])
        self.assertEqual(self.ids(plan), ["a", "b", "z"])
        self.assertEqual(len(plan.suite()._tests), 3)

    def test_render_numbers_tests_and_shows_needs(self):
        text = SuitePlan.build(self.registry, groups=["third"]).render()
        self.assertIn("Test plan: 3 test(s), groups third and what they depend on", text)
        self.assertIn("needs groups: second", text)

    def test_disabled_tests_are_planned_but_not_run(self):
        make(self.registry, "off", groups=["other"], enabled=False)
        plan = SuitePlan.build(self.registry)
        self.assertIn("[disabled]", plan.render())
        self.assertEqual(len(plan.runnable), 5)


class PlanErrorTest(unittest.TestCase):
    def test_glued_names_are_diagnosed(self):
        registry = TestRegistry()
        make(registry, "n", groups=["nodes"])
        make(registry, "o", groups=["obms"])
        make(registry, "w", groups=["workflows"], depends_on_groups=["nodes" "obms"])  # fmt: skip # noqa: ISC001
        with self.assertRaises(PlanError) as caught:
            SuitePlan.build(registry)
        message = str(caught.exception)
        self.assertIn("depends_on_groups names group 'nodesobms'", message)
        self.assertIn("missing comma", message)
        self.assertIn("test_plan.py:", message)  # where the test is defined
        self.assertEqual(caught.exception.exit_code, 2)

    def test_runs_after_unknown_group_is_refused(self):
        registry = TestRegistry()
        make(registry, "n", groups=["nodes"], runs_after_groups=["nodez"])
        with self.assertRaises(PlanError) as caught:
            SuitePlan.build(registry)
        self.assertIn(
            "runs_after_groups names group 'nodez', which no test belongs to (did you mean 'nodes'?)",
            str(caught.exception),
        )

    def test_unknown_selection_is_refused(self):
        registry = TestRegistry()
        make(registry, "n", groups=["nodes"])
        with self.assertRaises(PlanError) as caught:
            SuitePlan.build(registry, groups=["node"])
        self.assertIn("--group node: no such group (did you mean 'nodes'?)", str(caught.exception))

    def test_cycle_is_refused(self):
        registry = TestRegistry()
        make(registry, "p", groups=["ping"], depends_on_groups=["pong"])
        make(registry, "q", groups=["pong"], depends_on_groups=["ping"])
        with self.assertRaises(PlanError) as caught:
            SuitePlan.build(registry)
        self.assertIn("cannot order the suite", str(caught.exception))
