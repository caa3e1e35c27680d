"""Sample suite for the known-differences plugin's tests: one test listed as a known difference that fails,
one listed that passes (``$SAMPLE_FIXED`` set: the difference is gone), and one plain test.

Every test appends its name to $SAMPLE_LOG.
"""

import os

from rackharness.suite.decorators import test


def ran(name):
    with open(os.environ["SAMPLE_LOG"], "a", encoding="utf-8") as log:
        log.write(name + "\n")


@test(groups=["known"])
class Known:
    @test
    def differs(self):
        """Listed in known.yaml for RackHD 2.60.7: fails (an error, not an assertion)."""
        ran("known.differs")
        raise RuntimeError("the target answered 200 where its spec documents 201")

    @test
    def fixed(self):
        """Listed in known.yaml for RackHD 2.60.7: passes unless $SAMPLE_FIXED is unset."""
        ran("known.fixed")
        assert os.environ.get("SAMPLE_FIXED"), "the target still differs"

    @test
    def plain(self):
        """Not listed: passes."""
        ran("known.plain")
