"""Which rack the black-box suite tests: the stack state, a config file, or ``RACKHARNESS_*``.

Resolution (first that applies):

1. a config file (``nose2 --rack-config FILE`` or ``RACKHARNESS_CONFIG``), layered with the
   environment exactly like ``rackharness --config``: ``target.url``, ``amqp.url``, ``mongo.url``
   (or their host/port settings), ``target.database``;
2. ``RACKHARNESS_TARGET_URL`` in the environment (same layering, no file);
3. the state file of a rack ``rackharness up`` brought up (``RACKHARNESS_STATE_DIR`` or
   ``.rackharness``): every endpoint plus every node's BMC.

An explicit target (1, 2) lists no BMCs yet — physical inventories come later — so tests that
check a node's BMC skip, saying so. Nothing here opens a connection.

Isolated mode (``RACKHARNESS_MODE=isolated``, or a state file whose provider is ``isolated``,
written by ``rackharness up --provider isolated``): there is no rack to find; :func:`isolated_config`
returns the config to start one from, and :func:`rackharness.suite.context.configure` starts an
:class:`~rackharness.providers.isolated.IsolatedStack` in this process (the nose2 plugin stops it
when the run ends). ``RACKHARNESS_MODE=stack`` (or unset) is the resolution above.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

from rackharness.config.loader import Config, load_config
from rackharness.errors import UsageError
from rackharness.invocation import named
from rackharness.redaction import redact_url
from rackharness.stack_info import NodeInfo, StackInfo, current_stack
from rackharness.state import StateStore

CONFIG_ENV = "RACKHARNESS_CONFIG"
URL_ENV = "RACKHARNESS_TARGET_URL"
MODE_ENV = "RACKHARNESS_MODE"
MODES = ("stack", "isolated")
#: the RackHD release the suite and its known differences were checked against; assumed (and said so)
#: for a RackHD whose version neither its API nor suite.rackhd_version tells
ASSUMED_RACKHD_VERSION = "2.60.7"


@dataclass(frozen=True)
class AuthAccess:
    """The auth-enabled endpoint and who the suite logs in as (``target.auth_*``); secrets masked in repr."""

    url: str
    user: str
    password: str = field(repr=False)
    token_secret: str = field(repr=False)
    token_expire: int = 86400


def auth_access(url: str | None, config: Config) -> AuthAccess | None:
    """``url`` (or ``target.auth_url``) with the configured credentials; None when there is no such endpoint."""
    url = config["target.auth_url"] or url
    if not url:
        return None
    return AuthAccess(
        url=url.rstrip("/"),
        user=config["target.auth_user"],
        password=config["target.auth_password"],
        token_secret=config["target.auth_token_secret"],
        token_expire=config["target.auth_token_expire"],
    )


@dataclass(frozen=True)
class SystemUnderTest:
    api_url: str
    amqp_url: str | None
    mongo_url: str | None
    database: str = "pxe"
    nodes: tuple[NodeInfo, ...] = ()
    source: str = ""
    #: the rack is the reference target started by `rackharness up` (it may then be inspected in-process)
    provider: str | None = field(default=None)
    #: the auth-enabled endpoint (the ``auth`` group skips without one)
    auth: AuthAccess | None = None
    #: where the target reaches this process (suite.callback_host; None: the route to the API host)
    callback_host: str | None = None
    callback_port: int = 0  # suite.callback_port: the webhook sinks' port (0: any free one)
    api_timeout: float = 15.0  # suite.api_timeout: seconds a REST call of the suite may take
    discover_timeout: float = 120.0  # discover_timeout: how long the discovery group waits for the rack
    #: suite.rackhd_version: the RackHD version to assume (RackHD 2.60.7 tells none over its API)
    rackhd_version: str | None = None
    #: what the target is — "reference" (it says so: the X-Rackharness-Target header), "rackhd" (a target
    #: that does not), "unknown" (it did not answer), None (not asked yet: :func:`identify`)
    kind: str | None = None
    #: the reference's own version, or RackHD's from suite.rackhd_version (None: not known)
    version: str | None = None
    #: RackHD told no version and none was configured: the version the suite was checked against is assumed
    version_assumed: bool = False

    def what(self) -> str:
        """ "reference target 0.1.0", "RackHD 2.60.7", "RackHD (version unknown)", "unknown target"."""
        if self.kind == "reference":
            return f"reference target {self.version or ''}".rstrip()
        if self.kind == "rackhd":
            if self.version and self.version_assumed:
                return (
                    f"RackHD {self.version} (assumed: RackHD's API tells no version; set suite.rackhd_version "
                    "if it is another)"
                )
            return f"RackHD {self.version}" if self.version else "RackHD (version unknown: set suite.rackhd_version)"
        return "unknown target" if self.kind == "unknown" else "target not identified yet"

    def describe(self) -> str:
        parts = [
            f"API {self.api_url}",
            f"auth {self.auth.url if self.auth else '(none)'}",
            f"AMQP {redact_url(self.amqp_url) if self.amqp_url else '(none)'}",
            f"Mongo {redact_url(self.mongo_url) if self.mongo_url else '(none)'}",
            f"{len(self.nodes)} BMC(s)",
        ]
        return ", ".join(parts) + f" (from {self.source})"

    def __repr__(self) -> str:
        return f"SystemUnderTest({self.describe()})"


def suite_mode(environ: Mapping[str, str] | None = None) -> str:
    """``stack`` (test a rack that runs elsewhere) or ``isolated``, from RACKHARNESS_MODE."""
    environ = os.environ if environ is None else environ
    mode = (environ.get(MODE_ENV) or "stack").strip().lower()
    if mode not in MODES:
        raise UsageError(
            f"{MODE_ENV}={environ.get(MODE_ENV)!r}: expected one of {', '.join(MODES)}",
            hint=f"{MODE_ENV}=isolated runs the rack inside nose2; unset it to test the stack's rack",
        )
    return mode


def _state_dir(environ: Mapping[str, str]) -> Path:
    """The ``state_dir`` setting as ``environ`` gives it (``RACKHARNESS_STATE_DIR``)."""
    return Path(load_config(None, environ=environ)["state_dir"])


def isolated_config(
    config_file: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None
) -> Config | None:
    """The config to start an in-process isolated rack from, or ``None`` when the suite tests a running rack.

    ``RACKHARNESS_MODE=isolated``: the config file (if any) layered with ``RACKHARNESS_*``. Otherwise,
    with no config file or target URL, a state file recording an ``isolated`` rack: the config
    ``up --provider isolated`` saved. Reads files only.
    """
    environ = os.environ if environ is None else environ
    config_file = config_file or environ.get(CONFIG_ENV) or None
    if suite_mode(environ) == "isolated":
        if environ.get(URL_ENV):
            raise UsageError(
                f"{MODE_ENV}=isolated and {URL_ENV} are both set",
                hint="isolated mode tests its own in-process target; unset one of them",
            )
        if config_file and not Path(config_file).is_file():
            raise UsageError(
                f"rack config {config_file}: no such file",
                hint=f"pass an existing YAML file to --rack-config (or {CONFIG_ENV})",
            )
        return load_config(str(config_file) if config_file else None, environ=environ)
    if config_file or environ.get(URL_ENV):
        return None
    directory = _state_dir(environ)
    state = StateStore(directory).load()
    if (
        state is None
        or state.status != "up"
        or not StackInfo.from_endpoints(state.provider, directory, state.endpoints).in_process
    ):
        return None
    from rackharness.providers.isolated import saved_config

    return saved_config(directory)


def resolve_system_under_test(
    config_file: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None
) -> SystemUnderTest:
    environ = os.environ if environ is None else environ
    config_file = config_file or environ.get(CONFIG_ENV) or None
    if config_file or environ.get(URL_ENV):
        if config_file and not Path(config_file).is_file():
            raise UsageError(
                f"rack config {config_file}: no such file",
                hint=f"pass an existing YAML file to --rack-config (or {CONFIG_ENV})",
            )
        config = load_config(str(config_file) if config_file else None, environ=environ)
        return _from_config(config, f"config file {config_file}" if config_file else f"environment {URL_ENV}")
    try:
        stack = current_stack(_state_dir(environ))
    except UsageError as exc:
        raise UsageError(
            exc.message,
            hint=named(
                "run `./stack.sh up` first; or test another RackHD with "
                f"--rack-config FILE (nose2 or pytest) or {URL_ENV}=http://host:port"
            ),
        ) from exc
    if stack.in_process:
        raise UsageError(
            f"the rack in {stack.state_dir} is isolated: it runs inside the test process, not here",
            hint="run the suite with nose2 (which starts it), or call rackharness.suite.context.configure()",
        )
    if not stack.api_url:
        raise UsageError(
            f"the rack in {stack.state_dir} has no API endpoint",
            hint=named("`./stack.sh status` shows what is running"),
        )
    saved = stack.state_dir / "config.json"
    config = Config.load_saved(saved) if saved.is_file() else load_config(None, environ={})
    return from_stack(stack, config, load_config(None, environ=environ), source=f"stack state in {stack.state_dir}")


def from_stack(stack: StackInfo, config: Config, runner: Config, *, source: str) -> SystemUnderTest:
    """The system under test of a running stack: its endpoints and nodes, ``config`` the stack's settings
    (database, auth login), ``runner`` the test runner's own (``suite.*``, timeouts)."""
    return SystemUnderTest(
        api_url=stack.api_url.rstrip("/"),
        amqp_url=stack.amqp_url,
        mongo_url=stack.mongo_url,
        database=config["target.database"],
        nodes=stack.nodes,
        source=source,
        provider=stack.provider,
        auth=auth_access(stack.auth_url, config),
        **runner_settings(runner),
    )


def runner_settings(config: Config) -> dict[str, object]:
    """What SystemUnderTest takes from the test runner's settings: callback address, timeouts."""
    return {
        "callback_host": config["suite.callback_host"],
        "callback_port": config["suite.callback_port"],
        "api_timeout": config["suite.api_timeout"],
        "discover_timeout": config["discover_timeout"],
        "rackhd_version": config["suite.rackhd_version"],
    }


#: the header the reference target puts on every answer: ``reference/<rackharness version>``
TARGET_HEADER = "X-Rackharness-Target"
KINDS = ("reference", "rackhd", "unknown")


def identity_from_answer(target: SystemUnderTest, status: int | None, headers: Mapping[str, str]) -> SystemUnderTest:
    """``target`` with ``kind``/``version`` from its answer to ``GET /api/2.0/config`` (``status`` None: no answer).

    No guessing: the reference target names itself in :data:`TARGET_HEADER`; a target that answers
    without it is RackHD, whose version is ``suite.rackhd_version`` (RackHD 2.60.7 exposes none: its
    ``GET /api/2.0/config`` has no version key and there is no version endpoint), else
    :data:`ASSUMED_RACKHD_VERSION` — the version the suite was checked against — said as assumed.
    """
    if status is None or status >= 500:
        return replace(target, kind="unknown", version=None)
    said = next((value for key, value in headers.items() if key.lower() == TARGET_HEADER.lower()), None)
    if said:
        name, _, version = said.strip().partition("/")
        if name == "reference":
            return replace(target, kind="reference", version=version or None)
    if target.rackhd_version:
        return replace(target, kind="rackhd", version=target.rackhd_version)
    return replace(target, kind="rackhd", version=ASSUMED_RACKHD_VERSION, version_assumed=True)


def identify(target: SystemUnderTest, timeout: float | None = None) -> SystemUnderTest:
    """Ask the target what it is (one ``GET /api/2.0/config``); an in-process isolated rack is the reference."""
    if target.kind is not None:
        return target
    import requests

    try:
        response = requests.get(
            f"{target.api_url}/api/2.0/config", timeout=timeout if timeout is not None else min(target.api_timeout, 5.0)
        )
    except requests.RequestException:
        return identity_from_answer(target, None, {})
    return identity_from_answer(target, response.status_code, response.headers)


def _from_config(config: Config, source: str) -> SystemUnderTest:
    api = config["target.url"] or f"http://{config['target.host']}:{config['target.port']}"
    amqp = config["amqp.url"] or (
        f"amqp://{quote(config['amqp.user'], safe='')}:"
        f"{quote(config['amqp.password'], safe='')}@{config['amqp.host']}:"
        f"{config['amqp.port']}/%2F"
    )
    mongo = config["mongo.url"] or f"mongodb://{config['mongo.host']}:{config['mongo.port']}"
    auth = None if config["target.url"] else f"http://{config['target.host']}:{config['target.auth_port']}"
    return SystemUnderTest(
        api_url=api.rstrip("/"),
        amqp_url=amqp,
        mongo_url=mongo,
        database=config["target.database"],
        source=source,
        auth=auth_access(auth, config),
        **runner_settings(config),
    )


def to_record(target: SystemUnderTest, **overrides: object) -> dict[str, object]:
    """``target`` as a JSON object (secrets included: a tape is scrubbed before it leaves the machine)."""
    record = asdict(replace(target, **overrides))
    record["nodes"] = [{**asdict(n), "macs": list(n.macs)} for n in target.nodes]
    return record


def from_record(record: Mapping[str, object], *, source: str) -> SystemUnderTest:
    """The :class:`SystemUnderTest` :func:`to_record` wrote (a replay's, from its session tape)."""
    from rackharness.stack_info import BmcAccess

    fields = dict(record)
    nodes = tuple(
        NodeInfo(**{**n, "macs": tuple(n.get("macs") or ()), "bmc": BmcAccess(**n["bmc"])})
        for n in fields.pop("nodes", None) or ()
    )
    auth = fields.pop("auth", None)
    known = set(SystemUnderTest.__dataclass_fields__)
    kept = {k: v for k, v in fields.items() if k in known and k not in ("source", "nodes", "auth")}
    return SystemUnderTest(**kept, nodes=nodes, auth=AuthAccess(**auth) if auth else None, source=source)


def tape_set_name(target: SystemUnderTest) -> str:
    """The tape set a recording of ``target`` goes to: ``reference``, ``rackhd-<version>``, or ``lab-<version>``."""
    if target.kind == "reference":
        return "reference"
    version = target.version or "unknown"
    if target.provider == "physical":
        return f"lab-rackhd-{version}"
    return f"rackhd-{version}"
