"""Webhook delivery figures for the reference target; writes benchmarks/results/hook_numbers.json.

In one process, over loopback: the target's :class:`~rackharness.reference.hooks.HookedEventBus` (hooks
read from an in-memory mongomock ``hooks`` collection, the target's default delivery settings) in
front of a bus that publishes nothing, so the figures are the hooks' own cost; the sink is the
suite's :class:`~rackharness.suite.sink.WebhookSink`, which records when each POST arrived.

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
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rackharness.reference.hooks import HookDelivery, HookedEventBus  # noqa: E402
from rackharness.suite.sink import WebhookSink  # noqa: E402
from rackharness.transports.mongo.chooser import connect  # noqa: E402 - after the sys.path insert
from rackharness.transports.mongo.mongomock_side import forget, in_memory_url  # noqa: E402
from rackharness.wait import Condition  # noqa: E402

NODE = "5f0000000000000000000001"


class NullBus:
    def publish(self, routing_key, body):
        pass

    def close(self):
        pass


def arrived(sink: WebhookSink) -> list[tuple[int, float]]:
    """(seq, perf_counter) of every POST the sink read."""
    return [(got.body["data"]["seq"], got.at) for got in sink.arrivals()]


def new_sink() -> WebhookSink:
    return WebhookSink("127.0.0.1", prefix="/bench")


def rig(hooks: int, sink: WebhookSink):
    url = in_memory_url(f"bench-hooks-{uuid.uuid4().hex[:8]}")
    db = connect(url, "pxe")
    for n in range(hooks):
        db.hooks.insert_one({"_id": str(uuid.uuid4()), "url": sink.url(f"h{n}"), "filters": []})
    delivery = HookDelivery.from_collection(db.hooks)
    return url, delivery, HookedEventBus(NullBus(), delivery)


def publish(bus, seq):
    bus.publish_external("node", "added", "information", NODE, NODE, {"nodeType": "compute", "seq": seq})


def latency(events=200, spacing=0.005) -> dict:
    sink = new_sink()
    url, delivery, bus = rig(1, sink)
    sent = {}
    publish(bus, -1)  # warm the hook cache and the connection
    Condition(probe=lambda: len(sink.arrivals()) == 1, what="the warm-up POST", timeout=10).wait()
    for seq in range(events):
        sent[seq] = time.perf_counter()
        publish(bus, seq)
        time.sleep(spacing)
    Condition(probe=lambda: len(sink.arrivals()) == events + 1, what="every POST", timeout=30).wait()
    samples = sorted((stamp - sent[seq]) * 1000 for seq, stamp in arrived(sink) if seq >= 0)
    bus.close()
    sink.close()
    forget(url)
    return {
        "events": events,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95)], 2),
        "max_ms": round(samples[-1], 2),
    }


def throughput(hooks=10, events=500) -> dict:
    sink = new_sink()
    url, delivery, bus = rig(hooks, sink)
    publish(bus, -1)
    Condition(probe=lambda: len(sink.arrivals()) == hooks, what="the warm-up POSTs", timeout=10).wait()
    started = time.perf_counter()
    for seq in range(events):
        publish(bus, seq)
    published = time.perf_counter() - started
    expected = hooks * (events + 1) - hooks * delivery.dropped
    Condition(probe=lambda: len(sink.arrivals()) >= expected, what="every POST", timeout=120).wait()
    elapsed = max(stamp for _seq, stamp in arrived(sink)) - started
    result = {
        "hooks": hooks,
        "events": events,
        "seconds": round(elapsed, 3),
        "events_per_s": round(events / elapsed, 1),
        "posts_per_s": round(hooks * events / elapsed, 1),
        "publish_seconds": round(published, 4),
        "dropped": delivery.dropped,
        "failed": delivery.failed,
    }
    bus.close()
    sink.close()
    forget(url)
    return result


def publisher_cost(hooks: int, calls=5000) -> dict:
    sink = new_sink()
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
    return {
        "hooks": hooks,
        "calls": calls,
        "p50_us": round(statistics.median(samples), 1),
        "p95_us": round(samples[int(len(samples) * 0.95)], 1),
        "dropped": delivery.dropped,
    }


def main() -> None:
    results = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "latency_one_hook": latency(),
        "throughput_ten_hooks": throughput(),
        "publisher_cost": [publisher_cost(0), publisher_cost(10)],
    }
    out = REPO / "benchmarks" / "results" / "hook_numbers.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
