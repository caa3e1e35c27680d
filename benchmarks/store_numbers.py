"""Store figures; writes benchmarks/results/store_numbers.json.

Starts bare nx-27017 0.8.1 and rackharness's store layer around it (``python -m
rackharness.services.store``), each on a free port with a temp data dir, seeds a ``taskdependencies``
collection of ``SIZE`` documents and a ``lookups`` collection, and measures ops/s for the forms RackHD
sends most (see ../shared/rackhd-captures/mongo-commands.jsonl.gz): a plain equality find, the
waterline ``$or`` regex/``$elemMatch`` find, the scheduler's multi-update, a lookup's
``findAndModify`` upsert, an insert, a count. Through pymongo (OP_MSG) on both, so the bare engine
gets the forms it can parse, and through OP_QUERY on ``<db>.$cmd`` (what RackHD's drivers send) on
the layer. ``"error"`` where the bare engine answers wrongly or not at all. Then it times the
conformance suite (``tests/functional/store``).

Usage: .venv/bin/python benchmarks/store_numbers.py [SIZE]   (default 500; ~1 min)
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bson import ObjectId, Regex  # noqa: E402

from tests.functional.store.support import Store  # noqa: E402

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 500
SECONDS = 1.0
DB = "pxe"


def seed(client):
    db = client[DB]
    db.taskdependencies.drop()
    db.lookups.drop()
    graph = str(ObjectId())
    db.taskdependencies.insert_many(
        [
            {
                "taskId": f"t-{i}",
                "graphId": graph,
                "state": "pending" if i % 3 else "succeeded",
                "reachable": True,
                "domain": "default",
                "dependencies": {} if i % 2 else {"x": "finished"},
                "taskRunnerLease": None,
            }
            for i in range(SIZE)
        ]
    )
    db.lookups.insert_many(
        [{"macAddress": f"52:54:00:00:{i // 256:02x}:{i % 256:02x}", "ipAddress": None} for i in range(64)]
    )


FORMS = {
    "find_plain_eq": ("find", lambda i: {"find": "taskdependencies", "filter": {"taskId": f"t-{i % SIZE}"}}),
    "find_waterline_regex": (
        "find",
        lambda i: {
            "find": "taskdependencies",
            "filter": {
                "$or": [
                    {"taskId": Regex(f"^t\\-{i % SIZE}$", "i")},
                    {"taskId": {"$elemMatch": Regex(f"^t\\-{i % SIZE}$", "i")}},
                ]
            },
        },
    ),
    "find_ready_tasks": (
        "find",
        lambda i: {
            "find": "taskdependencies",
            "filter": {"state": "pending", "reachable": True, "dependencies": {}, "taskRunnerLease": None},
        },
    ),
    "update_multi_plain": (
        "update",
        lambda i: {
            "update": "taskdependencies",
            "updates": [{"q": {"taskId": f"t-{i % SIZE}", "state": "pending"}, "u": {"$set": {"n": i}}, "multi": True}],
        },
    ),
    "findandmodify_upsert": (
        "findAndModify",
        lambda i: {
            "findAndModify": "lookups",
            "query": {"macAddress": f"52:54:00:00:00:{i % 64:02x}"},
            "update": {"$set": {"updatedAt": i}},
            "new": True,
            "upsert": True,
        },
    ),
    "insert_one": ("insert", lambda i: {"insert": "scratch", "documents": [{"i": i}]}),
    "count_plain": ("count", lambda i: {"count": "taskdependencies", "query": {"state": "pending"}}),
}


def rate(call) -> float | str:
    n, began = 0, time.perf_counter()
    try:
        while time.perf_counter() - began < SECONDS:
            reply = call(n)
            if not reply.get("ok"):
                return "error"
            n += 1
    except Exception:  # noqa: BLE001 - the bare engine may not answer at all
        return "error"
    return round(n / (time.perf_counter() - began), 1)


def measure(layer: bool) -> dict:
    store = Store(layer).start()
    try:
        seed(store.client)
        out = {"pymongo_op_msg": {}, "op_query_cmd": {}}
        db = store.client[DB]
        for name, (_, make) in FORMS.items():
            out["pymongo_op_msg"][name] = rate(lambda i: db.command(make(i)))
        if layer:
            seed(store.client)
            for name, (_, make) in FORMS.items():
                out["op_query_cmd"][name] = rate(lambda i: store.wire.command(DB, make(i)))
        else:
            out["op_query_cmd"] = "the bare engine runs an OP_QUERY command without $db in database 'test'"
        return out
    finally:
        store.stop()


def main():
    figures = {
        "size": SIZE,
        "seconds_per_form": SECONDS,
        "python": platform.python_version(),
        "bare_nx_27017": measure(False),
        "store_layer": measure(True),
    }
    began = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "nose2", "--config", "tests/harness.cfg", "tests.functional.store"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    summary = re.findall(r"nose2: .*", run.stderr + run.stdout)
    figures["conformance_suite"] = {
        "seconds": round(time.monotonic() - began, 1),
        "rc": run.returncode,
        "summary": summary[-1] if summary else None,
    }
    out = REPO / "benchmarks" / "results" / "store_numbers.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
