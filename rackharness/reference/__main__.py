"""``python -m rackharness.reference --config target.json``: run the reference target."""

import sys

from rackharness.reference.server import main

sys.exit(main())
