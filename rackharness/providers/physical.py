"""The ``physical`` provider: a real lab described by an inventory (docs/inventory.md).

``up --provider physical --inventory FILE`` provisions nothing: it validates the inventory (schema
and secrets; exit 2 on a malformed one), then records the lab's endpoints and nodes — with each
node's ``power_control`` and expected SKU — in the state file, so the suite finds the lab exactly as
it finds a local rack. The state file (mode 0600) holds the resolved BMC passwords, as it does for a
local rack; ``status`` masks them. ``down`` removes the record; nothing runs, so health is empty.
"""

from __future__ import annotations

import time

from rackharness.errors import ConfigError
from rackharness.invocation import named
from rackharness.providers.base import Capabilities, RackProvider
from rackharness.stack_info import BmcAccess, NodeInfo, StackInfo
from rackharness.state import RackState

CONFIG_FILE = "config.json"


class PhysicalProvider(RackProvider):
    NAME = "physical"
    #: a lab's nodes are powered through their BMCs unless the inventory says ``power_control: false``
    CAPABILITIES = Capabilities(
        runs_services=False,
        in_process=False,
        bmcs_on_network=True,
        powers_nodes=True,
        discovers=True,
        provisions_nodes=False,
    )

    def services(self) -> list:
        return []

    def _inventory(self):
        from rackharness.inventory import load_inventory

        path = self.config["inventory"]
        if not path:
            raise ConfigError(
                "--provider physical needs --inventory FILE (or inventory: in --config)",
                hint=named("e.g. `./stack.sh up --provider physical --inventory physical/example-lab.yaml`"),
            )
        return load_inventory(path)

    def preflight(self) -> None:
        self._inventory()

    def up(self) -> RackState:
        inventory = self._inventory()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.config.save(self.state_dir / CONFIG_FILE)
        state = RackState(provider=self.NAME, status="up")
        info = StackInfo(
            provider=self.NAME,
            state_dir=self.state_dir,
            api_url=inventory.api_url,
            amqp_url=inventory.amqp_url,
            mongo_url=inventory.mongo_url,
            sut_kind="rackhd",
            nodes=tuple(
                NodeInfo(
                    name=n.name,
                    macs=tuple(n.macs),
                    sku=n.sku,
                    power_control=n.power_control,
                    bmc=BmcAccess(n.bmc_host, n.bmc_port, n.bmc_user, n.bmc_password),
                )
                for n in inventory.nodes
            ),
        )
        state.endpoints = {
            "lab": inventory.lab,
            "inventory": str(inventory.path.absolute()),
            "database": inventory.database,
            **info.to_endpoints(),
        }
        state.steps["prepare"] = time.time()
        self.store.save(state)
        self.say(
            named(
                f"lab {inventory.lab!r} recorded in {self.state_dir} from {inventory.path}: nothing "
                "provisioned; `rackharness inventory check` reaches its BMCs and endpoints"
            )
        )
        return state

    def down(self, *, force: bool = False) -> None:
        self.store.remove()

    def health(self, state: RackState) -> dict[str, bool]:
        return {}
