"""The clients tests use to act on a rack and check the effect, one per protocol.

Each sits on a small transport seam (a real side, room for a fake and a recorder), so isolated
mode and record/replay plug in without changing any test:

- :mod:`.rest`   the RackHD API (requests), typed errors, auth, ``wait_for_workflow``
- :mod:`.events` AMQP event expectations (pika) on exclusive auto-named queues, and a publisher;
  :mod:`.amqp_transport` is its seam (``open_transport``: pika for ``amqp://``, :mod:`.memory_broker`
  for ``memory://<name>``, an in-process broker shared by name)
- :mod:`.seed`   Mongo seeding in RackHD's document shapes, with cleanup that always runs;
  :mod:`.mongo_connect` is its seam (and the target's): ``mongodb://`` is pymongo, ``mongomock://<name>``
  an in-memory store shared by name within the process
- :mod:`.obm`    IPMI checks of a node's BMC (pyghmi): power, boot device, SDR, SEL
- :mod:`.ipmi_session` bounded calls on one shared pyghmi session per BMC (also used by the
  reference target's workflow engine)
"""
