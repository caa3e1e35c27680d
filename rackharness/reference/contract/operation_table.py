"""How the project writes RackHD's operations down: one text row per operation, parsed on demand.

on-http 2.60.7 describes every route in three Swagger files (``monorail-2.0.yaml`` under
``/api/2.0``, ``redfish.yaml`` under ``/redfish/v1``, ``redfish-root.yaml`` under ``/redfish``).
For each operation it says who may call it (``x-authentication-type``: the passport strategies
tried in order; none means the route is open), what the caller's role must grant
(``x-privileges``: any one of them) and, for some, which schema judges the request body
(``x-swagger-schema``). The tables in :mod:`.api_operations` and :mod:`.redfish_operations`
carry exactly that, one operation a line::

    operationId   METHOD  path-template   privileges   [auth=a,b | auth=open]  [body=<schema ref>]

``privileges`` is comma-separated, ``-`` for none, and may be left out where the table has a
default (Redfish: ``Login``); ``auth=`` is written only where an operation differs from its
table's default. RackHD's own spelling is kept wherever it changes behaviour (the lowercase
``write`` on two SKU operations, ``jwt anonymous`` on user creation, ``Write`` on ``obmsRead``).
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN = "open"  # auth= value of an operation that names no x-authentication-type
NO_PRIVILEGES = "-"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # the API's base path + the path template ("/redfish/v1/Systems/{identifier}")
    authentication: tuple[str, ...]  # x-authentication-type, in order; empty: open
    privileges: tuple[str, ...]  # x-privileges; any one grants the call
    body: str | None = None  # x-swagger-schema: a schema ref, "obm" or "ibm"


@dataclass(frozen=True)
class OperationTable:
    """One API's operations: its base path, the defaults its rows leave out, and the rows."""

    base_path: str
    rows: str
    authentication: tuple[str, ...]
    privileges: tuple[str, ...] = ()

    def operations(self) -> tuple[Operation, ...]:
        return tuple(
            self._parse(line) for line in self.rows.splitlines() if line.strip() and not line.lstrip().startswith("#")
        )

    def _parse(self, line: str) -> Operation:
        operation_id, method, template, *rest = line.split()
        options = dict(cell.split("=", 1) for cell in rest if "=" in cell)
        unknown = set(options) - {"auth", "body"}
        if unknown:
            raise ValueError(f"operation {operation_id}: unknown option(s) {sorted(unknown)}")
        plain = [cell for cell in rest if "=" not in cell]
        if len(plain) > 1:
            raise ValueError(f"operation {operation_id}: one privileges cell expected, got {plain}")
        privileges = _names(plain[0]) if plain else self.privileges
        authentication = _names(options["auth"]) if "auth" in options else self.authentication
        return Operation(
            operation_id, method.upper(), self.full_path(template), authentication, privileges, options.get("body")
        )

    def full_path(self, template: str) -> str:
        """The base path and the template, as on-http mounts it (the template ``/`` is the base itself)."""
        return self.base_path.rstrip("/") + (template if template != "/" else "")


def _names(cell: str) -> tuple[str, ...]:
    return () if cell in (OPEN, NO_PRIVILEGES) else tuple(cell.split(","))
