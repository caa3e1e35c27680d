"""Physical-lab inventories: a YAML file that names a lab's RackHD endpoints and its nodes' BMCs.

:mod:`.loader` reads and validates one (every error names ``file:line`` and the field, exit 2);
:mod:`.check` reaches every BMC and endpoint and prints a table. See docs/inventory.md.
"""

from rackharness.inventory.loader import Inventory, InventoryNode, load_inventory

__all__ = ["Inventory", "InventoryNode", "load_inventory"]
