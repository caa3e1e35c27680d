"""Fixtures for the reference target's functional tests: a private nx-27017 (and RabbitMQ, and a
virtual rack) per test class, each on free ports in its own temp dir."""

import subprocess
import sys
import time
import unittest
from pathlib import Path

import pymongo

from rackharness.bmc.probe import bmc_answers
from rackharness.config import load_config
from rackharness.errors import PrerequisiteError
from rackharness.rack.layout import build_rack_spec
from rackharness.services import MongoService, RabbitMqService
from rackharness.services.mongo import NX_27017
from tests.functional.reference.support import MONGOMOCK, in_memory_db
from tests.functional.services.support import free_ports, free_udp_run, reachable_temp_dir, remove_tree

REPO = Path(__file__).resolve().parents[3]


def _skip(cls, exc):
    print(f"\nSKIP {cls.__name__}: {exc}", file=sys.stderr)
    raise unittest.SkipTest(str(exc))


class Services:
    """Started in setUpClass, stopped in tearDownClass; each part optional."""

    def __init__(self, prefix):
        self.dir = reachable_temp_dir(prefix)
        self._stops = []
        self.db = None
        self.amqp_url = None
        self.rack_spec = None

    def _start(self, service, cls, timeout):
        """Start ``service`` (skipping ``cls`` if it cannot run here) and stop it at cleanup."""
        try:
            service.check_prerequisites()
        except PrerequisiteError as exc:
            _skip(cls, exc)
        record = service.start()
        self._stops.append(lambda: service.stop(record))
        service.wait_ready(record, timeout=timeout)
        return service

    def start_mongo(self, cls):
        """nx-27017, or an in-memory store when ``cls.MONGO`` is ``MONGOMOCK``; returns the ``pxe`` db."""
        if getattr(cls, "MONGO", NX_27017) == MONGOMOCK:
            self.db = in_memory_db(cls)
            return self.db
        (port,) = free_ports(1)
        service = self._start(MongoService(port, self.dir / "mongo", self.dir / "logs", engine=NX_27017), cls, 30)
        client = pymongo.MongoClient(service.url, serverSelectionTimeoutMS=5000)
        self._stops.append(client.close)
        self.db = client.pxe
        return self.db

    def start_rabbitmq(self, cls):
        port, dist, epmd = free_ports(3)
        service = self._start(
            RabbitMqService(
                "127.0.0.1", port, dist, epmd, "rackhd", "rackhd-secret", self.dir / "rabbitmq", self.dir / "logs"
            ),
            cls,
            90,
        )
        self.amqp_url = service.url
        return self.amqp_url

    def start_rack(self, nodes=2, faults=""):
        """``python -m rackharness.rack`` with ``nodes`` BMCs on free ports (admin/admin)."""
        base = free_udp_run(nodes)  # the rack's BMC ports are consecutive
        environ = {"RACKHARNESS_NODES": str(nodes), "RACKHARNESS_BMC_BASE_PORT": str(base)}
        if faults:
            environ["RACKHARNESS_RACK_FAULTS"] = faults
        self.rack_spec = build_rack_spec(load_config(environ=environ))
        spec_file = self.dir / "rack.json"
        spec_file.write_text(self.rack_spec.to_json())
        log = open(self.dir / "rack.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "rackharness.rack", "--spec", str(spec_file)], stderr=log, cwd=REPO
        )

        def stop():
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
            log.close()

        self._stops.append(stop)
        deadline = time.monotonic() + 60
        for node in self.rack_spec.nodes:
            if node.fault == "bmc-silent":
                continue
            while not bmc_answers(node.bmc.host, node.bmc.port, timeout=0.2):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"BMC {node.name} never answered: {(self.dir / 'rack.log').read_text()[-2000:]}")
        return self.rack_spec

    def stop(self):
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception as exc:  # keep stopping the rest
                print(f"\ncleanup failed: {exc}", file=sys.stderr)
        remove_tree(self.dir)


def ipmitool_power(bmc):
    """``ipmitool ... chassis power status`` run independently of the target: "on" or "off"."""
    out = subprocess.run(
        [
            "ipmitool",
            "-I",
            "lanplus",
            "-H",
            bmc.host,
            "-p",
            str(bmc.port),
            "-U",
            "admin",
            "-P",
            "admin",
            "chassis",
            "power",
            "status",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if out.returncode != 0:
        raise AssertionError(f"ipmitool failed: {out.stderr.strip()}")
    return out.stdout.strip().rsplit(" ", 1)[-1]
