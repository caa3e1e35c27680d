"""discovery: every rack node, powered on through its BMC with boot device pxe, is discovered by RackHD.

Discovery (contract §5): a node PXE-boots into iPXE, which asks ``GET /api/current/profiles?macs=..``;
RackHD creates the node (``name`` = its MACs joined by ``,``, ``identifiers`` = the MACs in lowercase
colon form, ``type`` compute), publishes ``node.added`` and runs ``Graph.SKU.Discovery``, whose inner
discovery graph boots the microkernel, catalogs the node (``dmi`` from dmidecode, ``bmc`` from
``ipmitool lan print``, ``ipmi-fru`` from ``ipmitool fru``, ...) and announces ``node.discovered``.
A node is discovered when it has catalogs and its latest discovery graph (``GET
/nodes/{id}/workflows``) ended ``succeeded`` with nothing active (§3: "discovered ⇔ at least one
catalog"). Events: ``node.added`` first, then ``node.discovered`` and the ``graph.finished`` of the
graph holding the node, in either order (RackHD 2.60.7, observed: no ``graph.started`` carries the
node, and the graph finishes before ``node.discovered``; §5.6's order was derived from code).

The catalogs are checked against the BMC itself, read over IPMI by the suite (not through RackHD):
the ``bmc`` catalog's IP and MAC address are the BMC's LAN configuration, the ``ipmi-fru`` catalog and
the ``dmi`` system serial are its FRU, the ``dmi`` UUID is its system GUID.

The group first forgets the rack nodes RackHD knows from an earlier discovery (their active graphs
cancelled, then ``DELETE /nodes/{id}``), so it sees discovery from the start, and leaves the rack
discovered — every rack node known with its catalogs — and powered off, so the groups after it start
from a quiet rack. Rack nodes are real nodes: the cleanup group does not delete them.
"""

from rackharness.api_paths import API_ROOT
from rackharness.clients.rest import describe_graph, graph_status
from rackharness.errors import HttpStatusError
from rackharness.suite.checks import ACTIVE_STATES, wait_for_power, wait_until_idle
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test
from rackharness.wait import Condition, Observation

GRAPH_CANCEL_TIMEOUT = 30.0
EVENT_TIMEOUT = 15.0


def macs_of(rack):
    return [mac.lower() for mac in rack.macs]


def target_node(ctx, rack):
    """The RackHD node whose identifiers include one of the rack node's MACs, or None."""
    for node in ctx.api.get(f"{API_ROOT}/nodes"):
        if set(macs_of(rack)) & {str(i).lower() for i in node.get("identifiers") or []}:
            return node
    return None


def node_graphs(ctx, node_id):
    return ctx.api.get(f"{API_ROOT}/nodes/{node_id}/workflows")


def discovery_graph(graphs):
    """The node's latest discovery graph (raw), or None."""
    found = [g for g in graphs if "Discovery" in str(g.get("injectableName", ""))]
    return max(found, key=lambda g: str(g.get("createdAt") or ""), default=None)


def discovered(ctx, rack):
    """``(node id or None, what was seen)``: the id once the rack node counts as discovered."""
    node = target_node(ctx, rack)
    if node is None:
        return None, "unknown to RackHD"
    graphs = node_graphs(ctx, node["id"])
    active = [g.get("injectableName") for g in graphs if graph_status(g) in ACTIVE_STATES]
    if active:
        return None, f"node {node['id']}: graph(s) {', '.join(map(str, active))} active"
    graph = discovery_graph(graphs)
    if graph is not None and graph_status(graph) != "succeeded":
        return None, f"node {node['id']}: {graph.get('injectableName')} ended {describe_graph(graph)}"
    catalogs = ctx.api.get(f"{API_ROOT}/nodes/{node['id']}/catalogs")
    if not catalogs:
        return None, f"node {node['id']}: no catalogs yet"
    return node["id"], f"node {node['id']}: {len(catalogs)} catalogs"


def catalog(ctx, node_id, source):
    """The node's latest catalog of ``source`` (raw: ``{id, node, source, data, ...}``)."""
    return ctx.api.get(f"{API_ROOT}/nodes/{node_id}/catalogs/{source}")


def same_uuid(a, b):
    """Equal as UUIDs, also when one side has SMBIOS's byte-swapped first three fields."""
    a, b = str(a).lower(), str(b).lower()
    if a == b:
        return True
    parts = a.split("-")
    if len(parts) != 5:
        return False
    swapped = ["".join(reversed([p[i : i + 2] for i in range(0, len(p), 2)])) for p in parts[:3]] + parts[3:]
    return "-".join(swapped) == b


@test(groups=["discovery"], depends_on_groups=["smoke"])
class RackDiscovery:
    """Every rack node, booted over the network from an IPMI power on, is discovered and catalogued."""

    @test
    def rack_nodes_known_before_are_forgotten(self):
        """Rack nodes RackHD knows from an earlier discovery are powered off and deleted (their graphs cancelled)."""
        ctx = suite_context()
        self.racks = ctx.bmc_nodes(power=True)
        for rack in self.racks:
            obm = ctx.obm(rack)
            obm.power_off()
            wait_for_power(obm, rack.name, "off")
        for rack in self.racks:
            node = target_node(ctx, rack)
            if node is None:
                continue
            try:
                ctx.api.put(f"{API_ROOT}/nodes/{node['id']}/workflows/action", {"command": "cancel"}, expect=(202, 404))
            except HttpStatusError:
                pass

            wait_until_idle(
                ctx.api,
                node_id=node["id"],
                timeout=GRAPH_CANCEL_TIMEOUT,
                interval=0.2,
                why=f"(of {rack.name}) the cancel",
            )
            ctx.api.delete(f"{API_ROOT}/nodes/{node['id']}", expect=(204,))
        left = [rack.name for rack in self.racks if target_node(ctx, rack) is not None]
        asserts.assert_equal(left, [], "rack nodes RackHD still knows after DELETE /nodes/{id}")

    @test(depends_on=[rack_nodes_known_before_are_forgotten])
    def powered_on_nodes_are_discovered(self):
        """Each rack node, set to boot pxe and powered on over IPMI, gets catalogs and a succeeded discovery graph."""
        ctx = suite_context()
        self.node_ids = {}
        with ctx.events() as events:
            events.expect("node.#", min=0)
            events.expect("graph.#", min=0)
            for rack in self.racks:
                obm = ctx.obm(rack)
                obm.set_boot_device("network")
                obm.power_on()
            seen = {}

            def probe():
                for rack in self.racks:
                    if rack.name not in self.node_ids:
                        node_id, seen[rack.name] = discovered(ctx, rack)
                        if node_id:
                            self.node_ids[rack.name] = node_id
                waiting = [f"{name}: {text}" for name, text in seen.items() if name not in self.node_ids]
                return Observation(not waiting, "; ".join(waiting) or "all discovered")

            Condition(
                probe=probe,
                what=f"{len(self.racks)} rack nodes to be discovered",
                timeout=ctx.target.discover_timeout,
                interval=0.5,
                transient=(),
                hint="`rackharness up --discover` reports where each node stopped (rack side and target side)",
            ).wait()
            for node_id in self.node_ids.values():  # published by now: the API shows the graphs ended
                events.expect(f"node.discovered.information.{node_id}.#", name=f"node.discovered of {node_id}")
                events.expect(f"graph.finished.information.*.{node_id}", name=f"graph.finished of {node_id}")
            events.wait(EVENT_TIMEOUT)
            self.received = list(events.received)

    @test(depends_on=[powered_on_nodes_are_discovered])
    def discovered_nodes_are_named_by_their_macs(self):
        """A discovered node's identifiers are its MACs (lower case) and its name is them joined by ','."""
        ctx = suite_context()
        for rack in self.racks:
            node = ctx.api.get(f"{API_ROOT}/nodes/{self.node_ids[rack.name]}")
            asserts.assert_equal(
                sorted(node.get("identifiers") or []),
                sorted(macs_of(rack)),
                f"{rack.name}'s identifiers: {node!r:.300}",
            )
            asserts.assert_equal(
                sorted(str(node.get("name", "")).split(",")),
                sorted(macs_of(rack)),
                f"{rack.name}'s node name: {node.get('name')!r}",
            )
            asserts.assert_equal(node.get("type"), "compute", f"{rack.name}'s node type")

    @test(depends_on=[powered_on_nodes_are_discovered])
    def events_come_in_discovery_order(self):
        """Per node: node.added first, then node.discovered and its discovery graph's graph.finished (either order).

        RackHD 2.60.7 publishes no graph.started carrying the node (only the outer SKU graph's, keyed without
        a node id) and finishes the node's graph before node.discovered; neither is asked here."""
        for rack in self.racks:
            node_id = self.node_ids[rack.name]
            keys = [m.routing_key for m in self.received]
            mine = [k for k in keys if k.endswith(f".{node_id}")]
            first = {}
            for index, key in enumerate(keys):
                if key.endswith(f".{node_id}"):
                    first.setdefault(".".join(key.split(".")[:2]), index)
            order = [first.get(k) for k in ("node.added", "node.discovered", "graph.finished")]
            asserts.assert_true(
                None not in order and order[0] == min(order),
                f"{rack.name} ({node_id}): events out of order or missing; its events: {mine}",
            )
            discovered_event = next(
                m for m in self.received if m.routing_key == f"node.discovered.information.{node_id}.{node_id}"
            )
            data = discovered_event.body.get("data") or {}
            asserts.assert_equal(data.get("nodeId"), node_id, f"node.discovered data: {discovered_event.excerpt(400)}")
            announced = {str(a.get("macAddress", "")).lower() for a in data.get("ipMacAddresses") or []}
            asserts.assert_true(
                set(macs_of(rack)) <= announced,
                f"node.discovered ipMacAddresses should list {macs_of(rack)}: {discovered_event.excerpt(400)}",
            )

    @test(depends_on=[powered_on_nodes_are_discovered])
    def dmi_catalog_agrees_with_the_bmc(self):
        """The dmi catalog's system serial is the BMC's FRU product serial, its UUID the BMC's system GUID."""
        ctx = suite_context()
        for rack in self.racks:
            system = catalog(ctx, self.node_ids[rack.name], "dmi")["data"].get("System Information", {})
            obm = ctx.obm(rack)
            fru = obm.fru()
            asserts.assert_equal(
                system.get("Serial Number"),
                fru.get("Serial Number"),
                f"{rack.name}: dmi System Information serial vs the BMC's FRU product serial",
            )
            guid = obm.system_guid()
            asserts.assert_true(
                same_uuid(system.get("UUID"), guid),
                f"{rack.name}: dmi UUID {system.get('UUID')!r} vs the BMC's system GUID {guid!r}",
            )

    @test(depends_on=[powered_on_nodes_are_discovered])
    def bmc_catalog_agrees_with_the_bmc_lan_configuration(self):
        """The bmc catalog (ipmitool lan print) has the IP and MAC address the BMC reports over the LAN."""
        ctx = suite_context()
        for rack in self.racks:
            data = catalog(ctx, self.node_ids[rack.name], "bmc")["data"]
            lan = ctx.obm(rack).lan()
            asserts.assert_equal(
                str(data.get("MAC Address", "")).lower(),
                str(lan.get("mac_address", "")).lower(),
                f"{rack.name}: bmc catalog MAC Address vs the BMC's LAN configuration",
            )
            asserts.assert_equal(
                data.get("IP Address"),
                str(lan.get("ipv4_address", "")).split("/")[0],
                f"{rack.name}: bmc catalog IP Address vs the BMC's LAN configuration",
            )

    @test(depends_on=[powered_on_nodes_are_discovered])
    def fru_catalog_agrees_with_the_bmc_fru(self):
        """The ipmi-fru catalog (ipmitool fru) has the serials, manufacturer and product of the BMC's FRU."""
        ctx = suite_context()
        pairs = (
            ("Product Serial", "Serial Number"),
            ("Board Serial", "Board serial number"),
            ("Chassis Serial", "Chassis serial number"),
            ("Product Manufacturer", "Manufacturer"),
            ("Product Name", "Product name"),
        )
        for rack in self.racks:
            data = catalog(ctx, self.node_ids[rack.name], "ipmi-fru")["data"]
            builtin = next((v for k, v in data.items() if k.startswith("Builtin FRU Device")), None)
            asserts.assert_true(
                isinstance(builtin, dict), f"{rack.name}: ipmi-fru catalog without the builtin FRU: {data!r:.300}"
            )
            fru = ctx.obm(rack).fru()
            for catalog_key, bmc_key in pairs:
                asserts.assert_equal(
                    str(builtin.get(catalog_key, "")).strip(),
                    str(fru.get(bmc_key, "")).strip(),
                    f"{rack.name}: ipmi-fru {catalog_key!r} vs the BMC's FRU {bmc_key!r}",
                )

    @test(
        depends_on=[powered_on_nodes_are_discovered],
        runs_after=[
            discovered_nodes_are_named_by_their_macs,
            events_come_in_discovery_order,
            dmi_catalog_agrees_with_the_bmc,
            bmc_catalog_agrees_with_the_bmc_lan_configuration,
            fru_catalog_agrees_with_the_bmc_fru,
        ],
    )
    def rack_is_left_discovered_and_powered_off(self):
        """Every rack node is still known with catalogs once powered off again over IPMI."""
        ctx = suite_context()
        for rack in self.racks:
            obm = ctx.obm(rack)
            obm.power_off()
            wait_for_power(obm, rack.name, "off")
        for rack in self.racks:
            node = target_node(ctx, rack)
            asserts.assert_true(node is not None, f"{rack.name} is no longer known to RackHD")
            asserts.assert_true(
                ctx.api.get(f"{API_ROOT}/nodes/{node['id']}/catalogs"), f"{rack.name} lost its catalogs"
            )
