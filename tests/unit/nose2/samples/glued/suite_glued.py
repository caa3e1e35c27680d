"""Sample suite: a missing comma glues two group names into one that does not exist."""

from rackharness.suite.decorators import test


@test(groups=["nodes"])
def nodes():
    """A test in group nodes."""


@test(groups=["obms"])
def obms():
    """A test in group obms."""


@test(groups=["workflows"], depends_on_groups=["nodes" "obms"])  # fmt: skip # noqa: ISC001 - the bug this sample shows
def workflows():
    """Depends on the group 'nodesobms', which nobody defines."""
