"""``python -m rackharness.target --config target.json``: run the reference target."""
import sys

from rackharness.target.server import main

sys.exit(main())
