"""rackharness: bring a virtual or physical RackHD rack up, test it black-box, take it down.

Nothing here does I/O at import time; the CLI lives in :mod:`rackharness.cli`.
"""

__version__ = "0.2.0"
