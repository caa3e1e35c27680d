"""Where RackHD serves its APIs: the one definition of each root every part of the harness builds on.

The reference server mounts the same northbound routes under the aliases RackHD has too
(``/api/current``, ``/api/common``); the suite, the clients and ``up --discover`` always name 2.0.
"""

from __future__ import annotations

#: the northbound REST API 2.0 (on-http's ``/api/2.0``)
API_ROOT = "/api/2.0"
#: the Redfish 1.0 service root
REDFISH_ROOT = "/redfish/v1"
