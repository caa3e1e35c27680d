"""Webhook delivery figures for the reference target; writes benchmarks/results/hook_numbers.json.

In one process, over loopback: the target's :class:`~rackharness.target.hooks.HookedEventBus` (hooks
read from an in-memory mongomock ``hooks`` collection, the target's default delivery settings) in
front of a bus that publishes nothing, so the figures are the hooks' own cost; the sink is a
``ThreadingHTTPServer`` recording when each POST arrived.

1. latency: one hook, 200 events published 5 ms apart; publish → the sink has read the body;
2. throughput: 10 hooks (no filters), 500 events published back to back; events and POSTs per
   second until every hook got every event (and how many were dropped);
3. publisher cost: the time ``publish_external`` takes per event with 0 and with 10 hooks registered
   (5,000 calls each, delivery running).

Usage: .venv/bin/python benchmarks/hook_numbers.py
"""
from __future__ import annotations

import json
import platform
import statistics
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rackharness.clients.mongo_connect import connect, forget, in_memory_url  # noqa: E402
from rackharness.target.hooks import HookDelivery, HookedEventBus  # noqa: E402
from rackharness.wait import Condition  # noqa: E402

NODE = "5f0000000000000000000001"


class NullBus:
    def publish(self, routing_key, body):
        pass

    def close(self):
        pass


class Sink:
    def __init__(self):
        self.arrivals: list[tuple[str, int, float]] = []  # (path, seq, perf_counter)
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the delivery workers' sessions use

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stamp = time.perf_counter()
                with sink.lock:
                    sink.arrivals.append((self.path, body["data"]["seq"], stamp))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def count(self):
        with self.lock:
            return len(self.arrivals)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def rig(hooks: int, sink: Sink):
    url = in_memory_url(f"bench-hooks-{uuid.uuid4().hex[:8]}")
    db = connect(url, "pxe")
    for n in range(hooks):
        db.hooks.insert_one({"_id": str(uuid.uuid4()), "url": sink.url(f"/h{n}"), "filters": []})
    delivery = HookDelivery.from_collection(db.hooks)
    return url, delivery, HookedEventBus(NullBus(), delivery)


def publish(bus, seq):
    bus.publish_external("node", "added", "information", NODE, NODE, {"nodeType": "compute", "seq": seq})


def latency(events=200, spacing=0.005) -> dict:
    sink = Sink()
    url, delivery, bus = rig(1, sink)
    sent = {}
    publish(bus, -1)  # warm the hook cache and the connection
    Condition(probe=lambda: sink.count() == 1, what="the warm-up POST", timeout=10).wait()
    for seq in range(events):
        sent[seq] = time.perf_counter()
        publish(bus, seq)
        time.sleep(spacing)
    Condition(probe=lambda: sink.count() == events + 1, what="every POST", timeout=30).wait()
    samples = sorted((stamp - sent[seq]) * 1000 for _p, seq, stamp in sink.arrivals if seq >= 0)
    bus.close()
    sink.close()
    forget(url)
    return {"events": events, "p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[int(len(samples) * 0.95)], 2), "max_ms": round(samples[-1], 2)}


def throughput(hooks=10, events=500) -> dict:
    sink = Sink()
    url, delivery, bus = rig(hooks, sink)
    publish(bus, -1)
    Condition(probe=lambda: sink.count() == hooks, what="the warm-up POSTs", timeout=10).wait()
    started = time.perf_counter()
    for seq in range(events):
        publish(bus, seq)
    published = time.perf_counter() - started
    expected = hooks * (events + 1) - hooks * delivery.dropped
    Condition(probe=lambda: sink.count() >= expected, what="every POST", timeout=120).wait()
    elapsed = max(stamp for _p, _s, stamp in sink.arrivals) - started
    result = {"hooks": hooks, "events": events, "seconds": round(elapsed, 3),
              "events_per_s": round(events / elapsed, 1), "posts_per_s": round(hooks * events / elapsed, 1),
              "publish_seconds": round(published, 4), "dropped": delivery.dropped, "failed": delivery.failed}
    bus.close()
    sink.close()
    forget(url)
    return result


def publisher_cost(hooks: int, calls=5000) -> dict:
    sink = Sink()
    url, delivery, bus = rig(hooks, sink)
    samples = []
    for seq in range(calls):
        if seq % 500 == 0:  # stay under the queue bound (measure the publisher, not drops); not timed
            delivery.flush(60)
        t0 = time.perf_counter()
        publish(bus, seq)
        samples.append((time.perf_counter() - t0) * 1e6)
    delivery.flush(60)
    bus.close()
    sink.close()
    forget(url)
    samples.sort()
    return {"hooks": hooks, "calls": calls, "p50_us": round(statistics.median(samples), 1),
            "p95_us": round(samples[int(len(samples) * 0.95)], 1), "dropped": delivery.dropped}


def main() -> None:
    results = {"machine": {"python": platform.python_version(), "platform": platform.platform()},
               "latency_one_hook": latency(), "throughput_ten_hooks": throughput(),
               "publisher_cost": [publisher_cost(0), publisher_cost(10)]}
    out = REPO / "benchmarks" / "results" / "hook_numbers.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
