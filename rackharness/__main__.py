"""``python -m rackharness`` is the ``rackharness`` console script."""

import sys

from rackharness.cli.main import main

sys.exit(main())
