"""Sample bodies for the agreement tests: valid ones per body schema and per OBM service (every
key each schema knows, so mutations reach them all), and invalid ones a mutation would not make
(bad formats, bounds, enums, combinators)."""

from __future__ import annotations

MAC = "00:1b:21:3c:4d:5e"
RULE = {"path": "dmi.System Information.Product Name", "equals": "D51B-2U"}
TASK_DEFINITION = {
    "friendlyName": "Noop",
    "injectableName": "Task.Test.Noop",
    "implementsTask": "Task.Base.Noop",
    "options": {},
    "properties": {},
    "schemaRef": "noop.json",
}
GRAPH = {
    "friendlyName": "Test graph",
    "injectableName": "Graph.Test",
    "options": {"defaults": {}},
    "tasks": [
        {"label": "first", "taskName": "Task.Noop", "ignoreFailure": True},
        {"label": "second", "taskDefinition": TASK_DEFINITION, "waitOn": {"first": "finished"}},
    ],
}

#: body schema ref → bodies RackHD's schema accepts
VALID_BODIES = {
    "hooks.2.0.json#/definitions/HookPost": [
        {"url": "http://10.1.1.5:9000/events", "name": "events", "filters": [{"type": "node"}]},
        {"name": "no-url"},
    ],
    "hooks.2.0.json#/definitions/HookBase": [{"url": "https://hooks.example/x"}, {}],
    "lookups.2.0.json#/definitions/LookupPost": [{"macAddress": MAC, "ipAddress": "10.1.1.20", "node": "5a1f"}],
    "lookups.2.0.json#/definitions/LookupBase": [{"ipAddress": "192.168.0.1"}, {}],
    "node.2.0.json#/definitions/Node": [
        {
            "name": "node-01",
            "type": "compute",
            "autoDiscover": False,
            "identifiers": [MAC],
            "tags": ["rack-a"],
            "obms": [{"service": "noop-obm-service", "config": {}}],
            "ibms": [{"service": "snmp-ibm-service"}],
            "bootSettings": {"profile": "x.ipxe"},
            "relations": [{"relationType": "containedBy"}],
        }
    ],
    "node.2.0.json#/definitions/PartialNode": [{"tags": ["a", "b"]}, {"type": "rack"}],
    "poller.2.0.json#/definitions/Poller": [
        {"type": "ipmi", "pollInterval": 10000, "config": {"command": "sdr"}, "node": "5a1f", "paused": False}
    ],
    "poller.2.0.json#/definitions/PartialPoller": [{"pollInterval": 2.5}, {"paused": True}],
    "relations.2.0.json#/definitions/Relation": [{"contains": ["n1", "n2"]}, {"containedBy": ["rack"], "x": 1}],
    "skus.2.0.json#/definitions/SkusUpsert": [
        {
            "name": "d51",
            "rules": [RULE, {"path": "ohai.cpu.total", "greaterThan": 4}, {"path": "dmi.x"}],
            "discoveryGraphName": "Graph.Noop",
            "discoveryGraphOptions": {"a": 1},
        }
    ],
    "skus.2.0.json#/definitions/SkusRules": [[RULE, {"path": "lshw.x", "in": [1, 2]}], []],
    "tags.2.0.json": [{"name": "t", "rules": [RULE]}, [1, 2], "anything"],
    "tags.2.0.json#/definitions/TagsPost": [{"name": "rack-a", "rules": [RULE, {"path": "p", "notRegex": "^x"}]}],
    "user.2.0.json#/definitions/User": [{"username": "operator", "password": "op-secret", "role": "Operator"}],
    "user.2.0.json#/definitions/PartialUser": [{"password": "123456"}, {"role": "Administrator"}],
    "workflowGraphs.2.0.json#/definitions/workflowGraphsPut": [GRAPH, [], "not an object"],
}

#: body schema ref → bodies a mutation would not produce (some valid, most not)
EDGE_BODIES = {
    "hooks.2.0.json#/definitions/HookPost": [
        {"url": "10.1.1.5:9000/events"},
        {"url": "ftp:x"},
        {"url": "http://a b"},
        {"filters": [1]},
    ],
    "lookups.2.0.json#/definitions/LookupPost": [
        {"macAddress": "00:1b:21:3c:4d"},
        {"macAddress": "00-1B-21-3C-4D-5E"},
        {"macAddress": MAC, "ipAddress": "10.1.1.256"},
        {"macAddress": MAC, "ipAddress": "fe80::1"},
    ],
    "node.2.0.json#/definitions/Node": [
        {"name": "n", "type": "toaster"},
        {"name": "n", "type": "compute", "tags": ["a", "a"]},
    ],
    "poller.2.0.json#/definitions/Poller": [
        {"type": "wsman", "pollInterval": "10", "config": {}},
        {"type": "snmp", "pollInterval": 1, "config": {}},
    ],
    "relations.2.0.json#/definitions/Relation": [{}, {"contains": []}, {"contains": ["a", "a"]}, {"contains": [1]}],
    "skus.2.0.json#/definitions/SkusRules": [
        [{"path": "a", "equals": "b", "contains": "c"}],
        [{"equals": "x"}],
        [{"path": "a", "regex": 1}],
        [{"path": "a", "nope": 1}],
    ],
    "skus.2.0.json#/definitions/SkusUpsert": [
        {"name": "", "rules": []},
        {"name": "x", "rules": [], "discoveryGraphName": ""},
    ],
    "user.2.0.json#/definitions/User": [
        {"username": "u", "password": "12345", "role": "ReadOnly"},
        {"username": "u", "password": "x" * 51, "role": "ReadOnly"},
        {"username": "u", "password": "123456", "role": "Root"},
    ],
    "workflowGraphs.2.0.json#/definitions/workflowGraphsPut": [
        {**GRAPH, "tasks": []},
        {**GRAPH, "tasks": [{"label": "a", "taskName": "x", "taskDefinition": TASK_DEFINITION}]},
        {**GRAPH, "tasks": [{"label": "a"}]},
        {**GRAPH, "friendlyName": ""},
    ],
}

#: OBM service → a config its schema accepts
OBM_CONFIGS = {
    "amt-obm-service": {"host": "10.1.1.7", "password": "amt-secret"},
    "apc-obm-service": {"host": "10.1.1.8", "community": "private", "port": 4},
    "dell-wsman-obm-service": {"host": "10.1.1.9", "user": "root", "password": "calvin"},
    "ipmi-obm-service": {"host": "10.1.1.10", "user": "admin", "password": "admin-secret"},
    "noop-obm-service": {"anything": ["goes"]},
    "panduit-obm-service": {
        "host": "10.1.1.11",
        "community": "private",
        "cyclePassword": "cycle",
        "pduOutlets": [
            {"host": "10.1.1.12", "community": "c", "cyclePassword": "p", "pduNumber": 1, "outletNumber": 2}
        ],
    },
    "raritan-obm-service": {"host": "10.1.1.13", "user": "admin", "password": "raritan", "port": 3},
    "redfish-obm-service": {
        "host": "10.1.1.14",
        "user": "root",
        "password": "rf-secret",
        "verfiySSL": False,
        "protocol": "https",
        "port": "443",
        "root": "/redfish/v1",
        "uri": "https://10.1.1.14",
    },
    "servertech-obm-service": {"host": "10.1.1.15", "community": "private", "port": 7},
    "snmp-obm-service": {"host": "10.1.1.16", "community": "public"},
    "vbox-obm-service": {"alias": "vm-1", "user": "vbox"},
    "vmrun-obm-service": {"vmxpath": "/vms/node.vmx"},
}

#: configs a mutation would not produce
OBM_EDGE_CONFIGS = {
    "redfish-obm-service": [{**OBM_CONFIGS["redfish-obm-service"], "protocol": "ftp"}],
    "snmp-obm-service": [{}],
    "panduit-obm-service": [{**OBM_CONFIGS["panduit-obm-service"], "pduOutlets": [1, "x"]}],
}
