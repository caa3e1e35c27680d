"""``rackharness tapes``: list tape sets, promote a recording into the repository, import one, check one.

``promote`` gathers every secret the recording run knew — the session tape's system under test (BMC,
API, AMQP and Mongo credentials, the token secret), the config, the running stack's status and the
inventory — and gives each the placeholder of the fixtures' fake config (``fixtures/tapes/fake-config.yaml``,
a rackharness config file), so the fake config and the tapes agree by construction.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import urlsplit

from rackharness.config import Config
from rackharness.config.loader import load_config
from rackharness.errors import UsageError
from rackharness.project_files import resolve
from rackharness.tapes.tape import is_set, session_header, sets_in

NAME = "tapes"
HELP = "record/replay tape sets: list, promote a recording into the repo (scrubbed), import, check"
FAKE_CONFIG = Path("fixtures/tapes/fake-config.yaml")
#: settings that are secrets, and the role their value is scrubbed under
SECRET_SETTINGS = {
    "bmc.password": "bmc.password",
    "amqp.password": "amqp.password",
    "target.auth_password": "target.auth_password",
    "target.auth_token_secret": "target.auth_token_secret",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True
    verbs.add_parser("list", help="the recorded and promoted tape sets")
    promote = verbs.add_parser("promote", help="scrub the last recording's set and move it into tapes.dir")
    promote.add_argument("--tape-set", help="which recorded set (default: the only one, or the newest)")
    promote.add_argument("--keep", action="store_true", help="keep the recording after promoting it")
    promote.add_argument("--fake-config", default=str(FAKE_CONFIG), help=f"placeholders (default {FAKE_CONFIG})")
    imported = verbs.add_parser("import", help="bring in a set recorded elsewhere (scrubbed like any other)")
    imported.add_argument("source", help="the set's directory (with _session.json)")
    imported.add_argument("--tape-set", help="the name to give it (default: the system its session tape names)")
    imported.add_argument("--fake-config", default=str(FAKE_CONFIG), help=f"placeholders (default {FAKE_CONFIG})")
    check = verbs.add_parser(
        "check",
        help="prove a set holds no token and none of the secrets the config, the "
        "stack or the inventory give (set them: RACKHARNESS_BMC_PASSWORD=...)",
    )
    check.add_argument("directory", nargs="?", help="the set (default: tapes.dir/tapes.set)")
    check.add_argument("--fake-config", default=str(FAKE_CONFIG), help=f"placeholders (default {FAKE_CONFIG})")


def run(args: argparse.Namespace, config: Config) -> int:
    return {"list": _list, "promote": _promote, "import": _import, "check": _check}[args.verb](args, config)


def _list(args: argparse.Namespace, config: Config) -> int:
    for label, directory in (
        ("recorded", Path(config["tapes.record_dir"])),
        ("promoted", resolve(config["tapes.dir"])),
    ):
        found = sets_in(directory)
        print(
            f"{label} ({directory}): "
            + (", ".join(f"{p.name} ({len(list(p.glob('*.json')))} tapes)" for p in found) or "none")
        )
    print(f"RACKHARNESS_RECORD_MODE=none replays: {config['tapes.set']}")
    return 0


def placeholders(path: str) -> dict[str, str]:
    """Role → placeholder, from the fake config (the default's relative path: the project's, wherever run from)."""
    path = str(resolve(path))
    if not Path(path).is_file():
        raise UsageError(
            f"no fake config at {path}",
            hint="it holds the placeholders tapes use for secrets; restore fixtures/tapes/fake-config.yaml from git",
        )
    fake = load_config(path, environ={})
    out = {role: fake[key] for key, role in SECRET_SETTINGS.items() if fake[key]}
    mongo_password = urlsplit(fake["mongo.url"] or "").password
    if mongo_password:
        out["mongo.password"] = mongo_password
    return out


def run_secrets(config: Config, session: dict | None, *, given_only: bool = False) -> dict[str, str]:
    """Every secret of the run: the session tape's system under test, the config, the stack, the inventory.
    ``given_only``: the config's secrets only where the user set them (a default such as ``admin`` is a user
    name too, and is in every tape as that)."""
    found: dict[str, str] = {}
    for key, role in SECRET_SETTINGS.items():
        if not given_only or config.source(key) != "default":
            found[role] = config[key] or ""
    for role, key in (("amqp.password", "amqp.url"), ("mongo.password", "mongo.url")):
        _url_password(found, role, config[key])
    sut = (session or {}).get("system_under_test") or {}
    _url_password(found, "amqp.password", sut.get("amqp_url"))
    _url_password(found, "mongo.password", sut.get("mongo_url"))
    auth = sut.get("auth") or {}
    for role, key in (("target.auth_password", "password"), ("target.auth_token_secret", "token_secret")):
        if auth.get(key) and auth[key] != found.get(role):
            found[f"session.{role}" if found.get(role) else role] = auth[key]
    for node in sut.get("nodes") or []:
        found[f"node.{node['name']}.bmc.password"] = node["bmc"].get("password", "")
    try:
        from rackharness.stack_info import current_stack

        stack = None if given_only else current_stack(config["state_dir"])
    except UsageError:
        stack = None
    if stack is not None:
        _url_password(found, "stack.amqp.password", stack.amqp_url)
        _url_password(found, "stack.mongo.password", stack.mongo_url)
        for node in stack.nodes:
            found[f"stack.{node.name}.bmc.password"] = node.bmc.password
    if config["inventory"]:
        from rackharness.inventory.loader import load_inventory

        inventory = load_inventory(config["inventory"])
        for node in inventory.nodes:
            found[f"inventory.{node.name}.bmc.password"] = node.bmc_password
        for index, value in enumerate(inventory.resolved):
            found[f"inventory.value{index + 1}"] = value
    return {role: value for role, value in found.items() if value}


def _url_password(found: dict[str, str], role: str, url: str | None) -> None:
    password = urlsplit(url or "").password
    if password and password not in found.values():
        found[role if role not in found or not found[role] else f"{role}.{len(found)}"] = password


def _promote(args: argparse.Namespace, config: Config) -> int:
    from rackharness.tapes.promote import promote

    recorded = sets_in(Path(config["tapes.record_dir"]))
    if args.tape_set:
        source = Path(config["tapes.record_dir"]) / args.tape_set
        if source not in recorded:
            raise UsageError(
                f"no recorded tape set {args.tape_set!r} in {config['tapes.record_dir']} "
                f"(recorded: {', '.join(p.name for p in recorded) or 'none'})"
            )
    elif not recorded:
        raise UsageError(
            f"nothing recorded in {config['tapes.record_dir']}",
            hint="record first: RACKHARNESS_RECORD_MODE=all nose2 (against a running system)",
        )
    else:
        source = recorded[-1]
    done = promote(
        source,
        Path(config["tapes.dir"]) / source.name,
        run_secrets(config, session_header(source).get("session") or {}),
        placeholders(args.fake_config),
        keep_source=args.keep,
    )
    print(done.summary())
    return 0


def _import(args: argparse.Namespace, config: Config) -> int:
    from rackharness.tapes.promote import promote

    source = Path(args.source)
    session = (session_header(source).get("session") or {}) if is_set(source) else None
    name = args.tape_set or _system_name(source)
    done = promote(
        source,
        Path(config["tapes.dir"]) / name,
        run_secrets(config, session),
        placeholders(args.fake_config),
        keep_source=True,
    )
    print(done.summary().replace("promoted", "imported", 1))
    return 0


def _system_name(source: Path) -> str:
    if not is_set(source):
        raise UsageError(f"{source} is not a tape set (no _session.json)")
    name = session_header(source).get("system")
    if not name or "/" in name or name.startswith("."):
        raise UsageError(f"{source}/_session.json names no usable system ({name!r})", hint="pass --tape-set NAME")
    return name


def _check(args: argparse.Namespace, config: Config) -> int:
    from rackharness.tapes.promote import check_set

    directory = Path(args.directory) if args.directory else resolve(config["tapes.dir"]) / config["tapes.set"]
    leaks = check_set(directory, run_secrets(config, None, given_only=True), placeholders(args.fake_config))
    for leak in leaks:
        print(leak)
    print(f"{directory}: {len(leaks)} leak(s)" if leaks else f"{directory}: no known secret and no token")
    return 1 if leaks else 0
