"""Every RackHD operation the reference target knows, from the project's tables.

:data:`.api_operations.API_2_0` (``/api/2.0``), :data:`.redfish_operations.REDFISH_1_0`
(``/redfish/v1``) and :data:`.redfish_operations.REDFISH_ROOT` (``/redfish``), parsed once on first use.
"""

from __future__ import annotations

import functools

from rackharness.reference.contract.api_operations import API_2_0
from rackharness.reference.contract.operation_table import Operation
from rackharness.reference.contract.redfish_operations import REDFISH_1_0, REDFISH_ROOT

TABLES = (API_2_0, REDFISH_1_0, REDFISH_ROOT)


@functools.lru_cache(maxsize=1)
def all_operations() -> tuple[Operation, ...]:
    """Every operation of the three APIs, in the order RackHD's files list them."""
    return tuple(operation for table in TABLES for operation in table.operations())


@functools.lru_cache(maxsize=1)
def _api_by_id() -> dict[str, Operation]:
    return {operation.operation_id: operation for operation in API_2_0.operations()}


def api_operation(operation_id: str) -> Operation | None:
    """The API 2.0 operation named ``operation_id`` (the names the body checks use), or None."""
    return _api_by_id().get(operation_id)
