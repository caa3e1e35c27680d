"""The reference target process: ``python -m rackharness.reference --config target.json``.

Builds the context (MongoDB database, AMQP event bus, workflow engine), seeds the workflow
library, serves the Flask app with waitress and publishes the on-http heartbeat until
SIGTERM/SIGINT. ``target.json`` (0600, written by ``rackharness up``) holds::

    {"host", "port", "mongo_url", "database", "amqp_url", "heartbeat_interval", "threads",
     "poller_interval_scale", "hook_timeout"?, "rackhd_config": {...},
     "auth_port", "auth_user", "auth_password", "auth_token_secret", "auth_token_expire_in"}

``auth_port`` (optional) adds RackHD's auth-enabled endpoint (plain HTTP here; RackHD's is usually
https on 8443): the same API, plus ``POST /login``, with every operation the specs mark
``x-authentication-type`` requiring a token. ``auth_user``/``auth_password`` is the Administrator
the target makes sure exists at start (RackHD ships none: its first user is created from localhost).

``mongo_url`` goes through :func:`rackharness.transports.mongo.chooser.connect`: ``mongodb://`` is a
real server; ``mongomock://<name>`` is an in-memory store private to this process, so only a target
built in the test's own process (``build``) shares it with the test's seeder.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from typing import Any

import pymongo
from flask import Flask
from waitress.server import create_server

from rackharness import secret_channel
from rackharness.errors import RackHarnessError
from rackharness.redaction import redact_url
from rackharness.reference.app import create_app
from rackharness.reference.auth.service import AuthService
from rackharness.reference.auth.tokens import DEFAULT_EXPIRE_IN, DEFAULT_SECRET, TokenSigner
from rackharness.reference.auth.users import LocalUsers
from rackharness.reference.context import TargetContext
from rackharness.reference.documents import HOOKS
from rackharness.reference.events import AmqpEventBus, Heartbeat
from rackharness.reference.hooks import HookDelivery, HookedEventBus
from rackharness.reference.obm_sealing import ObmSealer
from rackharness.reference.pollers.service import PollerService
from rackharness.reference.workflows.engine import WorkflowEngine
from rackharness.reference.workflows.obm import IpmiObmService, ObmRegistry
from rackharness.transports.ipmi.pyghmi_caller import BmcCaller
from rackharness.transports.mongo.chooser import connect

log = logging.getLogger("rackharness.reference")


def rackhd_config(settings: dict[str, Any]) -> dict[str, Any]:
    """RackHD's flat config as GET /config shows it (no secrets: URLs are redacted)."""
    return {
        "amqp": redact_url(settings["amqp_url"]),
        "mongo": redact_url(settings["mongo_url"]),
        "apiServerAddress": settings["host"],
        "apiServerPort": settings["port"],
        "heartbeatIntervalSec": settings["heartbeat_interval"],
        "autoCreateObm": False,
        "discoveryGraph": "Graph.SKU.Discovery",
        **settings.get("rackhd_config", {}),
    }


class Endpoints:
    """The target's HTTP endpoints as one WSGI application: a request that arrived on the auth port
    (waitress's ``SERVER_PORT``) goes to the auth-enabled app, any other to the plain one."""

    def __init__(self, main: Flask, auth: Flask | None) -> None:
        self.main = main
        self.auth = auth
        self.auth_port: int | None = None  # set once the auth socket is bound

    def __call__(self, environ, start_response):
        if self.auth is not None and environ.get("SERVER_PORT") == str(self.auth_port):
            return self.auth(environ, start_response)
        return self.main(environ, start_response)


def auth_service(db, settings: dict[str, Any]) -> AuthService:
    """Users, tokens and sessions from ``settings``; the configured Administrator exists afterwards."""
    signer = TokenSigner(
        settings.get("auth_token_secret") or DEFAULT_SECRET,
        int(settings.get("auth_token_expire_in", DEFAULT_EXPIRE_IN)),
    )
    service = AuthService(LocalUsers(db), signer)
    if settings.get("auth_user") and settings.get("auth_password"):
        service.users.ensure(settings["auth_user"], settings["auth_password"])
    return service


def build(settings: dict[str, Any], *, caller: BmcCaller | None = None):
    """(context, :class:`Endpoints`, heartbeat) for ``settings``; nothing is served yet.

    ``caller``: the process's :class:`BmcCaller` when something else in this process calls BMCs too
    (isolated mode: the suite's ObmClient); pyghmi's session cache is per process."""
    db = connect(settings["mongo_url"], settings["database"], timeout=10.0, ping=False)
    hooks = HookDelivery.from_collection(db[HOOKS], timeout=settings.get("hook_timeout", 5.0))
    events = HookedEventBus(AmqpEventBus(settings["amqp_url"]), hooks)  # AMQP, and POSTs to matching hooks
    ctx = TargetContext(db=db, events=events, config=rackhd_config(settings), hooks=hooks)
    ctx.sealer = ObmSealer.from_config(ctx.config)
    ctx.auth = auth_service(db, settings)
    caller = (
        caller or BmcCaller()
    )  # one per process: pyghmi's session cache is process-wide (see transports/ipmi/pyghmi_caller.py)
    obms = ObmRegistry(sealer=ctx.sealer)
    obms.services["ipmi-obm-service"] = IpmiObmService(caller)
    ctx.engine = WorkflowEngine(ctx, obms=obms)
    ctx.pollers = PollerService(ctx, caller=caller, interval_scale=settings.get("poller_interval_scale", 1.0))
    heartbeat = Heartbeat(events, interval=settings["heartbeat_interval"], host=socket.getfqdn())
    auth_app = create_app(ctx, auth_enabled=True) if settings.get("auth_port") is not None else None
    return ctx, Endpoints(create_app(ctx), auth_app), heartbeat


def listen(host: str, ports: Sequence[int]) -> list[socket.socket]:
    """A bound socket per port (0 picks a free one); none is left open when one cannot bind."""
    sockets = []
    try:
        for port in ports:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, int(port)))
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def serve(settings: dict[str, Any]) -> None:
    ctx, endpoints, heartbeat = build(settings)
    ports = [settings["port"]] + ([settings["auth_port"]] if endpoints.auth is not None else [])
    sockets = listen(settings["host"], ports)
    if endpoints.auth is not None:
        endpoints.auth_port = sockets[1].getsockname()[1]
    server = create_server(endpoints, sockets=sockets, threads=settings["threads"], ident="rackharness-target")
    stop = threading.Event()

    def shutdown(*_):
        stop.set()
        server.close()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, shutdown)
    heartbeat.start()
    ctx.pollers.start()
    log.info("reference target serving http://%s:%s/api/2.0", settings["host"], settings["port"])
    if endpoints.auth is not None:
        log.info("auth-enabled endpoint http://%s:%s (POST /login)", settings["host"], endpoints.auth_port)
    try:
        server.run()
    except OSError:
        if not stop.is_set():
            raise
    finally:
        heartbeat.stop()
        ctx.pollers.stop()
        ctx.engine.close()
        ctx.events.close()  # the AMQP publisher and the hook delivery threads, after what is queued
        log.info("reference target stopped")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rackharness.reference", description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="target.json written by `rackharness up`")
    parser.add_argument("--log-level", default="INFO")
    secret_channel.add_stdin_flag(parser, "target.json")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    try:
        serve(secret_channel.read_document(args.config, secrets_on_stdin=args.secrets_on_stdin))
    except (OSError, ValueError, KeyError, pymongo.errors.PyMongoError, RackHarnessError) as exc:
        log.error("the reference target cannot run from %s: %s", args.config, exc)
        return 1
    return 0
