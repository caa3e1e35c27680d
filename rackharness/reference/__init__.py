"""The RackHD reference target: a RackHD-compatible server written from the 2.60.7 contract.

It serves the northbound API 2.0 (``/api/2.0``, aliases ``/api/current`` and ``/api/common``)
over MongoDB state in RackHD's own database layout, publishes RackHD's events on the AMQP
``on.events`` exchange, runs the power workflows against the nodes' BMCs over IPMI, and
discovers PXE-booted nodes through RackHD's southbound API.
It is not RackHD: docs/reference-target.md lists where it deliberately differs.

- :mod:`.context`    what every part shares (db, event bus, workflow engine, RackHD config)
- :mod:`.documents`  collection names, ids, timestamps, node lookup, the API error type
- :mod:`.app`        the Flask application: prefixes, error bodies, blueprints
- :mod:`.spec`       request bodies checked against each operation's x-swagger-schema
- :mod:`.views`      view vs raw rendering; :mod:`.queries` list filters, paging, sort
- :mod:`.api`        one module per resource family (nodes, obms, catalogs, workflows, ...)
- :mod:`.events`     the on.events publisher and the on-http heartbeat
- :mod:`.workflows`  the workflow engine, graph/task library, OBM services and the discovery jobs
- :mod:`.discovery`  RackHD's command parser, the /profiles and bootstrap.js texts, starting discovery
- :mod:`.southbound` where jobs offer commands to a node's task runner (GET/POST /tasks/{id})
- :mod:`.lookups`    the lookups collection (MAC → node, MAC → IP)
- :mod:`.auth`       local users and roles, RackHD's JWTs, Redfish sessions, the auth endpoint's gate
- :mod:`.server`     the process: ``python -m rackharness.reference --config target.json``
"""
