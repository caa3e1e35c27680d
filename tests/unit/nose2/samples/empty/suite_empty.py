"""Sample suite: its only test is disabled, so nothing runs."""

from rackharness.suite.decorators import test


@test(groups=["nothing"], enabled=False)
def disabled():
    """Never runs."""
