"""``python -m rackharness.rack --spec rack.json``: run the rack process."""

import sys

from rackharness.rack.process import main

sys.exit(main())
