"""RackHD 2.60.7's contract as the project defines it, written from RackHD's behaviour.

The reference target serves and enforces these definitions; RackHD's own files (its Swagger
specs and JSON schemas) are not part of the project. They are read only by the agreement tests
(``tests/unit/reference/contract/``), which compare them with what is here.

- :mod:`.operation_table`     how an operation is written down (one text row) and parsed
- :mod:`.api_operations`      API 2.0's operations (``/api/2.0``)
- :mod:`.redfish_operations`  Redfish 1.0's (``/redfish/v1``) and the Redfish root (``/redfish``)
- :mod:`.operations`          all of them, and API 2.0's by operationId
- :mod:`.schema_builders`     the vocabulary body definitions are written in (JSON Schema draft 4)
- :mod:`.body_schemas`        the API 2.0 body schemas operations name in ``x-swagger-schema``
- :mod:`.obm_services`        the OBM services and their settings schemas
- :mod:`.formats`             the ``uri`` and ``ipv4`` checks, as ajv makes them
"""
