"""``python -m rackharness.suite [nose2 args]``: the black-box suite (:mod:`rackharness.suite.runner`)."""

import sys

from rackharness.suite.runner import main

sys.exit(main())
