"""Discovery on the target side: what RackHD's on-taskgraph and on-tasks do for a PXE-booted node.

- :mod:`.parsers`   RackHD's command parser (on-tasks ``command-parser.js``): a command's stdout →
                    a catalog ``{source, data, store, lookups}``, quirks kept
- :mod:`.profiles`  ``GET /profiles`` and ``GET /tasks/bootstrap.js``: iPXE scripts, the bootstrap
                    script, creating unknown nodes and starting the discovery graph
- ``rackharness.reference.southbound``            where jobs offer commands to a node's task runner
- ``rackharness.reference.workflows.discovery_jobs``  the jobs of Graph.rancherDiscovery / Graph.SKU.Discovery
- ``rackharness.reference.api.southbound``       the node-facing routes
"""
