"""The Mongo-wire store RackHD keeps its nodes, catalogs and workflows in.

Engine choice, first match wins (see :attr:`MongoService.engine`):

1. ``url`` given (``mongodb://...``): **external**; nothing is started, ready = ``ping`` succeeds.
2. ``mongod`` on PATH: **mongod** with its own ``--dbpath`` and ``--port``, bound to ``host``.
3. otherwise: **nx-27017** (``pip install nx-27017==0.8.1``), the embedded SQLite-backed wire
   server, run in the foreground under our ManagedProcess (never its ``-d`` daemon mode) with
   ``--data-dir`` (one SQLite file per database) and its pid file in ``data_dir``. By default it
   runs inside rackharness's own layer, ``python -m rackharness.services.store``
   (:mod:`rackharness.services.store`, docs/store.md), which gives MongoDB's semantics for the
   forms RackHD's old drivers send; ``layer=False`` runs the bare engine (the pinned-defect tests).

Files: ``data_dir`` holds the database (and ``nx-27017.pid``); ``log_dir`` holds
``mongo.console.log`` (stdout/stderr, crash tracebacks) and the engine's own log,
``nx-27017.log`` or ``mongod.log``.

Design rule - no indexes on array fields with bare nx-27017
    nx-27017 0.8.1 has a defect (the store layer corrects it): once an index exists on a field holding arrays, an equality
    match on that field (``{"identifiers": "52:54:00:aa:bb:cc"}``) finds nothing, although
    ``$in``/``$elemMatch`` and the same query without the index work. RackHD looks nodes up by
    MAC exactly that way on ``nodes.identifiers``. So rackharness never creates an index on an
    array field when :attr:`MongoService.supports_array_indexes` is False (bare nx-27017);
    whoever prepares RackHD's database checks that property. The pinned test
    ``tests/functional/services/test_mongo.py::NxArrayIndexDefectTest`` fails once nx-27017 is
    fixed, which is the signal to drop this rule.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pymongo
import pymongo.errors

from rackharness.errors import ConfigError, PrerequisiteError, ServiceError
from rackharness.project_files import project
from rackharness.services import procfs
from rackharness.services.base import Service, redact_url
from rackharness.services.process import ManagedProcess, ProcessRecord, is_running
from rackharness.wait import Condition, Observation

NX_REQUIREMENT = "nx-27017==0.8.1"
EXTERNAL, MONGOD, NX_27017 = "external", "mongod", "nx-27017"


class MongoService(Service):
    """A Mongo-wire endpoint: an external URL, a private mongod, or a private nx-27017."""

    NAME = "mongo"

    def __init__(
        self,
        port: int,
        data_dir: Path,
        log_dir: Path,
        *,
        url: str | None = None,
        host: str = "127.0.0.1",
        mongod: str | None = None,
        engine: str | None = None,
        layer: bool = True,
    ) -> None:
        """``engine`` forces ``mongod`` or ``nx-27017`` (tests); by default it is chosen as above.
        ``layer=False`` runs nx-27017 bare, without rackharness's store layer."""
        if url is not None and not url.startswith(("mongodb://", "mongodb+srv://")):
            raise ConfigError(
                f"mongo url {redact_url(url)!r} does not start with mongodb://",
                hint="give a URL like mongodb://127.0.0.1:27017/ or leave it unset",
            )
        self.host, self.port = host, port
        self.data_dir, self.log_dir = Path(data_dir).absolute(), Path(log_dir).absolute()
        if engine not in (None, MONGOD, NX_27017):
            raise ConfigError(f"unknown mongo engine {engine!r}", hint=f"use {MONGOD} or {NX_27017}")
        self._external_url = url
        self._mongod = mongod or shutil.which("mongod")
        self._forced_engine = engine
        self.layer = layer

    @property
    def engine(self) -> str:
        """``external``, ``mongod`` or ``nx-27017`` (see the module docstring)."""
        if self._external_url:
            return EXTERNAL
        if self._forced_engine:
            return self._forced_engine
        return MONGOD if self._mongod else NX_27017

    @property
    def supports_array_indexes(self) -> bool:
        """False for bare nx-27017: indexing an array field breaks equality matches on it."""
        return self.engine != NX_27017 or self.layer

    @property
    def url(self) -> str:
        return self._external_url or f"mongodb://{self.host}:{self.port}/"

    @property
    def console_log(self) -> Path:
        return self.log_dir / "mongo.console.log"

    @property
    def log_files(self) -> list[Path]:
        if self.engine == EXTERNAL:
            return []
        own = "nx-27017.log" if self.engine == NX_27017 else "mongod.log"
        return [self.console_log, self.log_dir / own]

    def check_prerequisites(self) -> None:
        if self.engine == MONGOD and not self._mongod:
            raise PrerequisiteError(
                "mongod is not on PATH",
                hint="install MongoDB's mongod, or use the embedded "
                f"engine: {sys.executable} -m pip install {NX_REQUIREMENT}",
            )
        if self.engine == NX_27017 and importlib.util.find_spec("nx_27017") is None:
            raise PrerequisiteError(
                f"no mongod on PATH and nx-27017 is not installed in {sys.prefix}",
                hint=f"{sys.executable} -m pip install {NX_REQUIREMENT}  "
                "(or apt/yum-install mongod, or pass a mongodb:// URL)",
            )

    def port_settings(self) -> dict[str, tuple[str, int]]:
        return {} if self.engine == EXTERNAL else {"mongo.port": (self.host, self.port)}

    def command(self) -> list[str]:
        """The argv that runs the engine in the foreground (not used for external)."""
        if self.engine == MONGOD:
            return [
                self._mongod,
                "--dbpath",
                str(self.data_dir),
                "--port",
                str(self.port),
                "--bind_ip",
                self.host,
                "--logpath",
                str(self.log_dir / "mongod.log"),
                "--logappend",
            ]
        script = Path(sys.executable).parent / "nx-27017"
        if self.layer:
            launcher = [sys.executable, "-m", "rackharness.services.store"]
        else:
            launcher = [str(script)] if script.is_file() else [sys.executable, "-m", "nx_27017.nx_27017"]
        return launcher + [
            "--host",
            self.host,
            "-p",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            "--log-file",
            str(self.log_dir / "nx-27017.log"),
            "--pid-file",
            str(self._pid_file),
        ]

    @property
    def _pid_file(self) -> Path:
        return self.data_dir / "nx-27017.pid"

    def start(self) -> ProcessRecord | None:
        """Spawn the engine (after the port check); None for an external URL."""
        if self.engine == EXTERNAL:
            return None
        self.check_ports()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if self.engine == NX_27017:
            self._clear_stale_pid_file()
        return ManagedProcess(self.NAME, self.command(), self.console_log, cwd=self.data_dir, env=self._env()).start()

    def _env(self) -> dict[str, str]:
        """The layer imports this very rackharness (its checkout first on PYTHONPATH)."""
        if self.engine != NX_27017 or not self.layer:
            return {}
        root = str(project().import_root)
        rest = os.environ.get("PYTHONPATH", "")
        return {"PYTHONPATH": root + (os.pathsep + rest if rest else "")}

    def wait_ready(self, record: ProcessRecord | None, timeout: float = 30.0) -> None:
        """Ready = the server answers ``ping``; an auth or config refusal fails at once."""
        client = pymongo.MongoClient(
            self.url, serverSelectionTimeoutMS=500, connectTimeoutMS=500, socketTimeoutMS=2000, connect=False
        )
        try:
            Condition(
                timeout=timeout,
                interval=0.1,
                probe=lambda: self._ping(client),
                what=f"{self.engine} at {self.redacted_url} to answer ping",
                transient=(OSError, pymongo.errors.ConnectionFailure),
                is_alive=(lambda: is_running(record)) if record else None,
                log_file=self.console_log if record else None,
                hint=(
                    "check the URL and that the server is reachable" if record is None else f"see {self.log_files[-1]}"
                ),
            ).wait()
        finally:
            client.close()

    def _ping(self, client: pymongo.MongoClient) -> Observation:
        try:
            client.admin.command("ping")
        except pymongo.errors.OperationFailure as exc:  # e.g. authentication failed
            raise ServiceError(
                f"{self.engine} at {self.redacted_url} refused ping: {exc}",
                hint="check the credentials and database in the URL",
            ) from exc
        return Observation(True, "ping answered")

    def _clear_stale_pid_file(self) -> None:
        """nx-27017 refuses to start while its pid file names any live pid, even a recycled one."""
        try:
            pid = int(self._pid_file.read_text().strip())
        except (OSError, ValueError):
            pid = None
        argv = " ".join(procfs.read_cmdline(pid) or []) if pid else ""
        if "nx_27017" in argv or "nx-27017" in argv or "rackharness.services.store" in argv:
            raise ServiceError(
                f"another nx-27017 (pid {pid}) already serves {self.data_dir}",
                hint=f"stop it (kill {pid}) or give this stack its own state directory",
            )
        self._pid_file.unlink(missing_ok=True)
