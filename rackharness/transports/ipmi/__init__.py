"""The ipmi seam; see :mod:`rackharness.transports` and this package's ``base``."""
