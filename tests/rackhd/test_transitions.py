"""transitions: a table of power transitions, one test per row, each checked on the BMC itself.

A row names the power state a node starts in, the power graph RackHD runs, how the graph ends,
the power state the BMC reports afterwards, and the System Event Log entries that show which IPMI
action reached the node. Each test sets the start state directly over IPMI (not through RackHD),
runs the graph through ``POST /api/2.0/nodes/{id}/workflows`` on a suite node whose ipmi OBM
drives that BMC, waits for the graph, then asks the BMC — power state and the SEL entries logged
since the start — rather than trusting RackHD's report. The SEL tells apart what the power state
cannot: a reboot (power cycle) from a reset from nothing at all.

Graphs and the IPMI action RackHD's ipmi-obm-service sends (contract §4, §5.7): Graph.PowerOn.Node
``chassis power on``, Graph.PowerOff.Node ``power off``, Graph.Reboot.Node ``power cycle``,
Graph.Reset.Node ``power reset``, Graph.Reset.Soft.Node ``power soft`` (an ACPI shutdown: the node
ends off). A cycle or reset of a node that is off is refused by the BMC (completion code 0xD5, as
IPMI 2.0 table 28-4 recommends), so those graphs fail and the node stays off. SEL events are named
by IPMI 2.0 table 42-3 (sensor type, sensor-specific offset), not by any decoder's wording.
"""

from dataclasses import dataclass

from rackharness.api_paths import API_ROOT
from rackharness.clients.rest import describe_graph, graph_status, graph_tasks
from rackharness.errors import ReadinessTimeout
from rackharness.suite.checks import ipmi_obm_config, wait_for_power
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test

IPMI = "ipmi-obm-service"
GRAPH_TIMEOUT = 30.0  # seconds a power graph may take (it takes well under one on the virtual rack)
SENSOR_SPECIFIC = 0x6F  # event/reading type of the events below

#: SEL events by name: (sensor type, offset), IPMI 2.0 table 42-3
SEL_EVENTS = {
    "power-off": (0x09, 0x00),  # Power Unit: power off / power down
    "power-cycle": (0x09, 0x01),  # Power Unit: power cycle
    "power-up": (0x1D, 0x00),  # System Boot / Restart Initiated: initiated by power up
    "hard-reset": (0x1D, 0x01),  # System Boot / Restart Initiated: initiated by hard reset
    "acpi-working": (0x22, 0x00),  # ACPI Power State: S0/G0 working
    "acpi-soft-off": (0x22, 0x05),  # ACPI Power State: S5/G2 soft-off
}
#: every power event: a row that lists them all as absent says "the node was not touched"
ANY_POWER_EVENT = tuple(SEL_EVENTS)


@dataclass(frozen=True)
class Transition:
    case_id: str
    start: str  # "on" | "off", set directly on the BMC
    graph: str  # run through RackHD
    end: str  # what the BMC reports afterwards
    status: str = "succeeded"  # how the graph ends
    logged: tuple = ()  # SEL events that must appear
    absent: tuple = ()  # SEL events that must not appear
    why: str = ""


TABLE = (
    Transition("off-to-on", "off", "Graph.PowerOn.Node", "on", logged=("power-up",), why="power on"),
    Transition(
        "on-stays-on", "on", "Graph.PowerOn.Node", "on", absent=ANY_POWER_EVENT, why="a running node is left alone"
    ),
    Transition("on-to-off", "on", "Graph.PowerOff.Node", "off", logged=("power-off",), why="power off"),
    Transition(
        "off-stays-off",
        "off",
        "Graph.PowerOff.Node",
        "off",
        absent=ANY_POWER_EVENT,
        why="a node that is off is left alone",
    ),
    Transition(
        "on-cycles-to-on",
        "on",
        "Graph.Reboot.Node",
        "on",
        logged=("power-cycle", "power-up"),
        absent=("hard-reset",),
        why="power cycle",
    ),
    Transition(
        "on-resets-to-on",
        "on",
        "Graph.Reset.Node",
        "on",
        logged=("hard-reset",),
        absent=("power-off", "power-cycle"),
        why="hard reset, power stays on",
    ),
    Transition(
        "on-soft-off",
        "on",
        "Graph.Reset.Soft.Node",
        "off",
        logged=("acpi-soft-off",),
        absent=("power-cycle", "hard-reset"),
        why="ACPI shutdown",
    ),
    Transition(
        "off-cycle-refused",
        "off",
        "Graph.Reboot.Node",
        "off",
        status="failed",
        absent=ANY_POWER_EVENT,
        why="the BMC refuses to cycle a node that is off",
    ),
    Transition(
        "off-reset-refused",
        "off",
        "Graph.Reset.Node",
        "off",
        status="failed",
        absent=ANY_POWER_EVENT,
        why="the BMC refuses to reset a node that is off",
    ),
)


def sel_event(entry):
    """The SEL_EVENTS name of a decoded SEL entry (an asserted sensor-specific power event), else None."""
    if entry.get("deassertion"):
        return None
    reading, _, offset = str(entry.get("event_id", "")).partition(".")
    if reading != str(SENSOR_SPECIFIC) or not offset.isdigit():
        return None
    key = (entry.get("component_type_id"), int(offset))
    return next((name for name, code in SEL_EVENTS.items() if code == key), None)


def last_record_id(entries):
    """The highest SEL record id (0 for an empty SEL): entries logged later have higher ones."""
    return max((e.get("record_id") or 0 for e in entries), default=0)


def check_transition(row, index):
    """Set ``row.start`` on a rack node's BMC, run ``row.graph`` through RackHD, check the BMC afterwards."""
    ctx = suite_context()
    nodes = ctx.bmc_nodes(power=True, driven_by_target=True)  # RackHD powers it over IPMI
    rack = nodes[(index + 1) % len(nodes)]  # spread over the rack; the workflows group uses the first node
    obm = ctx.obm(rack)
    node_id = ctx.create_node(f"transition-{row.case_id}")["id"]
    ctx.api.put(
        f"{API_ROOT}/nodes/{node_id}/obm",
        {"nodeId": node_id, "service": IPMI, "config": ipmi_obm_config(rack.bmc)},
        expect=(201,),
    )

    obm.power_on() if row.start == "on" else obm.power_off()
    wait_for_power(obm, rack.name, row.start)
    before = last_record_id(obm.sel())

    graph = ctx.api.post(f"{API_ROOT}/nodes/{node_id}/workflows", {"name": row.graph}, expect=(201,))
    try:
        graph = ctx.api.wait_for_workflow(graph["instanceId"], GRAPH_TIMEOUT, interval=0.05)
    except ReadinessTimeout:  # leave nothing running
        ctx.api.put(f"{API_ROOT}/nodes/{node_id}/workflows/action", {"command": "cancel"}, expect=(202, 404))
        raise
    errors = [f"{t.get('label')}: {t['error']}" for t in graph_tasks(graph) if t.get("error")]
    hint = ""
    if errors and int(rack.bmc.port or 623) != 623:
        hint = (
            f" (note: the BMC listens on UDP {rack.bmc.port}; RackHD's ipmi-obm-service runs ipmitool -H host, "
            "i.e. port 623, and ignores config.port, which only the reference target honours)"
        )
    asserts.assert_equal(
        graph_status(graph),
        row.status,
        f"{row.case_id}: {row.graph} on {rack.name} ({row.start}) ended {describe_graph(graph)}"
        + (f"; task errors: {'; '.join(errors)}" if errors else "")
        + hint,
    )

    wait_for_power(obm, rack.name, row.end)
    entries = obm.sel()
    new = [e for e in entries if (e.get("record_id") or 0) > before]
    seen = [sel_event(e) for e in new]
    shown = ", ".join(f"{e.get('component_type')}: {e.get('event')}" for e in new) or "nothing"
    missing = [name for name in row.logged if name not in seen]
    asserts.assert_equal(
        missing,
        [],
        f"{row.case_id}: {rack.name}'s SEL lacks {missing} after {row.graph}; "
        f"it logged {shown}" + (f" (the SEL holds {len(entries)} entries: is it full?)" if not new else ""),
    )
    unexpected = sorted({name for name in seen if name in row.absent})
    asserts.assert_equal(
        unexpected,
        [],
        f"{row.case_id}: {row.graph} on {rack.name} ({row.start}) logged {unexpected}; it logged {shown}",
    )


def describe(row):
    """The row as its test's docstring: what it verifies, in one line."""
    if row.absent == ANY_POWER_EVENT:
        sel = "no power event in the SEL"
    else:
        sel = f"SEL logs {', '.join(row.logged)}" + (f", not {', '.join(row.absent)}" if row.absent else "")
    return f"{row.start} → {row.graph} → {row.end} ({row.why}): graph {row.status}, BMC reports {row.end}, {sel}."


def transition_test(row, index):
    def run():
        check_transition(row, index)

    name = "transition_" + row.case_id.replace("-", "_")
    run.__name__ = run.__qualname__ = name
    run.__doc__ = describe(row)
    run.case_id = row.case_id
    # after workflows (same BMCs), but not skipped when a workflows test fails: each row stands alone
    return test(groups=["transitions"], depends_on_groups=["smoke"], runs_after_groups=["workflows"])(run)


for _index, _row in enumerate(TABLE):
    globals()[f"transition_{_row.case_id.replace('-', '_')}"] = transition_test(_row, _index)

del _index, _row
