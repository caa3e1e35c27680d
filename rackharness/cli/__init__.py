"""The ``rackharness`` command line: one module per subcommand, :mod:`.main` wires them."""
