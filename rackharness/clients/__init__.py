"""The clients tests use to act on a rack and check the effect, one per protocol.

Each is built on a transport seam of :mod:`rackharness.transports` (a real side, a fake side, a
chooser by URL), so isolated mode and record/replay plug in without changing any test:

- :mod:`.rest`   the RackHD API, typed errors, auth, ``wait_for_workflow``; over the HTTP-out seam
  (:mod:`rackharness.transports.http_out`: requests, or an in-process handler)
- :mod:`.events` AMQP event expectations on exclusive auto-named queues, and a publisher; over the
  AMQP seam (:mod:`rackharness.transports.amqp`: pika for ``amqp://``, the in-process broker for
  ``memory://<name>``)
- :mod:`.seed`   Mongo seeding in RackHD's document shapes, with cleanup that always runs; over the
  Mongo seam (:mod:`rackharness.transports.mongo`: pymongo for ``mongodb://``, mongomock for
  ``mongomock://<name>``)
- :mod:`.obm`    IPMI checks of a node's BMC: power, boot device, SDR, SEL; over the IPMI seam
  (:mod:`rackharness.transports.ipmi`: one shared bounded pyghmi session per BMC)
"""
