"""Sample suite for the plugin's tests: first → second → third, an unrelated group, and cleanup.

Every test appends its name to $SAMPLE_LOG; $SAMPLE_FAIL names a test that fails.
"""

import os

from rackharness.suite.decorators import SkipTest, test


def ran(name):
    with open(os.environ["SAMPLE_LOG"], "a", encoding="utf-8") as log:
        log.write(name + "\n")
    if os.environ.get("SAMPLE_FAIL") == name:
        raise AssertionError(f"{name} fails on purpose")
    if os.environ.get("SAMPLE_SKIP") == name:
        raise SkipTest(f"{name} skips on purpose")


@test(groups=["third"], depends_on_groups=["second"])
class Third:
    @test
    def zeta(self):
        """Third group, written first: runs after second anyway."""
        ran("third.zeta")


@test(groups=["first"])
class First:
    @test
    def write_b(self):
        """Written before write_a: runs before it (written order, not A-Z)."""
        ran("first.write_b")
        self.value = 42

    @test
    def write_a(self):
        """Reads what write_b stored on the shared instance."""
        assert self.value == 42
        ran("first.write_a")


@test(groups=["second"], depends_on_groups=["first"])
def second_function():
    """A free function in group second."""
    ran("second.function")


@test(groups=["unrelated"])
def unrelated():
    """Depends on nothing; nothing depends on it."""
    ran("unrelated")


@test(groups=["cleanup"], always_run=True)
def cleanup():
    """Runs last, whatever failed."""
    ran("cleanup")
