"""A fake RackHD southbound API on the boot agent's HTTP-out seam (an HttpOut) (no sockets, no threads of its own).

It plays on-taskgraph's side of discovery just enough to drive an agent through every stage:
``GET /profiles`` creates the node (id ``node-<n>``) and answers an iPXE script that boots the
microkernel while the node has documents left to serve, else RackHD's "continue to boot" script;
``GET /tasks/bootstrap.js`` renders a task runner with ``tasksPath``; ``GET /tasks/<id>`` serves the
queued documents one by one (404 in between when ``gaps`` is set); ``POST`` records the results.
"""

from __future__ import annotations

import copy
import json as jsonlib
import threading

from rackharness.transports.http_out.base import HttpAnswer, HttpOut, HttpUnreachable

#: the commands RackHD 2.60.7's discovery graph sends, by task (on-tasks lib/task-data/tasks)
CATALOG_BMC = [
    "sudo ipmitool lan print",
    "sudo ipmitool sel",
    "sudo ipmitool sel list -c",
    "sudo ipmitool mc info",
    "sudo ipmitool user summary 1",
    "sudo ipmitool -c user list 1",
    "sudo ipmitool fru",
    "sudo ipmitool lan print 2",
    "sudo ipmitool user summary 2",
    "sudo ipmitool -c user list 2",
]
ACCEPTS_1 = {
    "sudo ipmitool lan print",
    "sudo ipmitool user summary 1",
    "sudo ipmitool -c user list 1",
    "sudo ipmitool lan print 2",
    "sudo ipmitool user summary 2",
    "sudo ipmitool -c user list 2",
}


def discovery_documents(node_id: str) -> list[dict]:
    def doc(*commands):
        tasks = []
        for command in commands:
            if isinstance(command, dict):
                tasks.append(command)
            elif command in ACCEPTS_1:
                tasks.append({"cmd": command, "acceptedResponseCodes": [1]})
            else:
                tasks.append({"cmd": command})
        return {"identifier": node_id, "tasks": tasks}

    return [
        doc(""),  # the bootstrap task: "node is online"
        doc("sudo dmidecode"),
        doc("sudo ohai --directory /etc/ohai/plugins"),
        doc(*CATALOG_BMC),
        doc(
            {
                "cmd": "sudo python set_interfaces.py",
                "downloadUrl": f"/api/current/templates/set_interfaces.py?nodeId={node_id}",
            }
        ),
        doc("sudo lspci -nn -vmm", "sudo lshw -json", "sudo lsblk -o KNAME,TYPE,ROTA; echo BREAK; sudo lsscsi --size"),
        doc(
            "sudo /opt/MegaRAID/storcli/storcli64 /c0 show all J",
            "sudo /opt/MegaRAID/storcli/storcli64 show ctrlcount J",
        ),
        doc({"cmd": "sudo bash get_smart.sh", "downloadUrl": "/api/current/templates/get_smart.sh"}),
        doc({"cmd": "sudo node get_driveid.js", "downloadUrl": "/api/1.1/templates/get_driveid.js"}),
        doc("sudo /usr/sbin/lldpcli show neighbor -f keyvalue"),
        doc("sudo ipmitool chassis bootdev pxe"),
        {"identifier": node_id, "tasks": [{"cmd": ""}], "exit": 1},  # Task.ProcShellReboot
    ]


class FakeSouthbound(HttpOut):
    base_url = "inprocess://fake-southbound"

    def __init__(self, *, documents=discovery_documents, gaps: bool = False, down: bool = False) -> None:
        self.make_documents = documents
        self.gaps = gaps
        self.down = down
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, list]] = []
        self.nodes: dict[str, str] = {}  # first MAC -> node id
        self.queues: dict[str, list[dict]] = {}
        self.posts: dict[str, list[dict]] = {}
        self.served_gap: dict[str, bool] = {}
        self.profile_params: list[list] = []

    def request(self, method, path, *, params=None, json=None, headers=None, timeout=None):
        body = json
        with self.lock:
            self.requests.append((method, path, params or []))
            if self.down:
                raise HttpUnreachable("ConnectionRefusedError: [Errno 111] Connection refused")
            if path == "/api/current/profiles":
                self.profile_params.append(list(params or []))
                macs = [v for k, v in params if k == "macs"]
                node_id = self.nodes.get(macs[0])
                if node_id is None:
                    node_id = self.nodes[macs[0]] = f"node{len(self.nodes) + 1:020d}"
                    self.queues[node_id] = self.make_documents(node_id)
                if self.queues[node_id]:
                    return HttpAnswer(
                        200, b"#!ipxe\nkernel http://x/common/vmlinuz\ninitrd http://x/common/initrd\nboot\n"
                    )
                return HttpAnswer(200, b"#!ipxe\necho No active workflow and bootSettings, continue to boot\nexit\n")
            if path == "/api/current/tasks/bootstrap.js":
                mac = dict(params)["macAddress"]
                if mac not in self.nodes:
                    return HttpAnswer(404, b'{"message": "Node not found"}')
                return HttpAnswer(
                    200,
                    (
                        f"var server = '127.0.0.1', port = '9030',\n"
                        f"    tasksPath = '/api/current/tasks/{self.nodes[mac]}',\n"
                    ).encode(),
                )
            if path.startswith("/api/current/templates/") or path.startswith("/api/1.1/templates/"):
                return HttpAnswer(200, b"#!/bin/sh\n")
            if path.startswith("/api/current/tasks/"):
                node_id = path.rsplit("/", 1)[1]
                if method == "POST":
                    self.posts.setdefault(node_id, []).append(copy.deepcopy(body))
                    return HttpAnswer(201, b"{}")
                queue = self.queues.get(node_id)
                if not queue:
                    return HttpAnswer(404, b'{"message": "no active task"}')
                if self.gaps and not self.served_gap.get(node_id):
                    self.served_gap[node_id] = True
                    return HttpAnswer(404, b'{"message": "no active task"}')
                self.served_gap[node_id] = False
                return HttpAnswer(200, jsonlib.dumps(queue.pop(0)).encode())
            return HttpAnswer(404, b'{"message": "Not Found"}')

    def results(self, node_id: str) -> dict[str, dict]:
        """Every posted task by command, last answer wins."""
        out = {}
        for post in self.posts.get(node_id, []):
            for task in post["tasks"]:
                out[task["cmd"]] = task
        return out
