"""The transport seams: one per protocol, each a small contract with a real side and a fake side.

=============  ===========================  ==========================  =============================
seam           contract (``base``)          real side                   fake side
=============  ===========================  ==========================  =============================
HTTP out       :mod:`.http_out.base`        ``requests`` (``http://``)  in-process handler or WSGI
                                                                        app (``inprocess://<name>``)
HTTP in        :mod:`.http_in.base`         threaded ``http.server``    in-process listener
                                            (``http://host:port``)      (``inprocess://<name>``)
AMQP           :mod:`.amqp.base`            pika (``amqp://``)          memory broker (``memory://``)
Mongo          :mod:`.mongo.base`           pymongo (``mongodb://``)    mongomock (``mongomock://``)
IPMI           :mod:`.ipmi.base`            pyghmi (UDP)                in-process sessions
=============  ===========================  ==========================  =============================

Each seam's ``chooser`` picks a side by the URL's scheme and imports it only then. The sides of a
seam import its ``base`` and never each other; nothing here imports :mod:`rackharness.clients`,
``suite``, ``providers``, ``rack`` or ``reference`` (``tests/unit/transports/test_import_graph.py``
checks both). Record/replay wraps these seams. Package ``__init__`` modules import nothing.
"""
