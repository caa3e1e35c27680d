"""The http_out seam; see :mod:`rackharness.transports` and this package's ``base``."""
