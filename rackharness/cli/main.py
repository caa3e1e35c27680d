"""``rackharness up|down|status|logs|config``: parse, build the config, run, map errors to exit codes.

A user mistake prints one clear message (what, where, what to do) and exits 2 without a
traceback; ``--debug`` adds the traceback for bug reports.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import traceback
from collections.abc import Sequence

from rackharness import __version__
from rackharness.cli import config_cmd, diff, down, inventory, logs, matrix, microkernel, status, tapes, up
from rackharness.config import load_config
from rackharness.config.loader import Config
from rackharness.config.schema import BY_KEY
from rackharness.errors import RackHarnessError, UsageError
from rackharness.invocation import command
from rackharness.redaction import MASK

COMMANDS = (up, down, status, logs, config_cmd, matrix, inventory, tapes, diff, microkernel)


PREFIX = "rackharness: error: "


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own usage errors: same shape as ours, exit 2
        raise usage_error(self.prog.split()[1:], message)


def usage_error(words: Sequence[str], message: str) -> UsageError:
    """An argparse complaint about ``rackharness WORDS...`` (the subcommand, if any): main() says who
    complains (``rackharness: error:``), so the message names only the subcommand."""
    where = " ".join(words)
    return UsageError(
        f"{where}: {message}" if where else message, hint=f"`{command(f'{where} --help'.strip())}` lists the options"
    )


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--config", metavar="FILE", help="YAML config file (layered over the defaults)")
    common.add_argument("--state-dir", metavar="DIR", help="where state, logs and data live (.rackharness)")
    common.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help=f"set any setting, e.g. --set amqp.port=21672 (see `{command('config --list')}`)",
    )
    common.add_argument("--debug", action="store_true", help="verbose logs and tracebacks")
    parser = _Parser(prog="rackharness", description="Virtual-rack provisioning and RackHD test harness.")
    parser.add_argument("--version", action="version", version=f"rackharness {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in COMMANDS:
        child = sub.add_parser(module.NAME, parents=[common], help=module.HELP, description=module.HELP)
        module.add_arguments(child)
        child.set_defaults(run=module.run, flag_map=getattr(module, "FLAGS", {}))
    return parser


def config_from_args(args: argparse.Namespace, environ=None) -> Config:
    flags: dict[str, tuple[object, str]] = {}
    if args.state_dir is not None:
        flags["state_dir"] = (args.state_dir, "--state-dir")
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            shown = item if not sep else f"{key}=..."  # the value may be a password: never echoed
            raise UsageError(f"--set {shown!r}: expected KEY=VALUE", hint="e.g. --set bmc.base_port=18230")
        key = key.strip()
        secret = key in BY_KEY and BY_KEY[key].secret
        flags[key] = (value, f"--set {key}={MASK if secret else value}")
    for attr, key in args.flag_map.items():
        value = getattr(args, attr, None)
        if value is not None:
            flags[key] = (value, "--" + attr.replace("_", "-"))
    return load_config(args.config, environ=environ, flags=flags)


def error_text(exc: RackHarnessError) -> str:
    """``rackharness: error: MESSAGE`` (and its hint): the prefix once, even when a message carries it
    already (one a child process printed, passed on)."""
    text = str(exc)
    while text.startswith(("rackharness: error: ", "rackharness: ")):
        text = text.removeprefix("rackharness: ").removeprefix("error: ")
    return PREFIX + text


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is, so its clean-up (``up`` stops what it started) runs."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    previous = signal.signal(signal.SIGTERM, _terminate)  # a SIGTERM unwinds like ^C: what `up` started is stopped
    try:
        args, extra = build_parser().parse_known_args(argv)
        if extra:  # said by the subcommand, with its --help (argparse would blame the top-level parser)
            raise usage_error(
                [args.command, *filter(None, [getattr(args, "verb", None)])],
                f"unrecognized arguments: {' '.join(extra)}",
            )
        config = config_from_args(args)
        return int(args.run(args, config) or 0)
    except RackHarnessError as exc:
        if debug:
            traceback.print_exc()
        print(error_text(exc), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `rackharness status | head`
        sys.stderr.close()
        return 0
    except Terminated:
        print("rackharness: terminated (SIGTERM); what this command started was stopped", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("rackharness: interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
