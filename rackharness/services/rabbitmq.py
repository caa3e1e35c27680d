"""A private RabbitMQ node built from Debian's ``rabbitmq-server`` package.

The node shares nothing with a system RabbitMQ (5672/25672/4369, ``/var/lib/rabbitmq``):

* its own epmd on ``epmd_port`` (loopback only), started first and stopped with the node (it is
  the node's ProcessRecord companion), so ``erl`` never spawns a shared ``epmd -daemon``;
* node name ``rackharness-<hash of data_dir>@localhost``, AMQP on ``host:port``, Erlang
  distribution on ``dist_port`` bound to 127.0.0.1;
* everything under ``data_dir``: ``home/.erlang.cookie`` (HOME), ``mnesia/``
  (RABBITMQ_MNESIA_BASE), ``rabbitmq.conf``, ``advanced.config`` (mode 0600: it holds the
  password), ``enabled_plugins`` (``[].``: no plugins, fast boot), an empty ``rabbitmq-env.conf``
  shadowing ``/etc/rabbitmq/rabbitmq-env.conf``, ``rabbitmq.pid``;
* logs under ``log_dir``: ``rabbitmq.log`` (RabbitMQ's own), ``rabbitmq.console.log`` (stdout and
  stderr, warnings and boot failures), ``rabbitmq-epmd.log``, ``erl_crash.dump`` if it crashes.

Debian's ``/usr/sbin/rabbitmq-server`` drops root via ``su -c``, which starts a new session and
would hide the node from our process group. We run ``/usr/lib/rabbitmq/bin/rabbitmq-server``
directly instead and, as root, drop to the ``rabbitmq`` user ourselves; that user then owns
``data_dir`` and ``log_dir`` and must be able to enter every directory above them.

The AMQP user is created by RabbitMQ on first boot (``default_user``/``default_pass`` in
advanced.config, where any character can be quoted; cuttlefish's rabbitmq.conf cannot hold '#'); once
the node accepts that login, advanced.config is rewritten without the password (RabbitMQ keeps only a
salted hash, in mnesia). A data dir first booted with other credentials keeps them: readiness then
fails with that explanation.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pwd
import secrets
import shutil
import socket
import stat
from pathlib import Path
from urllib.parse import quote

import pika
import pika.exceptions

from rackharness.errors import PrerequisiteError, ServiceError
from rackharness.services.base import Service, install_command
from rackharness.services.process import ManagedProcess, ProcessRecord, is_running, stop
from rackharness.wait import Condition, Observation

DEBIAN_SCRIPTS_DIR = Path("/usr/lib/rabbitmq/bin")
SERVICE_USER = "rabbitmq"
_AUTH_ERRORS = (pika.exceptions.ProbableAuthenticationError, pika.exceptions.ProbableAccessDeniedError)


class RabbitMqService(Service):
    """One private RabbitMQ node; see the module docstring for where its files go."""

    NAME = "rabbitmq"

    def __init__(
        self,
        host: str,
        port: int,
        dist_port: int,
        epmd_port: int,
        user: str,
        password: str,
        data_dir: Path,
        log_dir: Path,
        *,
        vhost: str = "/",
        scripts_dir: Path = DEBIAN_SCRIPTS_DIR,
    ) -> None:
        self.host, self.port, self.dist_port, self.epmd_port = host, port, dist_port, epmd_port
        self.user, self.vhost = user, vhost
        self._password = password
        self.data_dir, self.log_dir = Path(data_dir).absolute(), Path(log_dir).absolute()
        self.scripts_dir = Path(scripts_dir)

    # -- identity and files -------------------------------------------------------------------
    @property
    def node_name(self) -> str:
        digest = hashlib.sha256(str(self.data_dir.resolve()).encode()).hexdigest()[:10]
        return f"rackharness-{digest}@localhost"

    @property
    def url(self) -> str:
        creds = f"{quote(self.user, safe='')}:{quote(self._password, safe='')}"
        return f"amqp://{creds}@{self.host}:{self.port}/{quote(self.vhost, safe='')}"

    @property
    def console_log(self) -> Path:
        return self.log_dir / "rabbitmq.console.log"

    @property
    def log_files(self) -> list[Path]:
        return [self.console_log, self.log_dir / "rabbitmq.log", self.log_dir / "rabbitmq-epmd.log"]

    @property
    def run_as(self) -> str | None:
        """The user the node runs as: ``rabbitmq`` when we are root, else ourselves (None)."""
        return SERVICE_USER if os.geteuid() == 0 else None

    # -- checks --------------------------------------------------------------------------------
    def check_prerequisites(self) -> None:
        hint = install_command("apt-get install -y rabbitmq-server")
        if not (self.scripts_dir / "rabbitmq-server").is_file():
            raise PrerequisiteError(
                f"RabbitMQ is not installed: {self.scripts_dir / 'rabbitmq-server'} is missing", hint=hint
            )
        if self._epmd() is None:
            raise PrerequisiteError("Erlang's epmd is not on PATH (package erlang-base)", hint=hint)
        if self.run_as:
            try:
                pwd.getpwnam(self.run_as)
            except KeyError as exc:
                raise PrerequisiteError(f"user {self.run_as!r} does not exist", hint=hint) from exc

    def port_settings(self) -> dict[str, tuple[str, int]]:
        return {
            "amqp.port": (self.host, self.port),
            "amqp.dist_port": ("127.0.0.1", self.dist_port),
            "amqp.epmd_port": ("127.0.0.1", self.epmd_port),
        }

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> ProcessRecord:
        """Check ports, write the node's files, start epmd (waits ms for it), spawn the node."""
        self.check_ports()
        self._prepare()
        gid = pwd.getpwnam(self.run_as).pw_gid if self.run_as else None
        common = dict(env=self._environment(), cwd=self.data_dir / "home", user=self.run_as, group=gid)
        epmd = ManagedProcess(
            "rabbitmq-epmd",
            [self._epmd(), "-port", str(self.epmd_port), "-address", "127.0.0.1"],
            self.log_dir / "rabbitmq-epmd.log",
            **common,
        )
        epmd_record = epmd.start()
        try:
            Condition(
                timeout=5,
                interval=0.02,
                probe=self._epmd_answers,
                what=f"epmd on {self.epmd_port}",
                log_file=self.log_dir / "rabbitmq-epmd.log",
                is_alive=lambda: is_running(epmd_record),
            ).wait()
            node = ManagedProcess(
                self.NAME, [str(self.scripts_dir / "rabbitmq-server")], self.console_log, **common
            ).start()
        except BaseException:
            stop(epmd_record, grace=1)
            raise
        return node.with_companions(epmd_record)

    def wait_ready(self, record: ProcessRecord | None, timeout: float = 30.0) -> None:
        """Ready = an AMQP handshake with our credentials succeeds (not just an open port)."""
        pika_log = logging.getLogger("pika")
        level = pika_log.level
        pika_log.setLevel(logging.CRITICAL)  # every refused poll would log an ERROR otherwise
        try:
            Condition(
                timeout=timeout,
                interval=0.1,
                probe=self._handshake,
                what=f"RabbitMQ node {self.node_name} to accept AMQP on {self.host}:{self.port}",
                transient=(OSError, pika.exceptions.AMQPConnectionError),
                is_alive=(lambda: is_running(record)) if record else None,
                log_file=self.console_log,
                hint=f"see {self.log_dir / 'rabbitmq.log'}",
            ).wait()
        finally:
            pika_log.setLevel(level)
        self._forget_credentials()

    def _forget_credentials(self) -> None:
        """Once the node accepted our login, the user lives (hashed) in mnesia: advanced.config, read only at
        boot, no longer needs the password, so no file under the data dir keeps it."""
        _write(
            self.data_dir / "advanced.config",
            "%% Written by rackharness: the first-boot user was created; its password is not kept here.\n[].\n",
            0o600,
        )

    def _epmd_answers(self) -> Observation:
        """Ask epmd for its node list (NAMES_REQ): a real answer, not just an open port."""
        with socket.create_connection(("127.0.0.1", self.epmd_port), timeout=1) as conn:
            conn.sendall(b"\x00\x01n")
            reply = conn.recv(4)
        return Observation(len(reply) == 4, f"epmd replied {reply!r}")

    def _handshake(self) -> Observation:
        params = pika.ConnectionParameters(
            host=self.host,
            port=self.port,
            virtual_host=self.vhost,
            credentials=pika.PlainCredentials(self.user, self._password),
            connection_attempts=1,
            socket_timeout=1,
            stack_timeout=3,
            blocked_connection_timeout=3,
        )
        try:
            connection = pika.BlockingConnection(params)
        except _AUTH_ERRORS as exc:
            raise ServiceError(
                f"RabbitMQ on {self.host}:{self.port} refused user {self.user!r}: {exc!r}",
                hint=f"RabbitMQ creates the user only on the first boot of {self.data_dir / 'mnesia'}; "
                "remove that directory (RackHD recreates its exchanges) or use the original password",
            ) from exc
        connection.close()
        return Observation(True, f"AMQP handshake as {self.user!r} succeeded")

    # -- files -----------------------------------------------------------------------------------
    def _epmd(self) -> str | None:
        return shutil.which("epmd") or shutil.which("epmd", path="/usr/lib/erlang/bin")

    def _environment(self) -> dict[str, str]:
        home, logs = self.data_dir / "home", self.log_dir
        return {
            "HOME": str(home),
            "RABBITMQ_NODENAME": self.node_name,
            "RABBITMQ_NODE_IP_ADDRESS": self.host,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_MNESIA_BASE": str(self.data_dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(logs),
            "RABBITMQ_LOGS": str(logs / "rabbitmq.log"),
            "RABBITMQ_PID_FILE": str(self.data_dir / "rabbitmq.pid"),
            "RABBITMQ_CONFIG_FILE": str(self.data_dir / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.data_dir / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(self.data_dir / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.data_dir / "enabled_plugins"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "ERL_CRASH_DUMP": str(logs / "erl_crash.dump"),
        }

    def _config_text(self) -> str:
        """rabbitmq.conf: everything but the credentials (cuttlefish would eat a '#' in them)."""
        return "\n".join(
            [
                "# Written by rackharness on every start; the credentials are in advanced.config.",
                f"default_vhost = {self.vhost}",
                "default_user_tags.administrator = true",
                "default_permissions.configure = .*",
                "default_permissions.read = .*",
                "default_permissions.write = .*",
                "log.file.level = info",
                "log.console = true",
                "",
            ]
        )

    def _advanced_config_text(self) -> str:
        """advanced.config (Erlang terms): the first-boot user; any character survives quoting."""
        return (
            "%% -*- coding: utf-8 -*-\n"
            "%% Written by rackharness on every start. Holds the AMQP password: keep mode 0600.\n"
            f"[{{rabbit, [{{default_user, {_erlang_binary(self.user)}}},\n"
            f"           {{default_pass, {_erlang_binary(self._password)}}}]}}].\n"
        )

    def _prepare(self) -> None:
        """Create the node's directories and files and hand them to the service user."""
        home = self.data_dir / "home"
        for directory in (home, self.data_dir / "mnesia", self.log_dir):
            directory.mkdir(parents=True, exist_ok=True)
        _write(self.data_dir / "rabbitmq.conf", self._config_text(), 0o644)
        _write(self.data_dir / "advanced.config", self._advanced_config_text(), 0o600)
        _write(self.data_dir / "enabled_plugins", "[].\n", 0o644)
        _write(self.data_dir / "rabbitmq-env.conf", "# rackharness: set in the environment\n", 0o644)
        cookie = home / ".erlang.cookie"
        if not cookie.exists():
            _write(cookie, secrets.token_hex(20), 0o400)
        if self.run_as:
            account = pwd.getpwnam(self.run_as)
            for top in (self.data_dir, self.log_dir):
                _check_reachable(top, self.run_as)
            _chown_tree(self.data_dir, account.pw_uid, account.pw_gid)
            os.chown(self.log_dir, account.pw_uid, account.pw_gid)
            for name in ("rabbitmq.log", "rabbitmq_upgrade.log", "erl_crash.dump"):
                if (self.log_dir / name).exists():
                    os.chown(self.log_dir / name, account.pw_uid, account.pw_gid)


def _erlang_binary(text: str) -> str:
    """``<<"te\\"xt"/utf8>>``: a UTF-8 Erlang binary literal holding ``text`` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'<<"{escaped}"/utf8>>'


def _write(path: Path, text: str, mode: int) -> None:
    if path.exists():
        path.chmod(0o600)  # the cookie is 0400: make it writable for the rewrite
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(mode)


def _chown_tree(top: Path, uid: int, gid: int) -> None:
    os.chown(top, uid, gid)
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


def blocked_parent(path: Path, user: str = SERVICE_USER) -> Path | None:
    """The first directory above ``path`` that ``user`` cannot enter (e.g. /root, mode 0700), or None."""
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return None
    groups = set(os.getgrouplist(user, account.pw_gid))
    for parent in reversed(Path(path).absolute().parents):
        if not parent.exists():
            break
        info = os.stat(parent)
        if info.st_uid == account.pw_uid:
            bit = stat.S_IXUSR
        elif info.st_gid in groups:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not info.st_mode & bit:
            return parent
    return None


def _check_reachable(path: Path, user: str) -> None:
    """Fail clearly when ``user`` cannot enter a directory above ``path``."""
    parent = blocked_parent(path, user)
    if parent is not None:
        mode = stat.S_IMODE(os.stat(parent).st_mode)
        raise ServiceError(
            f"RabbitMQ runs as user {user!r}, which cannot enter {parent} (mode {mode:04o}) on the way to {path}",
            hint=f"run `chmod o+x {parent}` or put the state directory where {user} can reach it",
        )
