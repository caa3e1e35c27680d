"""The http_in seam; see :mod:`rackharness.transports` and this package's ``base``."""
