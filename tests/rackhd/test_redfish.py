"""redfish: RackHD's Redfish service (/redfish/v1) over the discovered rack, a reset verified on the BMC.

``GET /redfish`` answers the protocol versions (``v1``); the ServiceRoot links Systems, Chassis,
Managers, Tasks (the TaskService) and the SessionService. ``Systems`` lists every compute node by
id (``Members@odata.count``); a ComputerSystem is built from the node's catalogs (``UUID``,
``SerialNumber``, ``Model`` from dmi). ``Managers`` lists the reserved ``RackHD`` manager and
``Chassis`` the enclosures. ``GET .../Actions/ComputerSystem.Reset`` lists the allowable
ResetTypes; ``POST`` with one answers 202 ``{"@odata.id": "/redfish/v1/TaskService/Tasks/<id>"}``
(and ``Location``), runs the matching power graph (On → Graph.PowerOn.Node, ForceOff →
Graph.PowerOff.Node, ...), and the task reaches ``Completed``; what the node did is read from its
BMC over IPMI, not from RackHD. An unknown ResetType is 400, an unknown system 404. A session
``POST /SessionService/Sessions {"UserName", "Password"}`` answers 201 with ``X-Auth-Token``, is
listed, and ``DELETE`` ends it. RackHD's own PyPI client ``on_http_redfish_1_0`` lists the systems
and resets one. (contract §1.1, §1.5, §7)

The group runs on the rack the discovery group left discovered. A reset changes a rack node's
power: the state it had is recorded in the run's ledger first (kind ``power``) and each test puts
it back; the cleanup group restores any recorded state a failed test left changed.
"""

import json

from rackharness.api_paths import API_ROOT
from rackharness.suite.checks import wait_for_power
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import SkipTest, asserts, test
from rackharness.wait import Condition, Observation

REDFISH = "/redfish/v1"
SESSIONS = f"{REDFISH}/SessionService/Sessions"
RESET_TYPES = {"On", "ForceOff", "GracefulRestart", "ForceRestart", "ForceOn", "PushPowerButton"}
TASK_TIMEOUT = 60.0  # seconds a power graph may take, seen through the TaskService
FINAL_TASK_STATES = ("Completed", "Exception", "Killed")


def answer(ctx, method, path, body=None):
    """Send a request and return the response whatever its status (the caller checks it)."""
    return ctx.api.send(method, path, json=body, expect=range(100, 600))


def rack_node_ids(ctx):
    """{rack node name: RackHD node id} for every rack node RackHD knows (by one of its MACs)."""
    nodes = ctx.api.get(f"{API_ROOT}/nodes")
    found = {}
    for rack in ctx.target.nodes:
        macs = {mac.lower() for mac in rack.macs}
        node = next((n for n in nodes if macs & {str(i).lower() for i in n.get("identifiers") or []}), None)
        if node is not None:
            found[rack.name] = node["id"]
    return found


def members(body):
    return [m.get("@odata.id") for m in body.get("Members") or []]


def same_uuid(a, b):
    """Equal as UUIDs, also when one side has SMBIOS's byte-swapped first three fields."""
    a, b = str(a).lower(), str(b).lower()
    parts = a.split("-")
    swapped = "-".join(["".join(reversed([p[i : i + 2] for i in range(0, len(p), 2)])) for p in parts[:3]] + parts[3:])
    return a == b or (len(parts) == 5 and swapped == b)


def powered(obm):
    return obm.power_status()


def remember_power(ctx, rack, obm):
    """Record the rack node's power state in the ledger (cleanup restores it) and return it."""
    state = powered(obm)
    ctx.created("power", rack.name, state)
    return state


def wait_for_task(ctx, task_path):
    """The TaskService's Task once its TaskState is final; fails showing the last answer."""
    seen = {}

    def probe():
        seen["task"] = ctx.api.get(task_path)
        return Observation(
            seen["task"].get("TaskState") in FINAL_TASK_STATES,
            f"{task_path} answered TaskState {seen['task'].get('TaskState')!r}",
        )

    Condition(probe=probe, what=f"task {task_path} to finish", timeout=TASK_TIMEOUT, interval=0.1, transient=()).wait()
    return seen["task"]


def reset(ctx, node_id, reset_type):
    """POST a reset → 202 with the task link (also in Location); returns the task path."""
    response = answer(
        ctx, "POST", f"{REDFISH}/Systems/{node_id}/Actions/ComputerSystem.Reset", {"ResetType": reset_type}
    )
    asserts.assert_equal(response.status_code, 202, f"Reset {reset_type} of {node_id}: {response.text[:300]}")
    task_path = response.json().get("@odata.id", "")
    asserts.assert_true(
        task_path.startswith(f"{REDFISH}/TaskService/Tasks/"),
        f"Reset {reset_type} should answer a TaskService task link: {response.text[:300]}",
    )
    asserts.assert_equal(response.headers.get("Location"), task_path, "Location should be the task link")
    return task_path


def needs_obm(ctx, node_id, rack):
    if not ctx.api.get(f"{API_ROOT}/nodes/{node_id}/obm"):
        raise SkipTest(f"{rack.name} (node {node_id}) has no OBM: RackHD cannot power it (autoCreateObm off?)")


@test(groups=["redfish"], depends_on_groups=["discovery"], runs_after_groups=["transitions", "pollers"])
class RedfishService:
    """The Redfish service lists the discovered rack, and a reset through it reaches the BMC."""

    def __init__(self):
        self.node_ids = {}

    @test
    def versions_and_service_root(self):
        """GET /redfish lists v1; the ServiceRoot links Systems, Chassis, Managers, Tasks and SessionService."""
        ctx = suite_context()
        versions = ctx.api.get("/redfish")
        asserts.assert_equal(str(versions.get("v1", "")).rstrip("/"), REDFISH, f"GET /redfish: {versions!r:.300}")
        root = ctx.api.get(f"{REDFISH}/")
        asserts.assert_equal(root.get("Name"), "Root Service", f"ServiceRoot: {root!r:.300}")
        asserts.assert_true(str(root.get("@odata.type", "")).startswith("#ServiceRoot."), f"ServiceRoot: {root!r:.300}")
        asserts.assert_true(root.get("UUID"), f"ServiceRoot without a UUID: {root!r:.300}")
        for key, path in (
            ("Systems", "Systems"),
            ("Chassis", "Chassis"),
            ("Managers", "Managers"),
            ("Tasks", "TaskService"),
            ("SessionService", "SessionService"),
        ):
            asserts.assert_equal(
                (root.get(key) or {}).get("@odata.id"),
                f"{REDFISH}/{path}",
                f"ServiceRoot {key} link: {root.get(key)!r}",
            )
            ctx.api.get(root[key]["@odata.id"])

    @test
    def systems_list_every_discovered_node(self):
        """GET /Systems lists every discovered rack node by id, and Members@odata.count counts the members."""
        ctx = suite_context()
        self.node_ids = rack_node_ids(ctx)
        asserts.assert_true(self.node_ids, "RackHD knows none of the rack's nodes: was discovery run?")
        body = ctx.api.get(f"{REDFISH}/Systems")
        listed = members(body)
        asserts.assert_equal(body.get("Members@odata.count"), len(listed), f"Systems: {body!r:.400}")
        missing = {name: nid for name, nid in self.node_ids.items() if f"{REDFISH}/Systems/{nid}" not in listed}
        asserts.assert_equal(missing, {}, f"Systems lacks discovered nodes; it lists {listed}")

    @test(depends_on=[systems_list_every_discovered_node])
    def system_agrees_with_the_catalogs(self):
        """A ComputerSystem's UUID, SerialNumber and Model are the node's dmi catalog's (via ohai), Id its id."""
        ctx = suite_context()
        for name, nid in self.node_ids.items():
            system = ctx.api.get(f"{REDFISH}/Systems/{nid}")
            dmi = ctx.api.get(f"{API_ROOT}/nodes/{nid}/catalogs/dmi")["data"].get("System Information", {})
            seen = {k: system.get(k) for k in ("Id", "UUID", "SerialNumber", "Model", "Manufacturer", "PowerState")}
            asserts.assert_equal(system.get("Id"), nid, f"{name}: {seen}")
            asserts.assert_true(
                same_uuid(system.get("UUID"), dmi.get("UUID")),
                f"{name}: UUID {system.get('UUID')!r} vs dmi {dmi.get('UUID')!r}",
            )
            asserts.assert_equal(system.get("SerialNumber"), dmi.get("Serial Number"), f"{name}: {seen} vs dmi {dmi}")
            asserts.assert_equal(system.get("Model"), dmi.get("Product Name"), f"{name}: {seen} vs dmi {dmi}")
            # RackHD's template may leave Manufacturer empty (it reads a key ohai spells in lower case)
            asserts.assert_true(system.get("Manufacturer") in ("", dmi.get("Manufacturer")), f"{name}: {seen}")
            asserts.assert_true(system.get("PowerState") in ("On", "Off"), f"{name}: {seen}")
            target = system.get("Actions", {}).get("#ComputerSystem.Reset", {}).get("target")
            asserts.assert_equal(target, f"{REDFISH}/Systems/{nid}/Actions/ComputerSystem.Reset", f"{name}: Actions")

    @test(depends_on=[systems_list_every_discovered_node])
    def managers_and_chassis_answer_and_link(self):
        """Managers lists RackHD and each member answers with its Id; Chassis counts its members, each answers."""
        ctx = suite_context()
        managers = ctx.api.get(f"{REDFISH}/Managers")
        listed = members(managers)
        asserts.assert_equal(managers.get("Members@odata.count"), len(listed), f"Managers: {managers!r:.400}")
        asserts.assert_true(f"{REDFISH}/Managers/RackHD" in listed, f"Managers lacks RackHD: {listed}")
        for path in listed:
            manager = ctx.api.get(path)
            asserts.assert_equal(manager.get("Id"), path.rsplit("/", 1)[1], f"{path}: {manager!r:.300}")
        rackhd = ctx.api.get(f"{REDFISH}/Managers/RackHD")
        servers = [link.get("@odata.id") for link in rackhd.get("Links", {}).get("ManagerForServers") or []]
        asserts.assert_true(
            {f"{REDFISH}/Systems/{nid}" for nid in self.node_ids.values()} <= set(servers),
            f"RackHD manager's ManagerForServers lacks the rack: {servers}",
        )
        chassis = ctx.api.get(f"{REDFISH}/Chassis")
        asserts.assert_equal(chassis.get("Members@odata.count"), len(members(chassis)), f"Chassis: {chassis!r:.400}")
        for path in members(chassis):
            ctx.api.get(path)

    @test(depends_on=[systems_list_every_discovered_node])
    def reset_types_are_listed(self):
        """GET .../Actions/ComputerSystem.Reset answers #RackHD.ResetAction with every RackHD ResetType."""
        ctx = suite_context()
        nid = next(iter(self.node_ids.values()))
        body = ctx.api.get(f"{REDFISH}/Systems/{nid}/Actions/ComputerSystem.Reset")
        allowed = set(body.get("ResetType@Redfish.AllowableValues") or [])
        asserts.assert_equal(allowed, RESET_TYPES, f"allowable ResetTypes: {body!r:.300}")

    @test(depends_on=[systems_list_every_discovered_node])
    def bad_resets_are_refused(self):
        """A ResetType RackHD does not know is 400, a reset of an unknown system 404; neither runs a graph."""
        ctx = suite_context()
        nid = next(iter(self.node_ids.values()))
        before = len(ctx.api.get(f"{API_ROOT}/nodes/{nid}/workflows"))
        response = answer(ctx, "POST", f"{REDFISH}/Systems/{nid}/Actions/ComputerSystem.Reset", {"ResetType": "Bogus"})
        asserts.assert_equal(response.status_code, 400, f"ResetType Bogus: {response.text[:300]}")
        unknown = "5f00000000000000000000ff"
        response = answer(ctx, "POST", f"{REDFISH}/Systems/{unknown}/Actions/ComputerSystem.Reset", {"ResetType": "On"})
        asserts.assert_equal(response.status_code, 404, f"reset of unknown system: {response.text[:300]}")
        response = answer(ctx, "GET", f"{REDFISH}/Systems/{unknown}")
        asserts.assert_equal(response.status_code, 404, f"GET unknown system: {response.text[:300]}")
        asserts.assert_equal(
            len(ctx.api.get(f"{API_ROOT}/nodes/{nid}/workflows")), before, "a refused reset ran a graph"
        )

    @test(depends_on=[systems_list_every_discovered_node], runs_after=[bad_resets_are_refused])
    def reset_is_seen_on_the_bmc(self):
        """Reset On / ForceOff of a rack node: each task reaches Completed and the BMC reports the power it asked."""
        ctx = suite_context()
        rack = next(r for r in ctx.bmc_nodes(power=True, driven_by_target=True) if r.name in self.node_ids)
        nid = self.node_ids[rack.name]
        needs_obm(ctx, nid, rack)
        obm = ctx.obm(rack)
        was = remember_power(ctx, rack, obm)
        steps = (("ForceOff", "off"), ("On", "on")) if was == "on" else (("On", "on"), ("ForceOff", "off"))
        for reset_type, expected in steps:
            task = wait_for_task(ctx, reset(ctx, nid, reset_type))
            asserts.assert_equal(task.get("TaskState"), "Completed", f"Reset {reset_type} of {rack.name}: {task}")
            asserts.assert_equal(task.get("Id"), task.get("@odata.id", "").rsplit("/", 1)[-1], f"task: {task}")
            wait_for_power(obm, rack.name, expected)

    @test(depends_on=[systems_list_every_discovered_node], runs_after=[reset_is_seen_on_the_bmc])
    def rackhd_redfish_client_resets_a_system(self):
        """RackHD's client on_http_redfish_1_0 lists the systems and resets one (202); the BMC follows."""
        from on_http_redfish_1_0 import ApiClient, RedfishvApi
        from on_http_redfish_1_0.models import RackHDResetActionResetAction

        ctx = suite_context()
        client = ctx.generated_client(ApiClient(host=ctx.target.api_url + REDFISH))
        api = RedfishvApi(client)
        api.list_systems()
        listed = members(json.loads(client.last_response.data))
        racks = [r for r in ctx.bmc_nodes(power=True, driven_by_target=True) if r.name in self.node_ids]
        rack = racks[1 % len(racks)]
        nid = self.node_ids[rack.name]
        asserts.assert_true(f"{REDFISH}/Systems/{nid}" in listed, f"list_systems lacks {nid}: {listed}")
        needs_obm(ctx, nid, rack)
        obm = ctx.obm(rack)
        was = remember_power(ctx, rack, obm)
        for reset_type, expected in (
            (("ForceOff", "off"), ("On", "on")) if was == "on" else (("On", "on"), ("ForceOff", "off"))
        ):
            payload = RackHDResetActionResetAction()  # the generated model takes no arguments
            payload.reset_type = reset_type  # sent as {"ResetType": ...}
            api.do_reset(nid, payload)
            asserts.assert_equal(
                client.last_response.status, 202, f"do_reset {reset_type}: {client.last_response.data!r:.300}"
            )
            task_id = json.loads(client.last_response.data)["@odata.id"].rsplit("/", 1)[1]
            task = wait_for_task(ctx, f"{REDFISH}/TaskService/Tasks/{task_id}")
            asserts.assert_equal(task.get("TaskState"), "Completed", f"do_reset {reset_type} of {rack.name}: {task}")
            wait_for_power(obm, rack.name, expected)


@test(groups=["redfish"], depends_on_groups=["smoke"])
class RedfishSessions:
    """SessionService on the plain endpoint: a session is created with a token, listed, and ended."""

    @test
    def session_lifecycle(self):
        """POST Sessions → 201 + X-Auth-Token header; GET Sessions lists it; DELETE ends it (then 404)."""
        ctx = suite_context()
        if ctx.target.auth is None:
            raise SkipTest(f"{ctx.target.source} gives no RackHD user to open a session as (target.auth_user)")
        response = answer(
            ctx, "POST", SESSIONS, {"UserName": ctx.target.auth.user, "Password": ctx.target.auth.password}
        )
        asserts.assert_equal(response.status_code, 201, f"POST {SESSIONS}: {response.status_code}")
        asserts.assert_true(response.headers.get("X-Auth-Token"), "POST Sessions answered no X-Auth-Token header")
        session = response.json()
        session_id = session.get("Id")
        asserts.assert_equal(session.get("UserName"), ctx.target.auth.user, f"session: {session!r:.300}")
        listed = members(ctx.api.get(SESSIONS))
        asserts.assert_true(f"{SESSIONS}/{session_id}" in listed, f"Sessions does not list {session_id}: {listed}")
        response = answer(ctx, "DELETE", f"{SESSIONS}/{session_id}")
        asserts.assert_true(
            response.status_code in (200, 204), f"DELETE session: {response.status_code} {response.text[:200]}"
        )
        asserts.assert_true(f"{SESSIONS}/{session_id}" not in members(ctx.api.get(SESSIONS)), "session still listed")
        asserts.assert_equal(answer(ctx, "GET", f"{SESSIONS}/{session_id}").status_code, 404, "ended session")

    @test
    def wrong_password_is_401(self):
        """POST Sessions with a wrong password answers 401 and no token."""
        ctx = suite_context()
        response = answer(ctx, "POST", SESSIONS, {"UserName": "rh-suite-nobody", "Password": "not-the-password"})
        asserts.assert_equal(response.status_code, 401, f"POST Sessions, wrong password: {response.status_code}")
        asserts.assert_true(not response.headers.get("X-Auth-Token"), "a refused session answered a token")
